import Foundation
import Logging
import Subprocess
import Synchronization
import SystemPackage

/// Runs blocks as host processes in a work dir, with no isolation at all: only for when
/// the user asks for it by name (`--executor local`), and for testing the pipeline
/// without an engine. Blocks run through the same runner as in a container.
public final class LocalExecutor: CodeExecutor {
    public let kind = ExecutorKind.local
    public let image: String? = nil
    public let configuration: ExecutorConfiguration
    /// The host directory blocks run in (a temporary one, removed by `stop()`, when none
    /// is given).
    public var workDir: String { workDirectory.path }
    public var workspaceFiles: (any WorkspaceFiles)? { HostWorkspaceFiles(root: workDir) }
    private let workDirectory: WorkDirectory
    private let state = Mutex(State())
    private let sessionNotice = SessionNotice()
    private let logger = Logger(label: "mdexec.local")

    private struct State {
        var link: RunnerLink?
        var requests: AsyncStream<[UInt8]>.Continuation?
        var task: Task<Void, Never>?
    }

    /// Of the configuration, the local executor uses `work_dir` (the directory blocks run in,
    /// created if missing; nil: a new temporary directory), `init_command`, `timeout`,
    /// `delete_tmp_files` and `fresh`; the container options do not apply.
    public init(configuration: ExecutorConfiguration = ExecutorConfiguration()) throws(ExecutionError) {
        self.configuration = configuration
        self.workDirectory = try WorkDirectory(configuration.workDir)
    }

    public func start() async throws(ExecutionError) {
        guard state.withLock({ $0.link == nil }) else { return }
        do {
            try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        } catch {
            throw ExecutionError(
                .infrastructure, "Cannot create the work dir \(workDir): \(error.localizedDescription)")
        }
        let (requests, requestSink) = AsyncStream<[UInt8]>.makeStream()
        let link = RunnerLink(
            send: { bytes in requestSink.yield(bytes) },
            kill: { pid, signal in HostSignal.signalBlock(pid, signal) }, mergedStreams: configuration.mergeStreams)
        let arguments = RunnerScript.arguments(mergeStreams: configuration.mergeStreams)
        let workDir = self.workDir
        let task = Task {
            do {
                _ = try await Subprocess.run(
                    .path("/bin/sh"), arguments: Arguments(arguments),
                    workingDirectory: FilePath(workDir),
                    input: .inputWriter, output: .sequence, error: .sequence
                ) { execution in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await chunk in execution.standardOutput {
                                link.receive(.stdout, chunk.withUnsafeBytes { Array($0) })
                            }
                        }
                        group.addTask {
                            for try await chunk in execution.standardError {
                                link.receive(.stderr, chunk.withUnsafeBytes { Array($0) })
                            }
                        }
                        let writer = execution.standardInputWriter
                        for await request in requests {
                            _ = try await writer.write(request)
                        }
                        try await writer.finish()
                        try await group.waitForAll()
                    }
                }
                link.end(reason: "The local runner ended.")
            } catch {
                link.end(reason: "The local runner failed: \(error)")
            }
        }
        state.withLock {
            $0.link = link
            $0.requests = requestSink
            $0.task = task
        }
        if let initCommand = configuration.initCommand, !initCommand.isEmpty {
            let code: Int
            do {
                code = try await link.run(shellCommand: initCommand, timeoutSeconds: 86_400) { _, _ in }
            } catch {
                throw ExecutionError(.infrastructure, "The init command could not run: \(error)")
            }
            guard code == 0 else {
                throw ExecutionError(.infrastructure, "The init command failed with exit code \(code).")
            }
        }
    }

    public func writeFile(_ path: String, contents: [UInt8]) async throws(ExecutionError) {
        try WorkspacePath.write(contents, to: path, root: workDir)
    }

    public func deleteFile(_ path: String) async {
        guard let target = try? WorkspacePath.resolve(path, root: workDir, creatingParents: false) else { return }
        unlink(target)
    }

    public func run(
        _ job: ExecutionJob, onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws(ExecutionError) -> ExecutionOutcome {
        guard let link = state.withLock({ $0.link }) else {
            throw ExecutionError(.notStarted, "The local executor is not started.")
        }
        let started = ContinuousClock.now
        let answer = try await link.run(
            file: job.file, command: job.command, timeoutSeconds: job.timeoutSeconds, session: job.session,
            onOutput: onOutput)
        if answer.ranFresh, job.session != nil { sessionNotice.tell(logger) }
        return ExecutionOutcome.classify(
            answer, job: job, elapsed: ContinuousClock.now - started, cancelled: Task.isCancelled)
    }

    public func restart() async throws(ExecutionError) {
        await stopRunner()
        try await start()
    }

    public func stop() async {
        await stopRunner()
        workDirectory.removeIfOwned()
    }

    /// Ends the runner and every process group its blocks left behind.
    private func stopRunner() async {
        let (link, requests, task) = state.withLock { state in
            defer { state = State() }
            return (state.link, state.requests, state.task)
        }
        requests?.finish()
        // Background processes of blocks hold the runner's pipes open: end them too.
        for group in link?.processGroups ?? [] { HostSignal.killGroup(group) }
        await task?.value
    }
}
