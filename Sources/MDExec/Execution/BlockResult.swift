/// The result of one block of a document, as the JSON results and reports show it.
public struct BlockResult: Sendable, Equatable {
    public var index: Int
    public var line: Int
    public var language: String?
    public var filename: String?
    public var status: BlockStatus
    public var exitCode: Int?
    /// Standard output, valid UTF-8 (bad bytes became U+FFFD), possibly truncated.
    public var stdout: String
    /// Standard error, likewise.
    public var stderr: String
    /// Both streams interleaved in arrival order, with the truncation and `Timeout` lines.
    public var output: String
    public var durationMs: Int?
    /// The output recorded in the document, if any.
    public var expectedOutput: String?
    /// Set by `check` only: whether the output matched the recorded one.
    public var matched: Bool?
    /// Why the block was skipped, not run, or failed without running.
    public var reason: String?
    /// Whether the block was killed for running out of memory.
    public var outOfMemory: Bool
    /// The session the block ran in (`python`, `sh`, `python:NAME`); nil: a process of its
    /// own, or not run.
    public var session: String?
    /// Its session had ended before it and was started anew (its state was lost).
    public var sessionRestarted: Bool
    /// The pictures it made, as copied into the assets folder, in report order.
    public var images: [BlockImage] = []
    /// A transcript block's prompts, one entry each, in order; nil for any other block.
    public var steps: [TranscriptStep]?

    /// Whether the block's code was executed and has an exit code: only such blocks get
    /// an output block in the report (a `file=` block that was only written does not).
    public var wasExecuted: Bool { status.didRun && exitCode != nil }

    public init(
        index: Int, line: Int, language: String?, filename: String?, status: BlockStatus,
        exitCode: Int? = nil, stdout: String = "", stderr: String = "", output: String = "",
        durationMs: Int? = nil, expectedOutput: String? = nil, matched: Bool? = nil,
        reason: String? = nil, outOfMemory: Bool = false, session: String? = nil, sessionRestarted: Bool = false
    ) {
        self.session = session
        self.sessionRestarted = sessionRestarted
        self.index = index
        self.line = line
        self.language = language
        self.filename = filename
        self.status = status
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.output = output
        self.durationMs = durationMs
        self.expectedOutput = expectedOutput
        self.matched = matched
        self.reason = reason
        self.outOfMemory = outOfMemory
    }
}
