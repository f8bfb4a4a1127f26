import EngineTestSupport
import Foundation
import MDExec
import MDExecTestSupport
import Testing

extension ReliabilityTests {
    /// Blocks that print too much, or print things meant to break the report, against the
    /// real engine.
    @Suite("Hostile output", .timeLimit(.minutes(5)))
    struct HostileOutput {
        static let mebibyte = 1 << 20

        static func floodDocument(lines: Int, line: Int) -> String {
            """
            ```sh
            yes | head -c \(lines)
            ```

            ```sh
            yes | tr -d '\\n' | head -c \(line)
            ```

            ```sh
            printf 'no newline at all'
            ```

            ```sh
            echo next-block-ran
            ```

            """
        }

        /// 300 MB of short lines and one 100 MB line, the limit 1 MiB.
        @Test("Floods: output capped by --max-output with a visible note, the next block runs, memory bounded")
        func floods() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let floodSize = 300_000_000
            let lineSize = 100_000_000
            let doc = try scratch.write("flood.md", Self.floodDocument(lines: floodSize, line: lineSize))
            let report = Rel.path("flood.report.md", in: scratch)
            let json = Rel.path("flood.json", in: scratch)
            let name = RelContainers.name("flood")
            let (outcome, rss) = try await Rel.runMeasured(
                Rel.dockerRun(name, ["--max-output", "1m", "-o", report, "--json", json, doc]),
                in: scratch.path, inputs: [doc], limit: 240)
            await RelContainers.expectGone(name)
            #expect(outcome.status == 0, "\(ReportInvariants.short(outcome.stderr))")
            let results = try Rel.results(json)
            try #require(results.blocks.count == 4)
            let (lines, line, noNewline, next) = (
                results.blocks[0], results.blocks[1], results.blocks[2], results.blocks[3]
            )
            #expect(lines.status == .passed && line.status == .passed)
            #expect(lines.output.hasPrefix("y\ny\ny\n"))
            // Truncation cuts at a line boundary; one line longer than the limit keeps its start.
            #expect(line.output.hasPrefix("yyyyyyyy"))
            for (block, size) in [(lines, floodSize - Self.mebibyte), (line, lineSize - Self.mebibyte)] {
                #expect(block.output.utf8.count <= Self.mebibyte + 200, "capped: \(block.output.utf8.count) bytes")
                #expect(block.stdout.utf8.count <= Self.mebibyte)
                #expect(
                    block.output.contains("[mdexec: output truncated: \(size) more bytes dropped"),
                    "a truncation note with the exact count: \(ReportInvariants.short(String(block.output.suffix(200))))"
                )
            }
            #expect(noNewline.status == .passed && noNewline.output == "no newline at all")
            #expect(next.status == .passed && next.stdout == "next-block-ran\n", "the block after the floods ran")
            let original = try #require(Rel.bytes(doc))
            let written = try #require(Rel.bytes(report))
            ReportInvariants.expectValid(original: original, report: written, results: results)
            let text = String(decoding: written, as: UTF8.self)
            #expect(
                text.components(separatedBy: "[mdexec: output truncated: ").count == 3,
                "the note is visible in the report")
            #expect(text.contains("\nno newline at all\n```\nexit code: 0\n"))

            guard let rss else {
                FileHandle.standardError.write(
                    Data("note: /usr/bin/time is not installed; peak RSS not measured\n".utf8))
                return
            }
            // The same document with floods of 2 MB: what mdexec needs for 1 MiB kept per block.
            let small = try scratch.write("small.md", Self.floodDocument(lines: 2_000_000, line: 2_000_000))
            let smallName = RelContainers.name("flood-small")
            let (smallOutcome, smallRSS) = try await Rel.runMeasured(
                Rel.dockerRun(
                    smallName, ["--max-output", "1m", "-o", Rel.path("small.report.md", in: scratch), small]),
                in: scratch.path, inputs: [small])
            await RelContainers.expectGone(smallName)
            #expect(smallOutcome.status == 0)
            let numbers =
                "peak RSS of mdexec: \(rss / 1024) MiB for floods of 300 MB + 100 MB, \((smallRSS ?? 0) / 1024) MiB for floods of 2 MB + 2 MB (--max-output 1m)"
            FileHandle.standardError.write(Data("flood memory: \(numbers)\n".utf8))
            // The hijacked connection's reader waits for the consumer (a window of 16 frames),
            // and a clean output is not copied line by line into the report.
            #expect(rss < 64 * 1024, "\(numbers)")
            #expect(rss - (smallRSS ?? 0) < 16 * 1024, "printing more must not cost more memory: \(numbers)")
        }

        /// Output made of fence runs, HTML, headings, terminal escapes, NUL, invalid UTF-8.
        static let hostileScript = #"""
            import sys
            def hostile(out):
                for n in range(1, 41):
                    out.write(b"`" * n + b"\n" + b"~" * n + b" info\n")
                out.write(b"```output\nexit code: 0\n```\n~~~\n")
                out.write(b"<script>alert(1)</script>\n<!-- comment\n# Heading\n=====\n---\n> quote\n- item\n1. item\n")
                out.write(b"\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1bc \x1b(B \x1b[?1049h\n")
                out.write(b"nul\x00 bel\x07 bs\x08 del\x7f c1csi\xc2\x9b31m lone-cr\r cr-lf\r\n")
                out.write(b"bad\xff\xfe \xc3( \xed\xa0\x80 \xf4\x90\x80\x80\n")
                out.write(b"    ```\n\t~~~\n")
                out.write(b"`````")
            """#

        @Test(
            "Output full of fences, HTML, escapes, NUL and bad UTF-8: the report stays fence-safe, valid UTF-8, free of ESC"
        )
        func fenceSafety() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "hostile.md",
                """
                # Hostile output

                ```python
                \(Self.hostileScript)
                hostile(sys.stdout.buffer)
                ```

                ~~~python
                \(Self.hostileScript)
                hostile(sys.stderr.buffer)
                ~~~

                > ```sh
                > printf '````\\n~~~~~\\n\\033[2J'
                > ```

                ```sh
                echo after
                ```

                """)
            let report = Rel.path("report.md", in: scratch)
            let json = Rel.path("r.json", in: scratch)
            let name = RelContainers.name("fences")
            let outcome = try await Rel.run(
                Rel.dockerRun(name, ["-o", report, "--json", json, doc]), in: scratch.path, inputs: [doc])
            await RelContainers.expectGone(name)
            #expect(outcome.status == 0, "\(ReportInvariants.short(outcome.stderr))")
            let results = try Rel.results(json)
            #expect(results.blocks.map(\.status) == [.passed, .passed, .passed, .passed])
            let original = try #require(Rel.bytes(doc))
            let written = try #require(Rel.bytes(report))
            ReportInvariants.expectValid(original: original, report: written, results: results)
            #expect(Rel.validUTF8(written), "the report is valid UTF-8")
            #expect(!written.contains(0x1B), "no ESC byte in the report")
            #expect(!written.contains(0x00), "no NUL byte in the report")
            let text = String(decoding: written, as: UTF8.self)
            #expect(!text.unicodeScalars.contains("\u{9B}"), "no C1 CSI in the report")
            #expect(text.contains("␀") && text.contains("␇") && text.contains("␍"), "controls shown as symbols")
            #expect(text.contains("\u{FFFD}"), "bad bytes became U+FFFD")
            // The JSON keeps the characters (escaped), with U+FFFD for the bad bytes.
            let first = results.blocks[0]
            #expect(first.stdout.contains("\u{1B}[31mred") && first.stdout.contains("nul\u{0}"))
            #expect(results.blocks[1].stderr.contains("\u{1B}[31mred") && results.blocks[1].stdout.isEmpty)
            #expect(first.stdout.hasSuffix("`````"))

            // Running the report again gives the same report, and `check` on it passes.
            let again = Rel.path("again.md", in: scratch)
            let secondName = RelContainers.name("fences-again")
            let second = try await Rel.run(
                Rel.dockerRun(secondName, ["-o", again, report]), in: scratch.path, inputs: [report])
            await RelContainers.expectGone(secondName)
            #expect(second.status == 0)
            #expect(
                Rel.bytes(again) == written,
                "idempotent: first difference at byte \(ReportInvariants.firstDifference(Rel.bytes(again) ?? [], written))"
            )
            let checkName = RelContainers.name("fences-check")
            let check = try await Rel.run(
                ["check", "--image", Rel.image, "--quiet", "--container-name", checkName, report],
                in: scratch.path, inputs: [report])
            await RelContainers.expectGone(checkName)
            #expect(check.status == 0, "check on a fresh report passes: \(ReportInvariants.short(check.stderr, 2000))")
        }
    }
}
