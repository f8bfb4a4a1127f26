import Foundation
import MDExec

/// Runs one document end to end: an executor started for it alone (with its own work
/// dir), every block, and the executor stopped whatever happened.
struct DocumentSession: Sendable {
    var settings: SessionSettings

    func run(_ loaded: LoadedDocument, progress: ProgressPrinter) async -> DocumentRunner.Outcome {
        let planner = BlockPlanner(languages: settings.languages)
        let runner = { (executor: any CodeExecutor) in
            DocumentRunner(executor: executor, planner: planner, options: settings.runOptions)
        }
        let executor: any CodeExecutor
        do {
            executor = try ExecutorFactory.make(
                settings.executorKind, configuration: settings.configuration, runner: settings.runner,
                progress: progress)
        } catch {
            return unstarted(loaded, runner: nil, error: error)
        }
        do {
            try await executor.start()
        } catch {
            await Self.stopUncancelled(executor)
            return unstarted(loaded, runner: runner(executor), error: error)
        }
        let outcome = await runner(executor).run(loaded.document.blocks, path: loaded.path) { progress.handle($0) }
        await Self.stopUncancelled(executor)
        return outcome
    }

    /// Stops the executor even when the run was cancelled: cleanup must not be cancelled.
    private static func stopUncancelled(_ executor: any CodeExecutor) async {
        await Task { await executor.stop() }.value
    }

    /// The outcome when the executor never started: no block ran.
    private func unstarted(
        _ loaded: LoadedDocument, runner: DocumentRunner?, error: ExecutionError
    ) -> DocumentRunner.Outcome {
        let cancelled = Task.isCancelled
        let blocks = loaded.document.blocks.map { block in
            BlockResult(
                index: block.index, line: block.line, language: block.info.language, filename: nil,
                status: cancelled ? .cancelled : .notRun, expectedOutput: block.recorded?.output,
                reason: cancelled ? "the run was interrupted" : "the executor did not start: \(error.message)")
        }
        let result = DocumentResult(
            document: loaded.path, executor: settings.executorKind.rawValue,
            image: settings.executorKind == .docker ? settings.configuration.image : nil, blocks: blocks)
        return DocumentRunner.Outcome(result: result, failure: cancelled ? nil : error, cancelled: cancelled)
    }
}
