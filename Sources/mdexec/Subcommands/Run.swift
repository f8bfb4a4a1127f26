import ArgumentParser

/// `mdexec run`: execute documents and write annotated reports.
struct Run: BatchCommand {
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

    static let mode = BatchRun.Mode.run
}
