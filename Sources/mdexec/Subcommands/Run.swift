import ArgumentParser

/// `mdexec run`: execute documents and write annotated reports.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute documents and write annotated reports.",
        discussion: """
            Each document's blocks run in order in one container; the report (the document with \
            each block's output and exit code after it) goes to standard output, to -o PATH, into \
            --output-dir DIR, or back into the document with --in-place. Progress goes to \
            standard error.
            """)

    @OptionGroup var executorOptions: ExecutorOptions
    @OptionGroup var policy: RunPolicyOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("Markdown documents to run.", valueName: "DOC"))
    var documents: [String]

    func validate() throws {
        try outputOptions.validate(documentCount: documents.count)
    }

    func run() async throws {
        let status = try await CommandRunner.batch(
            mode: .run, documents: documents, executor: executorOptions, policy: policy, output: outputOptions)
        throw ExitCode(status)
    }
}

/// `mdexec check`: execute documents and compare with the outputs they record.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute documents and compare each output with the one recorded in the document.",
        discussion: """
            Exits 1 when any executed block fails or its output differs from the recorded one \
            (line endings, trailing spaces and trailing blank lines aside), printing a unified \
            diff on standard error. Blocks without a recorded output are run but not compared. \
            Writes a report, JSON or JUnit only when asked (-o, --json, --junit).
            """)

    @OptionGroup var executorOptions: ExecutorOptions
    @OptionGroup var policy: RunPolicyOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("Markdown documents to check.", valueName: "DOC"))
    var documents: [String]

    func validate() throws {
        try outputOptions.validate(documentCount: documents.count)
    }

    func run() async throws {
        let status = try await CommandRunner.batch(
            mode: .check, documents: documents, executor: executorOptions, policy: policy, output: outputOptions)
        throw ExitCode(status)
    }
}

/// Turns parsed options into a batch run, and usage problems into exit 2.
enum CommandRunner {
    static func batch(
        mode: BatchRun.Mode, documents: [String], executor: ExecutorOptions, policy: RunPolicyOptions,
        output: OutputOptions
    ) async throws -> Int32 {
        do {
            let settings = try SessionSettings(
                executor: executor, policy: policy, quiet: output.quiet, compareOutputs: mode == .check)
            return try await BatchRun(mode: mode, paths: documents, settings: settings, output: output).execute()
        } catch let error as UsageError {
            StandardError.error(error.description)
            return ExitStatus.usage
        } catch let error as ValidationError {
            StandardError.error(error.message)
            return ExitStatus.usage
        }
    }
}
