/// How one prompt of a transcript block ran: its input, what the document expected, what
/// came out, and whether they match.
public struct TranscriptStep: Sendable, Equatable, Codable {
    /// The 1-based document line of its prompt.
    public var line: Int
    /// The input without its prompts.
    public var input: String
    /// The output the document records for it (a console command's `[N]` line included).
    public var expected: String
    /// What it printed (stdout and stderr interleaved; a pycon traceback in doctest's form),
    /// then `[N]` when a console command exited with N other than 0.
    public var output: String
    /// Its exit code (console) or 0/1 (pycon: 1 when it raised); nil when it did not run.
    public var exitCode: Int?
    /// Whether the output and exit code match the recorded ones (with `...` wildcards);
    /// nil when it did not run.
    public var matched: Bool?

    public init(
        line: Int, input: String, expected: String, output: String = "", exitCode: Int? = nil, matched: Bool? = nil
    ) {
        self.line = line
        self.input = input
        self.expected = expected
        self.output = output
        self.exitCode = exitCode
        self.matched = matched
    }

    enum CodingKeys: String, CodingKey {
        case line, input, expected, output, matched
        case exitCode = "exit_code"
    }
}
