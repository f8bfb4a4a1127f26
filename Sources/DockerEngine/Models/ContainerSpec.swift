/// The body of `POST /containers/create`: what to run and how. Each field is the engine's field
/// of the same name (`cmd` is `Cmd`); nil fields are left to the engine.
public struct ContainerSpec: Sendable, Hashable, Codable {
    public var image: String
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var workingDir: String?
    public var hostname: String?
    /// `NAME=value` entries.
    public var env: [String]?
    public var labels: [String: String]?
    public var user: String?
    public var tty: Bool?
    public var openStdin: Bool?
    public var stdinOnce: Bool?
    public var attachStdin: Bool?
    public var attachStdout: Bool?
    public var attachStderr: Bool?
    public var networkDisabled: Bool?
    /// Container paths that get an anonymous volume (sent as `"Volumes": {"/path": {}}`).
    public var volumes: [String]?
    public var hostConfig: HostConfig?

    public init(
        image: String, cmd: [String]? = nil, entrypoint: [String]? = nil,
        workingDir: String? = nil, hostname: String? = nil, env: [String]? = nil, labels: [String: String]? = nil,
        user: String? = nil, tty: Bool? = nil, openStdin: Bool? = nil, stdinOnce: Bool? = nil,
        attachStdin: Bool? = nil, attachStdout: Bool? = nil, attachStderr: Bool? = nil,
        networkDisabled: Bool? = nil, volumes: [String]? = nil, hostConfig: HostConfig? = nil
    ) {
        self.image = image
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.workingDir = workingDir
        self.hostname = hostname
        self.env = env
        self.labels = labels
        self.user = user
        self.tty = tty
        self.openStdin = openStdin
        self.stdinOnce = stdinOnce
        self.attachStdin = attachStdin
        self.attachStdout = attachStdout
        self.attachStderr = attachStderr
        self.networkDisabled = networkDisabled
        self.volumes = volumes
        self.hostConfig = hostConfig
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image"
        case cmd = "Cmd"
        case entrypoint = "Entrypoint"
        case workingDir = "WorkingDir"
        case hostname = "Hostname"
        case env = "Env"
        case labels = "Labels"
        case user = "User"
        case tty = "Tty"
        case openStdin = "OpenStdin"
        case stdinOnce = "StdinOnce"
        case attachStdin = "AttachStdin"
        case attachStdout = "AttachStdout"
        case attachStderr = "AttachStderr"
        case networkDisabled = "NetworkDisabled"
        case volumes = "Volumes"
        case hostConfig = "HostConfig"
    }

    private struct EmptyObject: Codable, Hashable {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        image = try c.decode(String.self, forKey: .image)
        cmd = try c.decodeIfPresent([String].self, forKey: .cmd)
        entrypoint = try c.decodeIfPresent([String].self, forKey: .entrypoint)
        workingDir = try c.decodeIfPresent(String.self, forKey: .workingDir)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        env = try c.decodeIfPresent([String].self, forKey: .env)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        tty = try c.decodeIfPresent(Bool.self, forKey: .tty)
        openStdin = try c.decodeIfPresent(Bool.self, forKey: .openStdin)
        stdinOnce = try c.decodeIfPresent(Bool.self, forKey: .stdinOnce)
        attachStdin = try c.decodeIfPresent(Bool.self, forKey: .attachStdin)
        attachStdout = try c.decodeIfPresent(Bool.self, forKey: .attachStdout)
        attachStderr = try c.decodeIfPresent(Bool.self, forKey: .attachStderr)
        networkDisabled = try c.decodeIfPresent(Bool.self, forKey: .networkDisabled)
        volumes = try c.decodeIfPresent([String: EmptyObject].self, forKey: .volumes).map { $0.keys.sorted() }
        hostConfig = try c.decodeIfPresent(HostConfig.self, forKey: .hostConfig)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(image, forKey: .image)
        try c.encodeIfPresent(cmd, forKey: .cmd)
        try c.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try c.encodeIfPresent(workingDir, forKey: .workingDir)
        try c.encodeIfPresent(hostname, forKey: .hostname)
        try c.encodeIfPresent(env, forKey: .env)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(user, forKey: .user)
        try c.encodeIfPresent(tty, forKey: .tty)
        try c.encodeIfPresent(openStdin, forKey: .openStdin)
        try c.encodeIfPresent(stdinOnce, forKey: .stdinOnce)
        try c.encodeIfPresent(attachStdin, forKey: .attachStdin)
        try c.encodeIfPresent(attachStdout, forKey: .attachStdout)
        try c.encodeIfPresent(attachStderr, forKey: .attachStderr)
        try c.encodeIfPresent(networkDisabled, forKey: .networkDisabled)
        if let volumes {
            try c.encode(
                Dictionary(volumes.map { ($0, EmptyObject()) }, uniquingKeysWith: { a, _ in a }),
                forKey: .volumes)
        }
        try c.encodeIfPresent(hostConfig, forKey: .hostConfig)
    }
}
