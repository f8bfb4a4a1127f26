import Foundation
import MDExec
import MDExecTestSupport
import Testing

extension ReliabilityTests {
    /// Unusable input: a clear one-line error and exit 2. Usable but strange input: a correct
    /// report. Never a crash. No engine needed: `blocks`, or `run --executor local`.
    @Suite("Bad documents", .timeLimit(.minutes(4)))
    struct BadDocuments {
        /// `run --executor local -o OUT --json JSON DOC`, checked: an orderly exit, the input
        /// untouched, and a report that is the document with the JSON's results and keeps
        /// every invariant. Returns the outcome, the report and the results.
        func runLocally(
            _ document: String, in scratch: Scratch, extra: [String] = [], limit: Double = 120,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> (RelProcess.Outcome, [UInt8], DocumentResult) {
            let name = (document as NSString).lastPathComponent
            let report = Rel.path(name + ".report.md", in: scratch)
            let json = Rel.path(name + ".json", in: scratch)
            let outcome = try await Rel.run(
                ["run", "--executor", "local", "--quiet", "-o", report, "--json", json] + extra + [document],
                in: scratch.path, inputs: [document], limit: limit, sourceLocation: sourceLocation)
            #expect(
                outcome.isOrderlyExit,
                "no crash: status \(outcome.status), stderr: \(ReportInvariants.short(outcome.stderr))",
                sourceLocation: sourceLocation)
            let original = try #require(Rel.bytes(document), sourceLocation: sourceLocation)
            let written = try #require(Rel.bytes(report), "the report was written", sourceLocation: sourceLocation)
            let results = try Rel.results(json, sourceLocation: sourceLocation)
            ReportInvariants.expectValid(
                original: original, report: written, results: results, sourceLocation: sourceLocation)
            return (outcome, written, results)
        }

