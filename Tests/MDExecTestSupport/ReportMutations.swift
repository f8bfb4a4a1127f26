import MDExec

/// The material of the report fuzzing, shared by the bounded mutation test and the
/// libFuzzer target: tricky Markdown, the tokens mutations insert, hostile outputs, and
/// synthetic results for the blocks of a document.
public enum ReportMutations {
    /// Tricky Markdown: nested containers, unclosed and nested fences, recorded results,
    /// CR and CRLF line endings, NUL, attributes, filename hints.
    public static let corpus: [String] = [
        "```sh\necho hi\n```\n",
        "~~~python\nprint(1)\n~~~\n\n```output\n1\n```\nexit code: 0\n",
        "> ```sh\n> echo q\n> ```\n>\n> ```output\n> q\n> ```\n> exit code: 0\n",
        "- item\n\n  ```sh\n  echo l\n  ```\n- item2\n  ~~~~\n  x\n  ~~~~\n",
        "1. a\n   > ```` py\n   > print('`')\n   > ````\n",
        "````md\n```sh\nnested\n```\n````\n",
        "# Title\n\n```sh\necho unclosed at end",
        "    indented code\n\n```\n```\n```output\n```\n",
        "```sh {timeout=3 exit=1}\nexit 1\n```\r\n\r\n```output\r\nx\r\n```\r\nexit code: 1\r\n",
        "```sh\recho cr\r```\r",
        "text\n```sh\n# filename: a/b.sh\necho\n```\nparagraph right after\n",
        "<div>\n```sh\nin html?\n```\n</div>\n",
        "```\n\n```\n\n```output\n\n```\n\n```output\nsecond\n```\n",
        "> - > ```sh\n>   > echo deep\n>   > ```\n",
        "\t```sh\n\techo tab\n\t```\n",
        "  ```sh\n  echo indented fence\n    ```\n",
        "```python\nprint('héllo ✓ 😀')\n```\n",
        "```sh\necho a\n```\n\n\n\n```output\nold\n```\n\nexit code: 3\n",
        "* ```sh\n  echo star\n  ```\n  ```output\n  x\n  ```\n  exit code: 0\n",
        "```sh\n\u{0}\n```\n\u{0}\n",
        "Setext\n===\n```sh\necho a\n```\n- - -\n```sh skip\necho b\n```\n```output\nkept\n```\nexit code: 9\n",
        ">```sh\n>echo tight\n>```\n>```output\n>x\n>```\n>exit code: 0\n",
        "- a\n- ```sh\n  echo b\n  ```\n\n  next paragraph\n",
        "```` output\n```\n````\n```sh\n```\n",
    ]

    public static let tokens: [[UInt8]] =
        [
            "```", "~~~", "````", "~~~~~", "`", "~", "```sh\n", "~~~python\n", "```output\n", "~~~output\n",
            "\n```\n", "\n~~~\n", "exit code: 0\n", "exit code: 124 (timed out)\n", "> ", ">", "- ", "* ", "1. ",
            "  ", "    ", "\t", "\n", "\n\n", "\r\n", "\r", "# filename: x/../y.sh\n", "{timeout=2}", " skip",
            "<!--", "-->", "\\", "é", "\u{1B}[31m", "```sh {exit=3}\n",
        ].map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80]]

    /// Outputs a block might print, hostile to fences and to the report's layout.
    public static let outputs: [String] = [
        "", "hi\n", "no newline", "\n", "\n\n\n", "```\n", "````output\n```\nexit code: 0\n", "~~~~~~\n",
        String(repeating: "`", count: 17), "a\r\nb\rc\n", "\u{1B}[31mred\u{1B}[0m\n\u{1B}]0;title\u{07}\n",
        "\u{0}nul\u{7F}del\u{07}\n", "> quote\n- list\n# heading\n<div>\n", "   indented\n\ttab\n",
        "exit code: 0\n", "\u{FFFD}\u{9B}31m\n", "trailing spaces   \n  \n", "😀 ✓ é\n",
    ]

    /// A mutant of a corpus document: tokens inserted, ranges deleted or repeated, bits
    /// flipped, documents spliced.
    public static func mutant(_ g: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(corpus.randomElement(using: &g)!.utf8)
        if Int.random(in: 0..<5, using: &g) == 0 {
            bytes += Array(corpus.randomElement(using: &g)!.utf8)  // splice
        }
        for _ in 0..<Int.random(in: 1...6, using: &g) {
            let at = Int.random(in: 0...bytes.count, using: &g)
            switch Int.random(in: 0..<6, using: &g) {
            case 0, 1:
                bytes.insert(contentsOf: tokens.randomElement(using: &g)!, at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + Int.random(in: 1...8, using: &g))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where at < bytes.count:
                bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &g))
            case 4 where at < bytes.count:
                bytes[at] = Array("`~>-* \n\t\r".utf8).randomElement(using: &g)!
            case 5:
                let end = min(bytes.count, at + Int.random(in: 1...24, using: &g))
                let piece = Array(bytes[at..<end])
                bytes.insert(contentsOf: piece, at: end)
            default:
                bytes.insert(contentsOf: tokens.randomElement(using: &g)!, at: at)
            }
        }
        return bytes
    }

    /// Synthetic results: most blocks executed (passed, failed, timed out) with a hostile
    /// output, some not (skipped, not run, cancelled, or written without running).
    public static func results(for document: MarkdownDocument, _ g: inout SeededGenerator) -> [BlockResult] {
        document.blocks.map { block in
            var output = ""
            for _ in 0..<Int.random(in: 0...3, using: &g) { output += outputs.randomElement(using: &g)! }
            let base = BlockResult(
                index: block.index, line: block.line, language: block.info.language, filename: nil,
                status: .skipped, expectedOutput: block.recorded?.output)
            var result = base
            // An `output` block never runs (no language table can make it run without
            // breaking the report's structure: its result would not attach to it).
            let kind = Int.random(in: 0..<10, using: &g)
            if block.info.language?.lowercased() == "output" { return result }
            switch kind {
            case 0: result.status = .skipped
            case 1: result.status = .notRun
            case 2: result.status = .cancelled
            case 3: result.status = .passed  // written, not run: no exit code
            case 4:
                result.status = .timedOut
                result.exitCode = 124
                result.output = output + (output.isEmpty || output.hasSuffix("\n") ? "Timeout" : "\nTimeout")
            case 5, 6:
                result.status = .failed
                result.exitCode = Int.random(in: 1...255, using: &g)
                result.output = output
            default:
                result.status = .passed
                result.exitCode = 0
                result.output = output
            }
            result.stdout = result.output
            return result
        }
    }

    /// Checks one fuzzer input: `bytes` as a document, given synthetic results seeded by the
    /// bytes themselves (the same input always gets the same results), rendered, and the
    /// report checked. Nil when the document is rejected (a bad attribute: a usage error,
    /// not a crash); otherwise the broken invariants, none when all hold.
    public static func check(document bytes: [UInt8]) -> [String]? {
        guard let document = try? MarkdownDocument.parse(bytes) else { return nil }
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the input
        for byte in bytes { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var generator = SeededGenerator(seed: seed)
        let results = results(for: document, &generator)
        let report = MarkdownReport.render(document: document, results: results)
        return ReportInvariants.problems(original: bytes, document: document, report: report, results: results)
    }
}
