import MDExecTestSupport

@testable import MDExec

/// Random Markdown documents with fenced blocks at the top level, in block quotes and in
/// lists (also nested), with and without recorded results, an unclosed last fence, LF or
/// CRLF line endings, with or without a final newline; and random results for their blocks.
enum ReportDocuments {
    /// (first-line prefix, continuation prefix) of the containers a block can sit in.
    static let contexts: [(open: String, cont: String)] = [
        ("", ""), ("", ""), ("> ", "> "), ("- ", "  "), ("1. ", "   "), ("- > ", "  > "),
        ("> - ", ">   "), ("> > ", "> > "), (">", ">"), ("-\t", "\t"),
    ]
    static let fences = ["```", "````", "~~~", "~~~~~"]
    static let infos = ["python", "sh", "bash {timeout=5}", "python exit=2", "text", "", "json", "py skip"]
    static let codeLines = ["print(1)", "echo hi", "", "  x = 1", "# comment", "`not a fence`", "~~"]
    static let noise = [
        "Some paragraph.", "# Heading", "<div>\nhtml\n</div>", "    indented code", "- a list item",
        "> a quote", "Text with `code` and ~~~ tildes.",
    ]

    static func random(using g: inout SeededGenerator) -> String {
        var segments: [String] = []
        let count = g.int(1...6)
        for i in 0..<count {
            if g.chance(0.3) { segments.append(g.pick(noise)) }
            segments.append(block(using: &g, unclosed: i == count - 1 && g.chance(0.2)))
        }
        if g.chance(0.3) { segments.append(g.pick(noise)) }
        var text = ""
        for (i, segment) in segments.enumerated() {
            text += segment + "\n"
            if i + 1 < segments.count, g.chance(0.85) { text += "\n" }
        }
        if g.chance(0.3) { text.removeLast() }
        if g.chance(0.3) {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        }
        return text
    }

    static func block(using g: inout SeededGenerator, unclosed: Bool) -> String {
        let context = g.pick(contexts)
        let fence = g.pick(fences)
        var lines = [context.open + fence + g.pick(infos)]
        for _ in 0..<g.int(0...3) { lines.append(context.cont + g.pick(codeLines)) }
        if unclosed { return lines.joined(separator: "\n") }
        lines.append(context.cont + fence)
        if g.chance(0.4) {
            let blank = trimmed(context.cont)
            for _ in 0..<g.int(0...2) { lines.append(blank) }
            let oldFence = g.pick(["```", "~~~", "````"])
            lines.append(context.cont + oldFence + g.pick(["output", "output", "Output"]))
            for _ in 0..<g.int(0...3) { lines.append(context.cont + g.pick(["old", "", "  old output", "x\ty"])) }
            lines.append(context.cont + oldFence)
            if g.chance(0.7) {
                lines.append(context.cont + "exit code: \(g.int(0...3))" + g.pick(["", " (timed out)"]))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s.removeLast() }
        return String(s)
    }

    static func results(for blocks: [CodeBlock], using g: inout SeededGenerator) -> [BlockResult] {
        var results: [BlockResult] = []
        for block in blocks where g.chance(0.9) {
            var status = g.pick([.passed, .passed, .failed, .timedOut, .skipped, .notRun, .cancelled] as [BlockStatus])
            // An `output` block that is not a recorded result never runs (the name is reserved).
            if block.info.language == "output" { status = .skipped }
            var result = BlockResult(
                index: block.index, line: block.line, language: block.info.language, filename: nil,
                status: status)
            if status.didRun {
                let output = ReportOutputs.random(using: &g)
                result.output = output
                result.stdout = output
                result.durationMs = g.int(0...5000)
                result.outOfMemory = g.chance(0.1)
                result.matched = g.pick([nil, true, false])
                switch status {
                case .passed: result.exitCode = block.info.expectedExit ?? 0
                case .timedOut: result.exitCode = 124
                default: result.exitCode = g.pick([1, 2, 137])
                }
            } else {
                result.reason = "not run"
            }
            results.append(result)
        }
        return results
    }
}
