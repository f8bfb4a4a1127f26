import MDExecTestSupport

/// Random block outputs that try to break the report: fence-like runs of backticks and
/// tildes of every length, Markdown that means something outside a code block, control
/// characters, escape sequences (complete and cut short), line endings of every kind.
enum ReportOutputs {
    static let pieces: [String] = [
        "text", "hello world", "  indented", "    code-like", "\t tabbed", "trailing  ",
        "```", "```python", "~~~", "~~~~ output", "   ```", "    ```", "``` ```", "`x`",
        "# heading", "Heading\n===", "---", "> quote", "- item", "1. item", "* * *",
        "<div>", "</pre>", "<!-- comment", "<script>", "&amp; &lt;", "[link](x)", "\\`",
        "exit code: 5", "output", "```output", "exit code: 0 (timed out)",
        "\u{0}", "\u{7}", "\u{8}", "\u{B}", "\u{C}", "\u{7F}", "\u{85}", "\u{2028}", "\u{FEFF}",
        "\u{1B}[31mred\u{1B}[0m", "\u{1B}]0;title\u{7}", "\u{1B}", "\u{1B}[", "\u{1B}[12",
        "\u{1B}]8;;u\u{1B}\\", "\u{9B}2J", "\u{9B}", "\u{FFFD}", "\u{FFFD}\u{FFFD}",
        "é漢😀", "e\u{301}", "\r", "\r\n", "\n", "\n\n", "\t", " ", "Timeout",
    ]

    static func random(using g: inout SeededGenerator) -> String {
        var s = ""
        for _ in 0..<g.int(0...16) {
            switch g.int(0...5) {
            case 0:
                s += String(repeating: "`", count: g.int(0...12))
            case 1:
                s += String(repeating: "~", count: g.int(0...12))
            case 2:
                s +=
                    "\n" + String(repeating: g.pick(["`", "~"]), count: g.int(0...12))
                    + g.pick(["", "x", " python", "\n"])
            default:
                s += g.pick(pieces)
            }
            if g.chance(0.4) { s += g.pick(["\n", "\r\n", " "]) }
        }
        return s
    }
}
