/// The body of `POST /containers/{id}/exec`: a command to run in a running container. Each field
/// is the engine's field of the same name.
public struct ExecSpec: Sendable, Hashable, Codable {
    public var cmd: [String]
    public var attachStdin: Bool
    public var attachStdout: Bool
    public var attachStderr: Bool
    /// With a TTY the output is one raw stream; without, stdout and stderr come as frames.
    public var tty: Bool
    public var workingDir: String?
    /// `NAME=value` entries.
    public var env: [String]?
    public var user: String?

    public init(
        cmd: [String], attachStdin: Bool = false, attachStdout: Bool = true,
        attachStderr: Bool = true, tty: Bool = false, workingDir: String? = nil,
        env: [String]? = nil, user: String? = nil
    ) {
        self.cmd = cmd
        self.attachStdin = attachStdin
        self.attachStdout = attachStdout
        self.attachStderr = attachStderr
        self.tty = tty
        self.workingDir = workingDir
        self.env = env
        self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case cmd = "Cmd"
        case attachStdin = "AttachStdin"
        case attachStdout = "AttachStdout"
        case attachStderr = "AttachStderr"
        case tty = "Tty"
        case workingDir = "WorkingDir"
        case env = "Env"
        case user = "User"
    }
}
