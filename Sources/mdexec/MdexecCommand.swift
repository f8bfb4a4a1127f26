import ArgumentParser

/// `mdexec`: run the code blocks of Markdown documents in a container and write annotated reports.
struct MdexecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdexec",
        abstract: "Run the code blocks of Markdown documents in a container, and write annotated reports.",
        discussion: """
            mdexec parses each document, runs its fenced code blocks (python, sh, bash, pwsh, \
            ...) in order inside one Docker container, and writes the document back with each \
            block's output and exit code after it.

            Examples:
              mdexec run notes.md > report.md          run in a container, report on stdout
              mdexec run --in-place tutorial.md        record fresh outputs into the document
              mdexec check tutorial.md                 exit 1 when an output changed
              mdexec blocks --json notes.md            what would run, without running it

            Exit codes: 0 all passed, 1 a block failed/timed out/differed, 2 bad usage or \
            input, 3 engine or container failure, 130/143 interrupted.
            """,
        version: MdexecVersion.current,
        subcommands: [Run.self, Check.self, Blocks.self, GC.self]
    )
}

enum MdexecVersion {
    static let current = "0.1.0"
}
