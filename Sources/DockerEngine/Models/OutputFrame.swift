/// Which stream a piece of process output came from.
public enum StreamKind: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// Stream 0 (stdin, echoed) is reported as stdout, as the Docker CLI does.
    case stdout = 1
    case stderr = 2
    /// Stream 3: an error from the engine itself, not from the process.
    case systemError = 3

    public var description: String {
        switch self {
        case .stdout: return "stdout"
        case .stderr: return "stderr"
        case .systemError: return "system-error"
        }
    }
}

/// One demultiplexed piece of process output.
public struct OutputFrame: Sendable, Hashable {
    public var stream: StreamKind
    public var bytes: [UInt8]

    public init(_ stream: StreamKind, _ bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}
