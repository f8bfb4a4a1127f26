import Foundation
import MDExec
import Testing

extension ReliabilityTests {
    /// A bounded, seeded mutation test of extraction and report writing (libFuzzer cannot be
    /// used here). Tricky Markdown from a small corpus is mutated (bytes flipped, fences,
    /// backticks, tildes, quote and list markers, line endings, NUL and invalid UTF-8 inserted,
    /// ranges deleted or repeated, documents spliced); each mutant is parsed, given synthetic
    /// results with hostile outputs, rendered, and the report checked against every invariant
    /// of `ReportInvariants.problems`. A failure prints the seed, the iteration and the
    /// document, which reproduce it.
    @Suite("Report fuzzing", .timeLimit(.minutes(2)))
    struct ReportFuzzing {
        static let seed: UInt64 = 0x6D64_6578_6563_0001
        static let iterations = 8_000

        static let corpus: [String] = [
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

        static let tokens: [[UInt8]] = [
            "```", "~~~", "````", "~~~~~", "`", "~", "```sh\n", "~~~python\n", "```output\n", "~~~output\n",
            "\n```\n", "\n~~~\n", "exit code: 0\n", "exit code: 124 (timed out)\n", "> ", ">", "- ", "* ", "1. ",
            "  ", "    ", "\t", "\n", "\n\n", "\r\n", "\r", "# filename: x/../y.sh\n", "{timeout=2}", " skip",
            "<!--", "-->", "\\", "é", "\u{1B}[31m", "```sh {exit=3}\n",
        ].map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80]]

        /// Outputs a block might print, hostile to fences and to the report's layout.
        static let outputs: [String] = [
            "", "hi\n", "no newline", "\n", "\n\n\n", "```\n", "````output\n```\nexit code: 0\n", "~~~~~~\n",
            String(repeating: "`", count: 17), "a\r\nb\rc\n", "\u{1B}[31mred\u{1B}[0m\n\u{1B}]0;title\u{07}\n",
            "\u{0}nul\u{7F}del\u{07}\n", "> quote\n- list\n# heading\n<div>\n", "   indented\n\ttab\n",
            "exit code: 0\n", "\u{FFFD}\u{9B}31m\n", "trailing spaces   \n  \n", "😀 ✓ é\n",
        ]

        /// Bugs in Sources the fuzzing found (all fixed), each kept as a minimal reproduction
        /// (`foundBugs`) that must keep every invariant.
        enum FoundBug: String, CaseIterable {
            case quoteThenListPrefix = "unclosed block after `>-`: wrong container prefix"
            case lazyExitLine = "replaced recorded result without exit line: the exit line swallows the next line"
            case loneCRLineEnding = "lone-CR first line: inserted CRs fuse with the document's LFs"

            /// Whether `document` has this bug's signature.
            func matches(_ bytes: [UInt8], _ document: MarkdownDocument) -> Bool {
                switch self {
                case .quoteThenListPrefix:
                    // `>` directly followed by a list marker, e.g. `>- ` or `>1. `.
                    return bytes.indices.dropLast().contains { i in
                        guard bytes[i] == UInt8(ascii: ">") else { return false }
                        let next = bytes[i + 1]
                        return next == UInt8(ascii: "-") || next == UInt8(ascii: "*") || next == UInt8(ascii: "+")
                            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
                    }
                case .lazyExitLine:
                    // A recorded result with no exit-code line, followed by a non-blank line.
                    return document.blocks.contains { block in
                        guard let recorded = block.recorded, recorded.exitCode == nil else { return false }
                        let next = document.lineRange(recorded.lastLine + 1)
                        return !next.isEmpty && !bytes[next].allSatisfy { [0x20, 0x09, 0x0A, 0x0D, 0x3E].contains($0) }
                    }
                case .loneCRLineEnding:
                    let first = document.lineRange(1)
                    guard let last = first.last else { return false }
                    return bytes[last] == 0x0D && bytes.contains(0x0A)
                }
            }
        }

