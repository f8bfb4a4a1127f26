import ArgumentParser

/// `run` and `check`: the same options, turned into a batch run; usage problems exit 2.
protocol BatchCommand: AsyncParsableCommand {
    static var mode: BatchRun.Mode { get }
    var executorOptions: ExecutorOptions { get }
    var policy: RunPolicyOptions { get }
    var outputOptions: OutputOptions { get }
    var documents: [String] { get }
}

extension BatchCommand {
    func validate() throws {
        try outputOptions.validate(documents: documents, writesReports: Self.mode == .run)
    }

    func run() async throws {
        let status: Int32
        do {
            let settings = try RunSettings(
                executor: executorOptions, policy: policy, quiet: outputOptions.quiet,
                compareOutputs: Self.mode == .check)
            status = try await BatchRun(mode: Self.mode, paths: documents, settings: settings, output: outputOptions)
                .execute()
        } catch let error as UsageError {
            StandardError.error(error.description)
            status = ExitStatus.usage
        } catch let error as ValidationError {
            StandardError.error(error.message)
            status = ExitStatus.usage
        }
        throw ExitCode(status)
    }
}
