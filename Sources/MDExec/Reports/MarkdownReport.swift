/// The annotated Markdown report: the document with each executed block's recorded result
/// (an `output` fenced block and an exit-code line) written after it.
///
/// Only recorded results change: the recorded result of every executed block (`passed`,
/// `failed`, `timed-out`) is replaced, or inserted when the block has none, and every other
/// byte of the document is kept in order. Blocks that did not run keep their recorded
/// result byte for byte. Rendering the report again with the same results gives the same
/// bytes. Where a result is inserted, mdexec adds a blank line before it and, unless the next
/// line is already blank, one after it; an unclosed block first gets its closing fence, and a
/// last line without a terminator gets one. Inserted lines use the document's line ending.
public enum MarkdownReport {
    /// A block's output as the report shows it: terminal escape sequences dropped, other
    /// control characters as visible symbols, `\n` and `\t` kept.
    public static func shown(_ output: String) -> String {
        ReportText.sanitizedForReport(output)
    }

    /// The report of `document`, whose blocks ran with `results` (matched by block index;
    /// blocks without a result, or that were not executed (`wasExecuted`), are left as they are).
    public static func render(
        document: MarkdownDocument, results: [BlockResult], options: ReportOptions = ReportOptions()
    ) -> [UInt8] {
        let (source, blocks) = (document.source, document.blocks)
        let lines = ReportLines(bytes: source, table: document.lines)
        let eol = lines.lineEnding
        var resultsByIndex: [Int: BlockResult] = [:]
        for result in results where resultsByIndex[result.index] == nil {
            resultsByIndex[result.index] = result
        }

        var edits: [(range: Range<Int>, text: String)] = []
        for block in blocks {
            guard let result = resultsByIndex[block.index], result.wasExecuted else { continue }
            if let steps = result.steps {
                edits += transcriptEdits(block, steps: steps, lines: lines, eol: eol)
                continue
            }
            let resultText = RecordedResultText.text(for: block, result: result, options: options, eol: eol)
            if let recorded = block.recorded {
                let range = lines.range(recorded.firstLine).lowerBound..<lines.range(recorded.lastLine).upperBound
                var text = resultText
                // A result that had no exit line may be followed by text that the new exit
                // line would absorb as a lazy continuation: keep them apart.
                let next = recorded.lastLine + 1
                if recorded.exitCode == nil, next <= lines.count, !lines.isBlank(next) {
                    text += RecordedResultText.trimmedTrailingSpaces(block.containerPrefix) + eol
                }
                edits.append((range, text))
                continue
            }
            let blank = RecordedResultText.trimmedTrailingSpaces(block.containerPrefix)
            var text = ""
            if !lines.isTerminated(block.endLine) { text += eol }
            if !block.isClosed { text += block.containerPrefix + block.fence + eol }
            text += blank + eol
            text += resultText
            let next = block.endLine + 1
            if next <= lines.count, !lines.isBlank(next) { text += blank + eol }
            let at = lines.range(block.endLine).upperBound
            edits.append((at..<at, text))
        }

        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(source.count + edits.reduce(0) { $0 + $1.text.utf8.count })
        var cursor = 0
        for edit in edits where edit.range.lowerBound >= cursor {
            out += source[cursor..<edit.range.lowerBound]
            out += Array(edit.text.utf8)
            cursor = edit.range.upperBound
        }
        out += source[cursor...]
        return out
    }
}

extension MarkdownReport {
    /// A transcript is its own recorded result: each prompt's output lines that no longer
    /// match are replaced in place by what came out (a console command's `[N]` after them),
    /// prompts and commands kept byte for byte; a matching output (wildcards and all) is
    /// kept as written. An output that would close the block's fence, or be read back as a
    /// prompt or a continuation, is not written: that prompt keeps its recorded lines.
    fileprivate static func transcriptEdits(
        _ block: CodeBlock, steps: [TranscriptStep], lines: ReportLines, eol: String
    ) -> [(range: Range<Int>, text: String)] {
        guard let transcript = Transcript.parse(code: block.code, language: block.info.language) else { return [] }
        let codeLines = block.code.split(separator: "\n", omittingEmptySubsequences: false)
        var edits: [(range: Range<Int>, text: String)] = []
        for (step, ran) in zip(transcript.steps, steps) where ran.exitCode != nil && ran.matched != true {
            var written = ReportText.normalizedForComparison(Self.shown(ran.output))
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if written == [""] { written = [] }
            let fenceChar = block.fence.first ?? "`"
            let closes = written.contains { line in
                let trimmed = line.drop { $0 == " " }
                return line.count - trimmed.count < 4 && trimmed.prefix { $0 == fenceChar }.count >= block.fence.count
            }
            guard !closes, !Transcript.wouldReadAsInput(written, kind: transcript.kind) else { continue }
            let promptLine = block.line + 1 + step.line
            guard promptLine + step.inputLines - 1 <= lines.count else { continue }
            // The bytes before the prompt on its own line: the container's prefix and indent.
            let raw = Array(lines.bytes[lines.range(promptLine)]).filter { $0 != 0x0A && $0 != 0x0D }
            let content = step.line < codeLines.count ? Array(codeLines[step.line].utf8).filter { $0 != 0x0D } : []
            let prefix =
                raw.count >= content.count && Array(raw.suffix(content.count)) == content
                ? String(decoding: raw.prefix(raw.count - content.count), as: UTF8.self) : block.containerPrefix
            let text = written.map { prefix + $0 + eol }.joined()
            if step.outputLines > 0 {
                let first = promptLine + step.inputLines
                let last = first + step.outputLines - 1
                guard last <= lines.count else { continue }
                edits.append((lines.range(first).lowerBound..<lines.range(last).upperBound, text))
            } else if !text.isEmpty {
                let at = lines.range(promptLine + step.inputLines - 1).upperBound
                edits.append((at..<at, (lines.isTerminated(promptLine + step.inputLines - 1) ? "" : eol) + text))
            }
        }
        return edits
    }
}

/// The document's lines as the report reads them: its own line table (the one extraction
/// made) over its bytes.
private struct ReportLines {
    let bytes: [UInt8]
    let table: LineTable

    var count: Int { table.lineCount }

    /// Bytes of 1-based `line` with its terminator (empty past the end).
    func range(_ line: Int) -> Range<Int> { table.range(line) }

    /// Whether `line` ends with a line terminator (an empty document's "line 0" does).
    func isTerminated(_ line: Int) -> Bool {
        let r = range(line)
        guard let last = r.last else { return true }
        return bytes[last] == 0x0A || bytes[last] == 0x0D
    }

    /// Whether `line` ends a paragraph wherever it sits: nothing but spaces, tabs and `>`.
    func isBlank(_ line: Int) -> Bool {
        bytes[range(line)].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x3E || $0 == 0x0A || $0 == 0x0D }
    }

    /// The terminator of the document's first line (`\n`, `\r\n` or `\r`); `\n` when the
    /// document has no terminated line.
    var lineEnding: String {
        guard count > 0, isTerminated(1) else { return "\n" }
        let r = range(1)
        // A lone CR is a line ending to CommonMark, but one written before the document's
        // own `\n` would fuse with it into CRLF: lone-CR documents get `\n`.
        if bytes[r.upperBound - 1] == 0x0D { return "\n" }
        return r.count >= 2 && bytes[r.upperBound - 2] == 0x0D ? "\r\n" : "\n"
    }
}
