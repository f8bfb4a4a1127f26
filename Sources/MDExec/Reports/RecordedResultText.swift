/// The lines mdexec writes as a block's recorded result: an `output` fenced block holding
/// the sanitised output, then the exit-code line. Lines carry no terminator; each starts with
/// the block's container prefix (without trailing spaces on a blank line).
struct RecordedResultText {
    /// The output fence: backticks, one more than the longest run of backticks or tildes
    /// anywhere in the output, at least three (docs/reference.md, "The annotated report").
    /// Only backticks could close it; counting tildes too keeps the rule simple to state.
    static func fence(for output: String) -> String {
        var longest = 0
        var run = 0
        var runChar: Unicode.Scalar = "`"
        for c in output.unicodeScalars {
            if c == "`" || c == "~" {
                run = c == runChar ? run + 1 : 1
                runChar = c
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// `exit code: N`, with what makes the number meaningful: `timed out`, `out of memory`,
    /// `expected M` (an `exit=M` attribute that was not met), `output differs` (`check`),
    /// `session restarted` (its session's earlier process had ended),
    /// and ` in N ms` when timings are asked for.
    static func exitLine(_ result: BlockResult, expectedExit: Int?, timings: Bool) -> String {
        let code = result.exitCode ?? defaultExitCode(result.status)
        var notes: [String] = []
        if result.status == .timedOut { notes.append("timed out") }
        if result.outOfMemory { notes.append("out of memory") }
        if result.status == .failed, let expectedExit, expectedExit != code {
            notes.append("expected \(expectedExit)")
        }
        if result.matched == false { notes.append("output differs") }
        if result.sessionRestarted { notes.append("session restarted") }
        var line = "exit code: \(code)"
        if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
        if timings, let ms = result.durationMs { line += " in \(ms) ms" }
        return line
    }

    /// For an executed block without an exit code: 0 passed, 124 timed out, 1 failed.
    private static func defaultExitCode(_ status: BlockStatus) -> Int {
        switch status {
        case .passed: return 0
        case .timedOut: return 124
        default: return 1
        }
    }

    /// `s` without its trailing spaces and tabs: the container prefix of a blank line.
    static func trimmedTrailingSpaces(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }

    /// The recorded result of `block` for `result` as text, each line starting with the
    /// block's container prefix and ending with `eol`.
    static func text(for block: CodeBlock, result: BlockResult, options: ReportOptions, eol: String) -> String {
        let output = ReportText.sanitizedForReport(result.output)
        guard block.containerPrefix.isEmpty, eol == "\n" else {
            return lines(for: block, output: output, result: result, options: options).map { $0 + eol }.joined()
        }
        // Top level with `\n` endings: the output goes in as it is, without splitting it
        // into lines (a large output would cost a String per line).
        let fence = fence(for: output)
        var text = fence + "output\n"
        text += output
        if !output.isEmpty && !output.hasSuffix("\n") { text += "\n" }
        text += fence + "\n"
        text += exitLine(result, expectedExit: block.info.expectedExit, timings: options.timings) + "\n"
        for line in imageLines(result) { text += line + "\n" }
        return text
    }

    /// One `![ALT](PATH)` line per image, in order: ALT is `figure N` for a figure or a
    /// display (N counts them in the block), the workspace path for an image file.
    static func imageLines(_ result: BlockResult) -> [String] {
        zip(result.images, imageAlts(result)).map { image, alt in image.reportLine(alt: alt) }
    }

    /// Each image's alternative text: `figure N` for a figure or a display, else its path.
    static func imageAlts(_ result: BlockResult) -> [String] {
        var figures = 0
        return result.images.map { image in
            guard image.source == "figure" || image.source == "display" else { return image.source }
            figures += 1
            return "figure \(figures)"
        }
    }

    /// The recorded result's lines, each starting with the block's container prefix.
    private static func lines(
        for block: CodeBlock, output: String, result: BlockResult, options: ReportOptions
    ) -> [String] {
        let fence = fence(for: output)
        let prefix = block.containerPrefix
        // After a bare `>` a tab would be partly taken as the quote's optional space.
        let contentPrefix = prefix.hasSuffix(">") ? prefix + " " : prefix
        let blankPrefix = trimmedTrailingSpaces(prefix)
        var lines = [prefix + fence + "output"]
        if !output.isEmpty {
            var content = output.split(separator: "\n", omittingEmptySubsequences: false)
            if output.hasSuffix("\n") { content.removeLast() }
            for line in content {
                lines.append(line.isEmpty ? blankPrefix : contentPrefix + line)
            }
        }
        lines.append(prefix + fence)
        lines.append(
            prefix + exitLine(result, expectedExit: block.info.expectedExit, timings: options.timings))
        lines += imageLines(result).map { prefix + $0 }
        return lines
    }
}
