import Foundation
import MDExec

/// Runs one document end to end: an executor started for it alone (with its own work
/// dir), every block, and the executor stopped whatever happened.
struct DocumentRun: Sendable {
    var settings: RunSettings

    /// Runs `loaded`; its pictures go to `images` (nil: none is collected).
    func run(
        _ loaded: LoadedDocument, progress: ProgressPrinter, images: ImageDestination?
    ) async -> BlockSequencer.Outcome {
        if let images {
            for name in images.removeOwnFiles() {
                StandardError.error("warning: cannot remove the old image \(name) from \(images.directory)")
            }
        }
        var runOptions = settings.runOptions
        runOptions.imageDestination = images
        let executor: any CodeExecutor
        do {
            executor = try ExecutorFactory.make(
                settings.executorKind, configuration: settings.configuration, runner: settings.runner,
                progress: progress)
        } catch {
            return unstarted(loaded, error: error)
        }
        do {
            try await executor.start()
        } catch {
            await executor.stop()
            return unstarted(loaded, error: error)
        }
        let sequencer = BlockSequencer(
            executor: executor,
            planner: BlockPlanner(languages: settings.languages, fresh: settings.configuration.fresh),
            options: runOptions)
        var outcome = await sequencer.run(loaded.document.blocks, path: loaded.path) { progress.handle($0) }
        var provenance = await executor.provenance()
        provenance.mdexecVersion = MdexecVersion.current
        outcome.result.provenance = provenance
        await executor.stop()
        return outcome
    }

    /// The outcome when the executor never started: no block ran.
    private func unstarted(_ loaded: LoadedDocument, error: ExecutionError) -> BlockSequencer.Outcome {
        var outcome = BlockSequencer.unstarted(
            loaded.document.blocks, path: loaded.path, executor: settings.executorKind,
            image: settings.executorKind == .docker ? settings.configuration.image : nil, error: error)
        outcome.result.provenance = Provenance(
            mdexecVersion: MdexecVersion.current,
            settings: Provenance.Settings(settings.configuration, container: settings.executorKind == .docker))
        return outcome
    }
}