        @Test("Seeded mutants parse, and their reports keep every invariant")
        func mutants() throws {
            var generator = SeededGenerator(seed: Self.seed)
            let clock = ContinuousClock()
            let started = clock.now
            var parsed = 0
            var rejected = 0
            var broken = 0
            for iteration in 0..<Self.iterations {
                let document = Self.mutant(&generator)
                let parsedDocument: MarkdownDocument
                do {
                    parsedDocument = try MarkdownDocument.parse(document)
                } catch {
                    // A bad attribute value is a usage error the CLI reports; not a crash.
                    rejected += 1
                    continue
                }
                parsed += 1
                let results = Self.results(for: parsedDocument, &generator)
                let report = MarkdownReport.render(document: parsedDocument, results: results)
                let problems = ReportInvariants.problems(
                    original: document, document: parsedDocument, report: report, results: results)
                guard !problems.isEmpty else { continue }
                let description = """
                    seed \(Self.seed), iteration \(iteration): \(problems.prefix(3).joined(separator: "; "))
                    document: \(String(decoding: document, as: UTF8.self).debugDescription)
                    bytes: \(document)
                    report: \(String(decoding: report, as: UTF8.self).debugDescription)
                    """
                broken += 1
                if broken <= 5 { Issue.record(Comment(rawValue: description)) }
            }
            let elapsed = clock.now - started
            FileHandle.standardError.write(Data("""
                report fuzzing: \(Self.iterations) mutants, \(parsed) parsed, \(rejected) rejected (bad attributes), \
                \(broken) broke an invariant; \(elapsed)

                """.utf8))
            #expect(broken == 0, "\(broken) of \(parsed) mutants broke a report invariant")
            #expect(parsed > Self.iterations / 2, "most mutants parse")
        }

        /// Minimal reproductions of the bugs the fuzzing found (see the final report).
        @Test("Report bugs the fuzzing found, minimal reproductions", arguments: FoundBug.allCases)
        func foundBugs(bug: FoundBug) throws {
            let text: String
            switch bug {
            case .quoteThenListPrefix:
                // The closing fence and the result are written with the prefix `>  `, which
                // leaves the list item (`>` takes the following space): the report has 2 blocks.
                text = ">- ```sh\n>   echo hi\n"
            case .lazyExitLine:
                // The recorded output ends with its list item (at `x`); its replacement ends
                // with the paragraph `exit code: 0`, which takes `x` as a lazy continuation, so
                // the list item goes on and swallows the next fenced block: its code changes.
                text = "* ```sh\n  echo star\n  ```\n  ```output\n \nx\n  ``````\n -  exit code> 0\n"
            case .loneCRLineEnding:
                // Inserted lines end with the first line's lone CR; the last one fuses with the
                // document's next empty LF line into a CRLF: the blank line is gone, and
                // rendering again differs.
                text = "```sh\recho hi\n```\n\ntext\n"
            }
            let bytes = Array(text.utf8)
            let document = try MarkdownDocument.parse(bytes)
            let block = try #require(document.blocks.first)
            let output = "out\n"
            let result = BlockResult(
                index: 0, line: block.line, language: "sh", filename: nil, status: .passed, exitCode: 0,
                stdout: output, output: output)
            let report = MarkdownReport.render(document: document, results: [result])
            let problems = ReportInvariants.problems(original: bytes, document: document, report: report, results: [result])
            #expect(bug.matches(bytes, document), "the reproduction has the bug's signature")
            let detail = "\(text.debugDescription) -> \(String(decoding: report, as: UTF8.self).debugDescription): \(problems)"
            #expect(problems.isEmpty, Comment(rawValue: detail))
        }

        @Test("Every corpus document keeps the invariants unmutated, with every block executed")
        func corpusItself() throws {
            var generator = SeededGenerator(seed: Self.seed ^ 0xFFFF)
            for text in Self.corpus {
                let bytes = Array(text.utf8)
                let document = try MarkdownDocument.parse(bytes)
                var results = Self.results(for: document, &generator)
                for i in results.indices where document.blocks[i].info.language?.lowercased() != "output" {
                    results[i].status = .passed
                    results[i].exitCode = 0
                }
                let report = MarkdownReport.render(document: document, results: results)
                let problems = ReportInvariants.problems(original: bytes, document: document, report: report, results: results)
                #expect(problems.isEmpty, "\(text.debugDescription): \(problems)")
            }
        }

        // MARK: - Mutation

        static func mutant(_ g: inout SeededGenerator) -> [UInt8] {
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
        static func results(for document: MarkdownDocument, _ g: inout SeededGenerator) -> [BlockResult] {
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
    }
}
