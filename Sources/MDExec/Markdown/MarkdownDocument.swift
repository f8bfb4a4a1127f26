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
        let outcome = source.withUnsafeBufferPointer { bytes in
            let lines = LineTable(bytes)
            let result = Result { () throws(DocumentError) -> [CodeBlock] in
                var assembler = BlockAssembler(bytes: bytes, lines: lines)
                try FencedNodeReader.read(bytes, lines: lines) { (node) throws(DocumentError) in
                    try assembler.add(node)
                }
                return assembler.blocks
            }
            return (lines, result)
        }
        switch outcome.1 {
        case .success(let blocks):
            return MarkdownDocument(source: source, blocks: blocks, lines: outcome.0)
        case .failure(let error):
            throw error
        }
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
