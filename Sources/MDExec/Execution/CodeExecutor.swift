/// Something that runs blocks in order in one persistent environment (a container, or
/// host processes in a work dir), files persisting between blocks.
public protocol CodeExecutor: AnyObject, Sendable {
    /// Which executor this is, as the JSON results name it.
    var kind: ExecutorKind { get }
    /// The options it was made with; the block timeout and `delete_tmp_files` apply to every
    /// executor, the container options only to `docker`.
    var configuration: ExecutorConfiguration { get }
    /// The image blocks run in, if any.
    var image: String? { get }
    /// Prepares the environment: after it returns, `init_command` has finished.
    func start() async throws(ExecutionError)
    /// Writes `contents` to `path` (relative to the workspace), creating missing parent
    /// directories; refuses a path that resolves outside the workspace.
    func writeFile(_ path: String, contents: [UInt8]) async throws(ExecutionError)
    /// Deletes a file written by `writeFile`, ignoring a missing one.
    func deleteFile(_ path: String) async
    /// Runs one job, reporting output as it arrives. Cancelling the task kills the job's
    /// whole process tree and returns an outcome with `cancelled` set.
    func run(
        _ job: ExecutionJob, onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws(ExecutionError) -> ExecutionOutcome
    /// Starts over with a fresh environment (the workspace's files are kept).
    func restart() async throws(ExecutionError)
    /// Ends the environment and releases everything it holds, to the end even when the
    /// calling task is cancelled (cleanup is never cut short). Safe to call twice.
    func stop() async
    /// Where blocks ran: the engine and image (once started) and the settings.
    func provenance() async -> Provenance
    /// The workspace's files, read back after each block for the pictures it made; nil
    /// when they cannot be read.
    var workspaceFiles: (any WorkspaceFiles)? { get }
}

extension CodeExecutor {
    public var workspaceFiles: (any WorkspaceFiles)? { nil }

    /// No engine, no image: the settings only.
    public func provenance() async -> Provenance {
        Provenance(settings: Provenance.Settings(configuration, container: false))
    }
}
