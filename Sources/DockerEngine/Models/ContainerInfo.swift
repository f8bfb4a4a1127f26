/// What `GET /containers/{id}/json` says about a container (the parts this client uses).
public struct ContainerInfo: Sendable, Hashable, Decodable {
    public var id: String
    /// The name, without the leading `/` the engine adds.
    public var name: String
    public var state: ContainerState
    public var image: String?
    public var labels: [String: String]
    /// The device requests the engine kept (`HostConfig.DeviceRequests`): an engine that
    /// does not support them drops them at create, and this is empty.
    public var deviceRequests: [DeviceRequest]

    public init(
        id: String, name: String, state: ContainerState, image: String? = nil,
        labels: [String: String] = [:], deviceRequests: [DeviceRequest] = []
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.image = image
        self.labels = labels
        self.deviceRequests = deviceRequests
    }

    private struct Config: Decodable {
        var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    private struct GrantedHostConfig: Decodable {
        var deviceRequests: [DeviceRequest]?
        enum CodingKeys: String, CodingKey { case deviceRequests = "DeviceRequests" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case state = "State"
        case image = "Image"
        case config = "Config"
        case hostConfig = "HostConfig"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        let rawName = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        state = try c.decode(ContainerState.self, forKey: .state)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        labels = (try c.decodeIfPresent(Config.self, forKey: .config))?.labels ?? [:]
        deviceRequests = (try c.decodeIfPresent(GrantedHostConfig.self, forKey: .hostConfig))?.deviceRequests ?? []
    }
}

/// A container's run state.
public struct ContainerState: Sendable, Hashable, Decodable {
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var status: String
    public var running: Bool
    public var exitCode: Int
    /// True when the kernel killed the main process for exceeding the memory limit.
    public var oomKilled: Bool
    /// The main process's host PID, 0 when not running.
    public var pid: Int
    /// The engine's error text for a failed start, empty otherwise.
    public var error: String

    public init(
        status: String, running: Bool, exitCode: Int = 0, oomKilled: Bool = false,
        pid: Int = 0, error: String = ""
    ) {
        self.status = status
        self.running = running
        self.exitCode = exitCode
        self.oomKilled = oomKilled
        self.pid = pid
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case running = "Running"
        case exitCode = "ExitCode"
        case oomKilled = "OOMKilled"
        case pid = "Pid"
        case error = "Error"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(String.self, forKey: .status)
        running = try c.decodeIfPresent(Bool.self, forKey: .running) ?? false
        exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
        oomKilled = try c.decodeIfPresent(Bool.self, forKey: .oomKilled) ?? false
        pid = try c.decodeIfPresent(Int.self, forKey: .pid) ?? 0
        error = try c.decodeIfPresent(String.self, forKey: .error) ?? ""
    }
}
