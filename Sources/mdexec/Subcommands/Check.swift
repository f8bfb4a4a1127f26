import ArgumentParser

/// `mdexec check`: execute documents and compare with the outputs they record.
struct Check: BatchCommand {
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

    static let mode = BatchRun.Mode.check
}
