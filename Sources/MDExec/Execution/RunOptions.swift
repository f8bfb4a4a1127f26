/// How a document is run, independent of where (the block timeout and `delete_tmp_files`
/// are the executor's configuration).
public struct RunOptions: Sendable, Equatable {
    /// Run every block even after one failed (default: stop at the first failure).
    public var keepGoing = false
    /// Bytes of output kept per block; the rest is dropped with a visible note.
    public var maxOutputBytes = 1 << 20
    /// Compare each executed block's output with its recorded output (`mdexec check`).
    public var compareOutputs = false
    /// Where the blocks' pictures go; nil: none is collected.
    public var imageDestination: ImageDestination?

    public init() {}
}

/// What a run reports as it goes, for progress lines.
public enum RunEvent: Sendable {
    /// A block is about to run.
    case started(index: Int, line: Int, language: String?)
    /// A block has its final result (whatever its status).
    case finished(BlockResult)
}
