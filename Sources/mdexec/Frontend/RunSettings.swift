import MDExec

/// Everything a document run needs from the command line, resolved and validated.
struct RunSettings: Sendable {
    var executorKind: ExecutorKind
    var runner: RunnerMode
    var configuration: ExecutorConfiguration
    var languages: LanguageTable
    var runOptions: RunOptions
    var verbose: Bool
    var quiet: Bool
    var jobs: Int

    init(executor: ExecutorOptions, policy: RunPolicyOptions, quiet: Bool, compareOutputs: Bool) throws {
        executorKind = executor.executor
        runner = executor.runner
        configuration = try executor.configuration()
        languages = try executor.languageOptions.table()
        var options = RunOptions()
        options.keepGoing = policy.keepGoing
        options.maxOutputBytes = policy.maxOutputBytes ?? (1 << 20)
        options.compareOutputs = compareOutputs
        runOptions = options
        verbose = executor.verbose
        self.quiet = quiet
        jobs = policy.jobs
    }
}
