import MDExec

/// Builds the executor the user named.
enum ExecutorFactory {
    static func make(
        _ kind: ExecutorKind, configuration: ExecutorConfiguration, runner: RunnerMode, verbose: Bool,
        progress: ProgressPrinter
    ) throws(ExecutionError) -> any CodeExecutor {
        switch kind {
        case .local:
            return LocalExecutor(workDir: configuration.workDir ?? ".", initCommand: configuration.initCommand)
        case .docker:
            return try DockerExecutor(
                configuration: configuration, useRunner: runner == .session, verbose: verbose,
                notes: { progress.note($0) })
        }
    }
}
