import Synchronization

/// Code to run, as an agent framework hands it over: a language and its text.
public struct CodeSubmission: Sendable, Equatable {
    public var language: String
    public var code: String

    public init(language: String, code: String) {
        self.language = language
        self.code = code
    }
}

/// The ancestor's `CommandLineCodeResult`: the last exit code, every block's output
/// concatenated, and the file of the first block.
public struct CommandLineCodeResult: Sendable, Equatable {
    public var exitCode: Int
    public var output: String
    /// The first block's file, relative to the workspace.
    public var codeFile: String?
}

/// The ancestor's API, with no Markdown: start, execute lists of code blocks in one
/// persistent environment, restart, stop. Blocks of one call stop at the first failure.
public final class Notebook: Sendable {
    public let executor: any CodeExecutor
    private let sequencer: BlockSequencer
    private let turns = Mutex(Turns())

    /// Whether an `execute` call runs, and the calls waiting for their turn (resumed with
    /// true when it comes, false when the waiting call was cancelled).
    private struct Turns {
        var busy = false
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
    }

    public init(
        executor: any CodeExecutor, languages: LanguageTable = LanguageTable(), options: RunOptions = RunOptions()
    ) {
        self.executor = executor
        self.sequencer = BlockSequencer(
            executor: executor, planner: BlockPlanner(languages: languages, fresh: executor.configuration.fresh),
            options: options)
    }

    public func start() async throws(ExecutionError) { try await executor.start() }
    /// Restarts once the running `execute` call (if any) has finished.
    public func restart() async throws(ExecutionError) {
        guard await takeTurn() else { throw ExecutionError(.cancelled, "The restart was cancelled before its turn.") }
        defer { endTurn() }
        try await executor.restart()
    }
    public func stop() async { await executor.stop() }

    /// Runs the blocks in order; an unsupported language gives exit code 1 and
    /// `Unsupported language` as the ancestor does. Infrastructure failures throw.
    /// Concurrent calls take turns, first in, first out: the blocks of one call never
    /// interleave with another's. A call cancelled while it waits throws `cancelled` at once.
    public func execute(_ submissions: [CodeSubmission]) async throws(ExecutionError) -> CommandLineCodeResult {
        guard await takeTurn() else { throw ExecutionError(.cancelled, "The call was cancelled before its turn.") }
        defer { endTurn() }
        if submissions.contains(where: { sequencer.planner.languages.interpreter(for: $0.language) == nil }) {
            return CommandLineCodeResult(exitCode: 1, output: "Unsupported language", codeFile: nil)
        }
        let blocks = submissions.enumerated().map { index, submission in
            CodeBlock(
                index: index, line: 0, endLine: 0,
                info: FenceInfo(raw: submission.language, language: submission.language.lowercased()),
                code: submission.code, filenameHint: BlockAssembler.filenameHint(submission.code))
        }
        let outcome = await sequencer.run(blocks, path: "-")
        if let failure = outcome.failure { throw failure }
        let ran = outcome.result.blocks.filter { $0.exitCode != nil }
        return CommandLineCodeResult(
            exitCode: ran.last?.exitCode ?? 0,
            output: ran.map(\.output).joined(),
            codeFile: outcome.result.blocks.first?.filename)
    }

    /// Waits for this call's turn; false when the call was cancelled while waiting.
    private func takeTurn() async -> Bool {
        let id = turns.withLock { turns in
            defer { turns.nextID += 1 }
            return turns.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = turns.withLock { turns in
                    if turns.busy { turns.waiting.append((id, continuation)) }
                    defer { turns.busy = true }
                    return !turns.busy
                }
                if now { continuation.resume(returning: true) }
            }
        } onCancel: {
            let waiter = turns.withLock { turns in
                turns.waiting.firstIndex { $0.id == id }.map { turns.waiting.remove(at: $0).continuation }
            }
            waiter?.resume(returning: false)
        }
    }

    private func endTurn() {
        let next = turns.withLock { turns -> CheckedContinuation<Bool, Never>? in
            guard !turns.waiting.isEmpty else {
                turns.busy = false
                return nil
            }
            return turns.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
