import Foundation
import MDExec
import MDExecTestSupport
import Testing

extension ReliabilityTests {
    /// A bounded, seeded mutation test of extraction and report writing, run on every
    /// `swift test` (the libFuzzer target, `scripts/fuzz.sh`, explores further from the same
    /// corpus). Tricky Markdown from a small corpus is mutated (bytes flipped, fences,
    /// backticks, tildes, quote and list markers, line endings, NUL and invalid UTF-8 inserted,
    /// ranges deleted or repeated, documents spliced); each mutant is parsed, given synthetic
    /// results with hostile outputs, rendered, and the report checked against every invariant
    /// of `ReportInvariants.problems`. A failure prints the seed, the iteration and the
    /// document, which reproduce it.
    @Suite("Report fuzzing", .timeLimit(.minutes(2)))
    struct ReportFuzzing {
        static let seed: UInt64 = 0x6D64_6578_6563_0001
        static let iterations = 8_000

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
                let document = ReportMutations.mutant(&generator)
                let parsedDocument: MarkdownDocument
                do {
                    parsedDocument = try MarkdownDocument.parse(document)
                } catch {
                    // A bad attribute value is a usage error the CLI reports; not a crash.
                    rejected += 1
                    continue
                }
                parsed += 1
                let results = ReportMutations.results(for: parsedDocument, &generator)
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
            FileHandle.standardError.write(
                Data(
                    """
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
            let problems = ReportInvariants.problems(
                original: bytes, document: document, report: report, results: [result])
            #expect(bug.matches(bytes, document), "the reproduction has the bug's signature")
            let detail =
                "\(text.debugDescription) -> \(String(decoding: report, as: UTF8.self).debugDescription): \(problems)"
            #expect(problems.isEmpty, Comment(rawValue: detail))
        }

        @Test("The libFuzzer target's committed corpus keeps every invariant (scripts/fuzz.sh fuzzes from it)")
        func fuzzerCorpus() throws {
            let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../ReportFuzzer/corpus").standardized.path
            let names = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
            #expect(names.count >= ReportMutations.corpus.count, "the corpus holds the mutation corpus at least")
            for name in names {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name)))
                let problems = ReportMutations.check(document: bytes)
                #expect(problems != nil, "\(name) parses")
                #expect(problems?.isEmpty ?? true, "\(name): \(problems ?? [])")
            }
        }

        @Test("Every corpus document keeps the invariants unmutated, with every block executed")
        func corpusItself() throws {
            var generator = SeededGenerator(seed: Self.seed ^ 0xFFFF)
            for text in ReportMutations.corpus {
                let bytes = Array(text.utf8)
                let document = try MarkdownDocument.parse(bytes)
                var results = ReportMutations.results(for: document, &generator)
                for i in results.indices where document.blocks[i].info.language?.lowercased() != "output" {
                    results[i].status = .passed
                    results[i].exitCode = 0
                }
                let report = MarkdownReport.render(document: document, results: results)
                let problems = ReportInvariants.problems(
                    original: bytes, document: document, report: report, results: results)
                #expect(problems.isEmpty, "\(text.debugDescription): \(problems)")
            }
        }
    }
}
