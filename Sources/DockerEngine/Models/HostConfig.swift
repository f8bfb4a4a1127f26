/// The `HostConfig` part of a container spec: mounts, limits and isolation. Each field is the
/// engine's field of the same name; nil fields are left to the engine.
public struct HostConfig: Sendable, Hashable, Codable {
    /// `HOST:CONTAINER[:ro|rw]` bind mounts.
    public var binds: [String]?
    public var autoRemove: Bool?
    /// `none`, `bridge`, `host`, or a network name.
    public var networkMode: String?
    /// Memory limit in bytes.
    public var memory: Int64?
    /// Memory plus swap limit in bytes (equal to `memory` disables swap).
    public var memorySwap: Int64?
    /// CPU quota in billionths of a CPU.
    public var nanoCpus: Int64?
    public var pidsLimit: Int64?
    public var readonlyRootfs: Bool?
    /// `name:ip` entries added to `/etc/hosts`.
    public var extraHosts: [String]?
    public var deviceRequests: [DeviceRequest]?
    /// Host devices by path, or CDI device names (`nvidia.com/gpu=all`) where the engine
    /// resolves them (Podman).
    public var devices: [DeviceMapping]?
    /// Run an init process (tini) as PID 1 so signals and zombies are handled.
    public var initProcess: Bool?
    /// Container path to mount options, e.g. `["/tmp": "rw,size=64m"]`.
    public var tmpfs: [String: String]?
    public var capDrop: [String]?
    public var securityOpt: [String]?

    public init(
        binds: [String]? = nil, autoRemove: Bool? = nil, networkMode: String? = nil,
        memory: Int64? = nil, memorySwap: Int64? = nil, nanoCpus: Int64? = nil,
        pidsLimit: Int64? = nil, readonlyRootfs: Bool? = nil, extraHosts: [String]? = nil,
        deviceRequests: [DeviceRequest]? = nil, devices: [DeviceMapping]? = nil, initProcess: Bool? = nil,
        tmpfs: [String: String]? = nil, capDrop: [String]? = nil, securityOpt: [String]? = nil
    ) {
        self.binds = binds
        self.autoRemove = autoRemove
        self.networkMode = networkMode
        self.memory = memory
        self.memorySwap = memorySwap
        self.nanoCpus = nanoCpus
        self.pidsLimit = pidsLimit
        self.readonlyRootfs = readonlyRootfs
        self.extraHosts = extraHosts
        self.deviceRequests = deviceRequests
        self.devices = devices
        self.initProcess = initProcess
        self.tmpfs = tmpfs
        self.capDrop = capDrop
        self.securityOpt = securityOpt
    }

    enum CodingKeys: String, CodingKey {
        case binds = "Binds"
        case autoRemove = "AutoRemove"
        case networkMode = "NetworkMode"
        case memory = "Memory"
        case memorySwap = "MemorySwap"
        case nanoCpus = "NanoCpus"
        case pidsLimit = "PidsLimit"
        case readonlyRootfs = "ReadonlyRootfs"
        case extraHosts = "ExtraHosts"
        case deviceRequests = "DeviceRequests"
        case devices = "Devices"
        case initProcess = "Init"
        case tmpfs = "Tmpfs"
        case capDrop = "CapDrop"
        case securityOpt = "SecurityOpt"
    }
}

/// A request for host devices, e.g. every GPU: `DeviceRequest(count: -1, capabilities: [["gpu"]])`.
public struct DeviceRequest: Sendable, Hashable, Codable {
    public var driver: String?
    /// How many devices; -1 means all.
    public var count: Int?
    public var deviceIDs: [String]?
    public var capabilities: [[String]]?
    public var options: [String: String]?

    public init(
        driver: String? = nil, count: Int? = nil, deviceIDs: [String]? = nil,
        capabilities: [[String]]? = nil, options: [String: String]? = nil
    ) {
        self.driver = driver
        self.count = count
        self.deviceIDs = deviceIDs
        self.capabilities = capabilities
        self.options = options
    }

    /// Every GPU, as `--gpus all` asks.
    public static let allGPUs = DeviceRequest(count: -1, capabilities: [["gpu"]])

    enum CodingKeys: String, CodingKey {
        case driver = "Driver"
        case count = "Count"
        case deviceIDs = "DeviceIDs"
        case capabilities = "Capabilities"
        case options = "Options"
    }
}

/// One entry of `Devices`: a host device (or a CDI device name) given to the container.
public struct DeviceMapping: Sendable, Hashable, Codable {
    public var pathOnHost: String
    public var pathInContainer: String
    public var cgroupPermissions: String

    public init(pathOnHost: String, pathInContainer: String = "", cgroupPermissions: String = "rwm") {
        self.pathOnHost = pathOnHost
        self.pathInContainer = pathInContainer
        self.cgroupPermissions = cgroupPermissions
    }

    enum CodingKeys: String, CodingKey {
        case pathOnHost = "PathOnHost"
        case pathInContainer = "PathInContainer"
        case cgroupPermissions = "CgroupPermissions"
    }
}
