/// A Markdown document parsed with libcmark: its bytes, untouched, and its fenced code
/// blocks with their recorded results.
///
/// Which fenced blocks become ``CodeBlock``s:
/// - every fenced block (backticks or tildes, any length, at any depth of block quotes
///   and lists), except recorded results; indented code blocks never do;
/// - a fenced block whose info string's first word is `output` (any case) is the
///   **recorded result** of the code block right before it when both have the same
///   parent and only blank lines are between them (`>`-only lines count as blank in a
///   block quote), and that code block is not itself an `output` block and has no
///   recorded result yet. Any other `output` block is an ordinary ``CodeBlock`` with
///   language `output` (it does not run, so it is reported as skipped).
public struct MarkdownDocument: Sendable {
    /// The document's bytes, exactly as given.
    public let source: [UInt8]
    /// The fenced code blocks in document order (recorded results are attached to their
    /// blocks, not listed).
    public let blocks: [CodeBlock]
    let lines: LineTable

    init(source: [UInt8], blocks: [CodeBlock], lines: LineTable) {
        self.source = source
        self.blocks = blocks
        self.lines = lines
    }

    /// Parses `source` (any bytes: invalid UTF-8 and NUL are tolerated) and extracts its
    /// fenced code blocks. Throws ``DocumentError/badAttribute(line:attribute:reason:)``
    /// for the first code block whose info string has an attribute with a bad value.
    public static func parse(_ source: [UInt8]) throws(DocumentError) -> MarkdownDocument {
        var blocks: [CodeBlock] = []
        let lines = try source.withUnsafeBufferPointer { (bytes) throws(DocumentError) in
            try extract(bytes) { blocks.append($0) }
        }
        return MarkdownDocument(source: source, blocks: blocks, lines: lines)
    }

    /// Hands the fenced code blocks of `source` to `body` one by one, in document order,
    /// each with its recorded result, without keeping them: for listing huge documents.
    /// The blocks are those ``parse(_:)`` gives; it throws as ``parse(_:)`` does, possibly
    /// after `body` has seen the blocks before the bad one.
    public static func forEachBlock(in source: [UInt8], _ body: (CodeBlock) -> Void) throws(DocumentError) {
        _ = try source.withUnsafeBufferPointer { (bytes) throws(DocumentError) in try extract(bytes, body) }
    }

    private static func extract(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (CodeBlock) -> Void
    ) throws(DocumentError) -> LineTable {
        let lines = LineTable(bytes)
        var assembler = BlockAssembler(bytes: bytes, lines: lines)
        try FencedNodeReader.read(bytes, lines: lines) { (node) throws(DocumentError) in
            try assembler.add(node, emit: body)
        }
        assembler.finish(body)
        return lines
    }

    /// The number of lines. A last line without a terminator counts; an empty document
    /// has none. Line endings are `\n`, `\r\n` or a lone `\r`, as in CommonMark.
    public var lineCount: Int { lines.lineCount }

    /// The bytes of 1-based line `line` in ``source``, including its terminator (`\n`,
    /// `\r\n` or `\r`; the last line may have none). Out-of-range lines give an empty
    /// range (at the start for `line < 1`, at the end for `line > lineCount`).
    public func lineRange(_ line: Int) -> Range<Int> {
        lines.range(line)
    }
}
