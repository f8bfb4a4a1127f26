@testable import MDExec

/// Parses a document given as text.
func parseMarkdown(_ text: String) throws(DocumentError) -> MarkdownDocument {
    try MarkdownDocument.parse(Array(text.utf8))
}

extension MarkdownDocument {
    /// The text of 1-based `line`, terminator included.
    func text(ofLine line: Int) -> String {
        String(decoding: source[lineRange(line)], as: UTF8.self)
    }

    /// The document with a recorded result inserted after `block`, the way a report
    /// writer does it: every new line starts with the block's container prefix.
    func insertingOutput(after block: CodeBlock, output: String, exitCode: Int) -> [UInt8] {
        let cut = lineRange(block.endLine).upperBound
        var result = Array(source[..<cut])
        if let last = result.last, last != 0x0A, last != 0x0D { result.append(0x0A) }
        var inserted = block.containerPrefix + "```output\n"
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            inserted += block.containerPrefix + line + "\n"
        }
        inserted += block.containerPrefix + "```\n" + block.containerPrefix + "exit code: \(exitCode)\n"
        result += Array(inserted.utf8)
        result += source[cut...]
        return result
    }
}
