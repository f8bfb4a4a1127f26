/// Why code could not be executed. Errors that `endsRun` end the run (the CLI exits 3, or 1
/// when the user's functions failed to load); the others fail one block.
public struct ExecutionError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The engine, the container or the runner is gone or cannot be reached.
        case infrastructure
        /// A path named by a block leaves the workspace.
        case outsideWorkspace
        /// A file could not be written into the workspace.
        case writeFailed
        /// The functions module or its requirements could not be set up.
        case functionsFailed
        /// The executor was used before `start()` or after `stop()`.
        case notStarted
        /// The call was cancelled before it could run (a `Notebook` call waiting its turn).
        case cancelled
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the error ends the run (the sandbox failed, or the functions did not load),
    /// rather than failing one block.
    public var endsRun: Bool { code == .infrastructure || code == .notStarted || code == .functionsFailed }

    public var description: String { message }
}
