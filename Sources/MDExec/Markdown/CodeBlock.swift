/// One fenced code block of a Markdown document, with everything the runner and the
/// report writer need: its text, its fence info, where it sits, and its recorded result.
public struct CodeBlock: Sendable, Equatable {
    /// 0-based position among the document's code blocks (recorded results not counted).
    public var index: Int
    /// 1-based line of the opening fence.
    public var line: Int
    /// 1-based last line of the block: the closing fence, or the last line the block
    /// covers when it is not closed.
    public var endLine: Int
    /// The parsed info string.
    public var info: FenceInfo
    /// The block's text as libcmark gives it (the fence lines and container prefixes removed).
    public var code: String
    /// The path named by a first line `# filename: PATH`, if any (not yet checked).
    public var filenameHint: String?
    /// Whether the block has its own closing fence.
    public var isClosed: Bool
    /// The opening fence run, e.g. "```" or "~~~~": a fence the report may repeat to close it.
    public var fence: String
    /// The bytes that start every line inside this block's container (e.g. "> " in a
    /// block quote, "   " in a list item), used to insert lines after the block.
    public var containerPrefix: String
    /// The recorded result that follows the block, if the document has one.
    public var recorded: RecordedResult?

    public init(
        index: Int, line: Int, endLine: Int, info: FenceInfo, code: String,
        filenameHint: String? = nil, isClosed: Bool = true, fence: String = "```",
        containerPrefix: String = "", recorded: RecordedResult? = nil
    ) {
        self.index = index
        self.line = line
        self.endLine = endLine
        self.info = info
        self.code = code
        self.filenameHint = filenameHint
        self.isClosed = isClosed
        self.fence = fence
        self.containerPrefix = containerPrefix
        self.recorded = recorded
    }
}

/// A block's recorded result in the document: an `output` fenced block right after the
/// code block, and the line after it that states the exit code.
public struct RecordedResult: Sendable, Equatable {
    /// The text inside the output fence.
    public var output: String
    /// The exit code stated by the line after the output block, if there is such a line.
    public var exitCode: Int?
    /// 1-based line of the output block's opening fence: the first line a run replaces.
    public var firstLine: Int
    /// 1-based last line a run replaces: the exit-code line, or the output block's last
    /// line when no exit-code line follows.
    public var lastLine: Int

    public init(output: String, exitCode: Int?, firstLine: Int, lastLine: Int) {
        self.output = output
        self.exitCode = exitCode
        self.firstLine = firstLine
        self.lastLine = lastLine
    }
}
