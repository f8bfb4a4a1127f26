import MDExec

/// Builds the executor the user named.
enum ExecutorFactory {
    static func make(
        _ kind: ExecutorKind, configuration: ExecutorConfiguration, verbose: Bool, progress: ProgressPrinter
    ) throws(ExecutionError) -> any CodeExecutor {
        switch kind {
        case .local:
            return LocalExecutor(workDir: configuration.workDir ?? ".", initCommand: configuration.initCommand)
        case .docker:
            throw ExecutionError(.infrastructure, "The Docker executor is not available in this build.")
        }
    }
}
