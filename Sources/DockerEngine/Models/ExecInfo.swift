/// What `GET /exec/{id}/json` says about an exec.
public struct ExecInfo: Sendable, Hashable, Decodable {
    public var id: String
    public var running: Bool
    /// The exit code once the process has ended; nil while it runs.
    public var exitCode: Int?
    /// The process's host PID (0 before it starts).
    public var pid: Int
    public var containerID: String?

    public init(id: String, running: Bool, exitCode: Int?, pid: Int, containerID: String? = nil) {
        self.id = id
        self.running = running
        self.exitCode = exitCode
        self.pid = pid
        self.containerID = containerID
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case running = "Running"
        case exitCode = "ExitCode"
        case pid = "Pid"
        case containerID = "ContainerID"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
        running = try c.decodeIfPresent(Bool.self, forKey: .running) ?? false
        let code = try c.decodeIfPresent(Int.self, forKey: .exitCode)
        exitCode = running ? nil : code
        pid = try c.decodeIfPresent(Int.self, forKey: .pid) ?? 0
        containerID = try c.decodeIfPresent(String.self, forKey: .containerID)
    }
}