        /// Exit 2 with exactly one line on standard error that names the path.
        func expectUsageError(
            _ outcome: RelProcess.Outcome, naming path: String, sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(
                outcome.status == 2 && !outcome.signalled, "exit 2, got \(outcome.status)",
                sourceLocation: sourceLocation)
            #expect(
                outcome.stderrLines.count == 1, "one line: \(outcome.stderr.debugDescription)",
                sourceLocation: sourceLocation)
            #expect(
                outcome.stderr.contains(path), "the message names \(path): \(outcome.stderr)",
                sourceLocation: sourceLocation)
            #expect(outcome.stdout.isEmpty, "no report for an unusable document", sourceLocation: sourceLocation)
        }

        @Test("An empty file and a file without code blocks give the document back, exit 0")
        func emptyAndBlockless() async throws {
            let scratch = try Scratch()
            let empty = try Rel.write([], "empty.md", in: scratch)
            let (emptyRun, emptyReport, emptyResults) = try await runLocally(empty, in: scratch)
            #expect(emptyRun.status == 0)
            #expect(emptyReport.isEmpty)
            #expect(emptyResults.blocks.isEmpty)

            let prose = Array(
                "# Notes\n\nNo code here, only `inline` code and\n\n    indented code\n\n> a quote\n".utf8)
            let blockless = try Rel.write(prose, "blockless.md", in: scratch)
            let (run, report, results) = try await runLocally(blockless, in: scratch)
            #expect(run.status == 0)
            #expect(report == prose, "nothing to run: the report is the document")
            #expect(results.blocks.isEmpty)

            // The report on standard output, too.
            let stdoutRun = try await Rel.run(
                ["run", "--executor", "local", "--quiet", blockless], in: scratch.path, inputs: [blockless])
            #expect(stdoutRun.status == 0 && stdoutRun.stdout == prose)
        }

        @Test("A directory, a missing path: exit 2 with one clear line")
        func directoryAndMissing() async throws {
            let scratch = try Scratch()
            let directory = try Rel.directory("folder.md", in: scratch)
            for command in [["blocks"], ["run", "--executor", "local", "--quiet"], ["check", "--executor", "local"]] {
                let onDirectory = try await Rel.run(command + [directory], in: scratch.path)
                expectUsageError(onDirectory, naming: directory)
                #expect(onDirectory.stderr.contains("directory"), "says it is a directory: \(onDirectory.stderr)")

                let missing = Rel.path("nowhere/missing.md", in: scratch)
                let onMissing = try await Rel.run(command + [missing], in: scratch.path)
                expectUsageError(onMissing, naming: missing)
            }
            // A missing document among good ones: nothing runs, nothing is written.
            let good = try scratch.write("good.md", "```sh\ntouch ran.flag\n```\n")
            let outDir = try Rel.directory("out", in: scratch)
            let mixed = try await Rel.run(
                [
                    "run", "--executor", "local", "--quiet", "--output-dir", outDir, good,
                    Rel.path("missing.md", in: scratch),
                ],
                in: scratch.path, inputs: [good])
            #expect(mixed.status == 2)
            #expect(!scratch.exists("ran.flag") && Rel.files(in: outDir).isEmpty, "nothing ran before the usage error")
        }

        /// Tests run as root, which reads any file whatever its mode. An unreadable document is
        /// simulated by dropping the capabilities that let root ignore modes
        /// (`setpriv --bounding-set -dac_override,-dac_read_search`), when setpriv exists; and
        /// `/proc/self/mem`, which no one can read from offset 0, stands for "exists, cannot be read".
        @Test("An unreadable document, a document in a folder that cannot be entered: exit 2, one line")
        func unreadable() async throws {
            let memory = try await Rel.run(["blocks", "/proc/self/mem"])
            expectUsageError(memory, naming: "/proc/self/mem")

            let setpriv = "/usr/bin/setpriv"
            guard FileManager.default.isExecutableFile(atPath: setpriv) else {
                FileHandle.standardError.write(Data("note: no setpriv; the chmod 000 sub-cases are skipped\n".utf8))
                return
            }
            let scratch = try Scratch()
            chmod(scratch.path, 0o755)
            let locked = try scratch.write("locked.md", "```sh\necho hi\n```\n")
            chmod(locked, 0o000)
            let closed = try Rel.directory("closed", in: scratch)
            let inside = try scratch.write("closed/doc.md", "```sh\necho hi\n```\n")
            chmod(closed, 0o000)
            defer {
                chmod(closed, 0o755)
                chmod(locked, 0o644)
            }
            // As root without the capabilities (or as an ordinary user: modes apply anyway).
            let drop = Rel.isRoot() ? ["--bounding-set", "-dac_override,-dac_read_search"] : []
            for (path, shouldSay) in [(locked, "cannot be read"), (inside, "")] {
                for command in [["blocks"], ["run", "--executor", "local", "--quiet"]] {
                    let outcome = try await RelProcess(
                        executable: setpriv, drop + [Rel.mdexec] + command + [path], in: scratch.path, limit: 30
                    ).finish()
                    expectUsageError(outcome, naming: path)
                    if !shouldSay.isEmpty { #expect(outcome.stderr.contains(shouldSay), "\(outcome.stderr)") }
                    if path == inside {
                        // The file exists; only its folder cannot be entered.
                        #expect(!outcome.stderr.contains("no such file"), "misleading: \(outcome.stderr)")
                    }
                }
            }
        }

        @Test("Random bytes, invalid UTF-8, NUL bytes: a correct report, never a crash")
        func garbage() async throws {
            let scratch = try Scratch()
            var generator = SeededGenerator(seed: 0x5EED_0001)
            let random = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let randomPath = try Rel.write(random, "random.md", in: scratch)
            let (randomRun, _, _) = try await runLocally(randomPath, in: scratch)
            #expect(randomRun.status == 0 || randomRun.status == 1)

            // Invalid UTF-8 in prose and in code; NUL in prose and in code; a lone CR line
            // ending; an overlong encoding; a lone surrogate's bytes. Last, invalid UTF-8 in an
            // info string: libcmark's fence scanner does not match it, so that line is prose and
            // its closing fence opens an (unclosed, language-less) block, as libcmark says.
            var bad: [UInt8] = Array("caf".utf8) + [0xE9, 0x0A, 0xFF, 0xFE, 0x00, 0x0A, 0x0A]
            bad += Array("```sh x=1\n".utf8)
            bad +=
                Array("printf 'a".utf8) + [0x00] + Array("b'\necho '".utf8) + [0xC0, 0xAF, 0xED, 0xA0, 0x80]
                + Array("'\n```\n".utf8)
            bad += Array("\rtext\r\n~~~sh\rprintf 'cr\\r\\n'\r~~~\r\n".utf8)
            bad += Array("```sh ".utf8) + [0xC3, 0x28] + Array("\necho never\n```\n".utf8)
            let badPath = try Rel.write(bad, "bad.md", in: scratch)
            let (badRun, report, results) = try await runLocally(badPath, in: scratch)
            #expect(badRun.status == 0, "\(badRun.stderr)")
            #expect(results.blocks.map(\.status) == [.passed, .passed, .skipped], "\(results.blocks.map(\.status))")
            #expect(results.blocks.count == 3 && results.blocks[1].stdout == "cr\r\n")
            let nul = try #require(results.blocks.first)
            #expect(
                nul.stdout.contains("a\u{FFFD}b") || nul.stdout.contains("a\u{0}b"),
                "NUL in code: \(nul.stdout.debugDescription)")
            #expect(!report.isEmpty)

            // The blocks command copes as well.
            let plan = try await Rel.run(["blocks", "--json", badPath], in: scratch.path, inputs: [badPath])
            #expect(plan.status == 0 && plan.isOrderlyExit)
            #expect(Rel.validUTF8(plan.stdout), "the plan is valid UTF-8 JSON")
        }

        @Test(
            "An unclosed fence at the end gets its closing fence and a result; running the report again changes nothing"
        )
        func unclosedFence() async throws {
            let scratch = try Scratch()
            let texts = [
                "# Title\n\n```sh\necho unclosed",  // no final newline
                "> ```sh\n> echo quoted\n",  // in a block quote
                // A shorter fence does not close it (and runs: 127). Both lines go to stderr:
                // across two streams the order is arrival order, which a rerun may not repeat.
                "- item\n\n  ~~~~sh {exit=127}\n  echo listed >&2\n  ~~~\n",
            ]
            for (i, text) in texts.enumerated() {
                let path = try scratch.write("unclosed\(i).md", text)
                let (run, report, results) = try await runLocally(path, in: scratch)
                #expect(run.status == 0, "\(text.debugDescription): \(run.stderr)")
                #expect(results.blocks.count == 1 && results.blocks[0].status == .passed)
                // Idempotent through the CLI: the report run again is the same report.
                let again = try Rel.write(report, "unclosed\(i).again.md", in: scratch)
                let (_, secondReport, _) = try await runLocally(again, in: scratch)
                #expect(secondReport == report, "running the report again gives it back: \(text.debugDescription)")
            }
        }

        @Test("A 50 MB document: a correct report")
        func hugeDocument() async throws {
            let scratch = try Scratch()
            var text = "```sh\necho first\n```\n\n"
            let paragraph =
                String(repeating: "Lorem ipsum dolor sit amet, `code` ~~~ ``` not a fence. ", count: 4) + "\n\n"
            text += String(repeating: paragraph, count: 50_000_000 / paragraph.utf8.count)
            text += "~~~python\nprint('last')\n~~~\n"
            let path = try scratch.write("huge.md", text)
            let (run, report, results) = try await runLocally(path, in: scratch, limit: 180)
            #expect(run.status == 0, "\(ReportInvariants.short(run.stderr))")
            #expect(results.blocks.map(\.status) == [.passed, .passed])
            #expect(results.blocks.map(\.stdout) == ["first\n", "last\n"])
            #expect(report.count > text.utf8.count)
        }

        /// 10,000 blocks are listed with `blocks --json`; running them all with the local
        /// executor takes about 95 s on two shared cores, so 2,000 of them are run.
        @Test("10,000 blocks are listed; 2,000 run, each with its own result")
        func manyBlocks() async throws {
            let scratch = try Scratch()
            func document(_ count: Int) -> String {
                (0..<count).map { "```sh\necho \($0)\n```\n\n" }.joined()
            }
            let listed = try scratch.write("ten-thousand.md", document(10_000))
            let plan = try await Rel.run(["blocks", "--json", listed], in: scratch.path, inputs: [listed])
            #expect(plan.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout)) as? [String: Any])
            let blocks = try #require(object["blocks"] as? [[String: Any]])
            #expect(blocks.count == 10_000)
            #expect(blocks.allSatisfy { $0["runs"] as? Bool == true })
            #expect((blocks.last?["line"] as? Int) == 9_999 * 4 + 1)

            let runPath = try scratch.write("two-thousand.md", document(2_000))
            let (run, _, results) = try await runLocally(runPath, in: scratch, limit: 150)
            #expect(run.status == 0)
            #expect(results.blocks.count == 2_000)
            let wrong = results.blocks.enumerated().filter { $1.status != .passed || $1.stdout != "\($0)\n" }
            #expect(
                wrong.isEmpty,
                "\(wrong.count) blocks wrong, e.g. \(wrong.prefix(3).map { "#\($0): \($1.status) \($1.exitCode.map(String.init) ?? "-") \($1.output.debugDescription) \($1.reason ?? "")" })"
            )
        }

        @Test("1,000 nested block quotes, 1,000 nested lists: blocks found, results written inside")
        func deepNesting() async throws {
            let scratch = try Scratch()
            let quote = String(repeating: "> ", count: 1_000)
            var text = quote + "```sh\n" + quote + "echo deep-quote\n" + quote + "```\n\n"
            var indent = ""
            for _ in 0..<1_000 {
                text += indent + "- item\n"
                indent += "  "
            }
            text += "\n" + indent + "```sh\n" + indent + "echo deep-list\n" + indent + "```\n"
            // Mixed: quotes inside list items inside quotes.
            text += "\n" + String(repeating: "> - ", count: 300) + "```sh\n"
            let path = try scratch.write("deep.md", text)
            let plan = try await Rel.run(["blocks", "--json", path], in: scratch.path, inputs: [path])
            #expect(plan.status == 0 && plan.isOrderlyExit)
            let (run, _, results) = try await runLocally(path, in: scratch, extra: ["--keep-going"])
            #expect(run.isOrderlyExit)
            let outputs = results.blocks.map(\.stdout)
            #expect(outputs.contains("deep-quote\n"), "\(outputs)")
            #expect(outputs.contains("deep-list\n"), "\(outputs)")
        }
    }
}
