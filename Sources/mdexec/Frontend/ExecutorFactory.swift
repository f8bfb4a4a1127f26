import Logging
import MDExec

/// Builds the executor the user named.
enum ExecutorFactory {
    static func make(
        _ kind: ExecutorKind, configuration: ExecutorConfiguration, runner: RunnerMode,
        progress: ProgressPrinter
    ) throws(ExecutionError) -> any CodeExecutor {
        switch kind {
        case .local:
            return try LocalExecutor(configuration: configuration)
        case .docker:
            return try DockerExecutor(
                configuration: configuration, useRunner: runner == .loop, logger: Logger(label: "mdexec.docker"),
                notes: { progress.note($0) })
        }
    }
}
