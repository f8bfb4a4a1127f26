import Foundation
import Testing

@testable import MDExec

/// The whole pipeline, Markdown in and report out, through the real `mdexec` binary with
/// the local executor (no engine needed).
@Suite("mdexec with the local executor", .serialized)
struct LocalPipelineTests {
    let local = ["--executor", "local", "--quiet"]

    func results(_ path: String) throws -> DocumentResult {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(try JSONReport.decode(bytes).first)
    }

    @Test("the transcript sample: hints honoured, the escape refused, exit 1")
    func transcriptSample() throws {
        let scratch = try Scratch()
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run"] + local + ["--json", json, Samples.path("llm-transcript.md")])
        #expect(run.status == 1)
        let result = try results(json)
        #expect(result.blocks.map(\.status) == [.passed, .passed, .passed, .failed])
        #expect(result.blocks[0].filename == "wordcount/counter.py")
        #expect(result.blocks[2].stdout == "the: 3\nlooks right\n")
        #expect(result.blocks[3].output == "Filename is not in the workspace")
        #expect(result.blocks[3].exitCode == 1)
        #expect(run.stdout.contains("```output\nthe: 3\nlooks right\n```\nexit code: 0\n"))
        #expect(run.stdout.contains("```output\nFilename is not in the workspace\n```\nexit code: 1\n"))
    }

    @Test("a block past its timeout is killed, exit 124, output kept and ending in Timeout")
    func timeout() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("t.md", "```sh timeout=1\necho started\nsleep 30\necho never\n```\n")
        let json = scratch.path + "/r.json"
        let started = Date()
        let run = try CLI.run(["run"] + local + ["--json", json, doc])
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(run.status == 1)
        let block = try results(json).blocks[0]
        #expect(block.status == .timedOut)
        #expect(block.exitCode == 124)
        #expect(block.output == "started\nTimeout")
        #expect(run.stdout.contains("exit code: 124 (timed out)"))
    }

    @Test("the first failure stops the document; later blocks keep their recorded results")
    func stopAtFirstFailure() throws {
        let scratch = try Scratch()
        let text = """
            ```sh
            echo one
            ```

            ```sh
            echo two; exit 3
            ```

            ```sh
            echo three
            ```

            ```output
            recorded by hand
            ```
            exit code: 0

            """
        let doc = try scratch.write("s.md", text)
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run"] + local + ["--json", json, doc])
        #expect(run.status == 1)
        let blocks = try results(json).blocks
        #expect(blocks.map(\.status) == [.passed, .failed, .notRun])
        #expect(blocks[1].exitCode == 3)
        #expect(blocks[2].exitCode == nil && blocks[2].output.isEmpty && blocks[2].durationMs == nil)
        #expect(run.stdout.contains("```output\nrecorded by hand\n```\nexit code: 0\n"))

        let keepGoing = try CLI.run(["run"] + local + ["--keep-going", "--json", json, doc])
        #expect(keepGoing.status == 1)
        #expect(try results(json).blocks.map(\.status) == [.passed, .failed, .passed])
        // `exit 3` ended the sh session: the next block starts a new one, and says so.
        #expect(keepGoing.stdout.contains("```output\nthree\n```\nexit code: 0 (session restarted)\n"))
        #expect(!keepGoing.stdout.contains("recorded by hand"))
    }

    @Test("exit=N makes a block that exits N pass")
    func expectedExit() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("e.md", "```sh exit=2\nexit 2\n```\n\n```sh {exit=0}\nexit 2\n```\n")
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run"] + local + ["--json", json, doc])
        #expect(run.status == 1)
        #expect(try results(json).blocks.map(\.status) == [.passed, .failed])
    }

    @Test("check passes on a fresh report and fails, with a diff, when an output changed")
    func check() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("c.md", "```sh\necho alpha\necho beta\n```\n\n```python\nprint(6 * 7)\n```\n")
        let report = scratch.path + "/report.md"
        #expect(try CLI.run(["run"] + local + ["-o", report, doc]).status == 0)
        let passing = try CLI.run(["check"] + local + [report])
        #expect(passing.status == 0)
        #expect(passing.stdout.isEmpty)

        let edited = try scratch.read("report.md").replacingOccurrences(
            of: "```output\nalpha\nbeta\n", with: "```output\nalpha\ngamma  \n")
        try scratch.write("report.md", edited)
        let json = scratch.path + "/r.json"
        let failing = try CLI.run(["check"] + local + ["--json", json, report])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("-gamma"))
        #expect(failing.stderr.contains("+beta"))
        let blocks = try results(json).blocks
        #expect(blocks[0].status == .failed && blocks[0].matched == false && blocks[0].reason == "output differs")
        #expect(blocks[1].status == .passed && blocks[1].matched == true)

        // Trailing spaces and blank lines do not count.
        let relaxed = try scratch.read("report.md").replacingOccurrences(
            of: "alpha\ngamma  \n", with: "alpha  \r\nbeta   \n\n\n")
        try scratch.write("report.md", relaxed)
        #expect(try CLI.run(["check"] + local + [report]).status == 0)
    }

    @Test("a bad attribute is a usage error naming the line, before anything runs")
    func badAttribute() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("b.md", "```sh\ntouch ran\n```\n\ntext\n\n```sh timeout=0\necho x\n```\n")
        let run = try CLI.run(["run"] + local + ["--work-dir", scratch.path, doc])
        #expect(run.status == 2)
        #expect(run.stderr.contains("line 7"))
        #expect(!scratch.exists("ran"))
    }

    @Test("missing files, directories and bad flags are usage errors (exit 2), one line each")
    func usageErrors() throws {
        let scratch = try Scratch()
        let missing = try CLI.run(["run"] + local + [scratch.path + "/nope.md"])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(try CLI.run(["run"] + local + [scratch.path]).status == 2)
        #expect(try CLI.run(["run", "--no-such-flag", "x.md"]).status == 2)
        #expect(try CLI.run(["run", "--timeout", "0", "--executor", "local", "x.md"]).status == 2)
        let a = try scratch.write("a.md", "")
        let b = try scratch.write("b.md", "")
        #expect(try CLI.run(["run"] + local + [a, b]).status == 2)
    }

    @Test("the input is untouched unless --in-place; -o and --in-place write the report")
    func destinations() throws {
        let scratch = try Scratch()
        let text = "# t\n\n```sh\necho hi\n```\n"
        let doc = try scratch.write("d.md", text)
        let out = scratch.path + "/out.md"
        #expect(try CLI.run(["run"] + local + ["-o", out, doc]).status == 0)
        #expect(try scratch.read("d.md") == text)
        let report = try scratch.read("out.md")
        #expect(report == text + "\n```output\nhi\n```\nexit code: 0\n")
        #expect(try CLI.run(["run"] + local + ["--in-place", doc]).status == 0)
        #expect(try scratch.read("d.md") == report)
        // Idempotent: running the report again changes nothing.
        #expect(try CLI.run(["run"] + local + ["--in-place", doc]).status == 0)
        #expect(try scratch.read("d.md") == report)
        // Several documents into a directory.
        let outDir = scratch.path + "/reports"
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let other = try scratch.write("e.md", "```sh\necho other\n```\n")
        #expect(try CLI.run(["run"] + local + ["--output-dir", outDir, "--jobs", "2", doc, other]).status == 0)
        #expect(try scratch.read("reports/e.md").contains("other\n```\nexit code: 0"))
    }

    @Test("stdout and stderr are kept apart in the JSON and interleaved in the report")
    func streams() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("s.md", "```sh\necho out1\nsleep 0.2\necho err1 >&2\nsleep 0.2\necho out2\n```\n")
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run"] + local + ["--json", json, doc])
        #expect(run.status == 0)
        let block = try results(json).blocks[0]
        #expect(block.stdout == "out1\nout2\n")
        #expect(block.stderr == "err1\n")
        #expect(block.output == "out1\nerr1\nout2\n")
    }

    @Test("--max-output caps a flood with a visible note, and the next block still runs")
    func maxOutput() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("f.md", "```sh\nyes | head -c 5000000\n```\n\n```sh\necho next\n```\n")
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run"] + local + ["--max-output", "1k", "--json", json, doc])
        #expect(run.status == 0)
        let blocks = try results(json).blocks
        #expect(blocks[0].output.contains("output truncated"))
        #expect(blocks[0].output.utf8.count < 2000)
        #expect(blocks[1].output == "next\n")
    }

    @Test("blocks --json lists every block, whether it runs and why not")
    func plan() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "p.md",
            "```python\nprint(1)\n```\n\n```json\n{}\n```\n\n```sh skip\nx\n```\n\n    indented\n\n```text file=notes.txt\nhello\n```\n"
        )
        let run = try CLI.run(["blocks", "--json", doc])
        #expect(run.status == 0)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(run.stdoutBytes)) as? [String: Any])
        let blocks = try #require(plan["blocks"] as? [[String: Any]])
        #expect(blocks.count == 4)
        #expect(blocks.map { $0["runs"] as? Bool } == [true, false, false, false])
        #expect((blocks[0]["filename"] as? String)?.hasPrefix(".mdexec/tmp_code_") == true)
        #expect((blocks[0]["filename"] as? String)?.hasSuffix(".py") == true)
        #expect(blocks[1]["reason"] as? String == "language 'json' does not run")
        #expect(blocks[3]["reason"] as? String == "written to notes.txt")
    }

    @Test("blocks --json on large documents (planned on a second thread) prints exactly the library's plan")
    func largePlans() throws {
        let scratch = try Scratch()
        var first = "# Many blocks\n\n"
        for i in 0..<5_000 {
            switch i % 4 {
            case 0: first += "```sh\necho \(i)\n```\n\n```output\n\(i)\n```\nexit code: 0\n\n"
            case 1: first += "> ```python {timeout=\(i % 50 + 1)}\n> # filename: dir/f\(i).py\n> print(\(i))\n> ```\n\n"
            case 2: first += "- item\n\n  ~~~text file=notes/\(i).txt\n  note \(i)\n  ~~~\n\n"
            default: first += "```json\n{\"n\": \(i)}\n```\n\n    indented \(i)\n\n"
            }
        }
        let a = try scratch.write("a.md", first)
        let b = try scratch.write("b.md", "no blocks here\n")
        let c = try scratch.write("c.md", "```sh skip\nx\n```\n")
        let planner = BlockPlanner()
        func expected(_ paths: [String]) throws -> [UInt8] {
            let plans = try paths.map { path in
                (
                    document: path,
                    blocks: planner.plan(
                        try MarkdownDocument.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).blocks)
                )
            }
            return plans.count == 1
                ? JSONReport.renderPlan(document: plans[0].document, blocks: plans[0].blocks)
                : JSONReport.renderPlans(plans)
        }
        let one = try CLI.run(["blocks", "--json", a])
        #expect(one.status == 0)
        #expect(one.stdoutBytes == (try expected([a])))
        let three = try CLI.run(["blocks", "--json", a, b, c])
        #expect(three.status == 0)
        #expect(three.stdoutBytes == (try expected([a, b, c])))
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(one.stdoutBytes)) as? [String: Any])
        #expect((plan["blocks"] as? [[String: Any]])?.count == 5_000)
        // A bad document after a good one: exit 2, one line, and no partial plan.
        let bad = try scratch.write("bad.md", "```sh timeout=never\nx\n```\n")
        let failed = try CLI.run(["blocks", "--json", a, bad])
        #expect(failed.status == 2 && failed.stdoutBytes.isEmpty)
        #expect(failed.stderr.split(separator: "\n").count == 1)
    }

    @Test("SIGINT mid-block: exit 130, the partial report and JSON are written, blocks cancelled")
    func interrupt() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "i.md", "```sh\necho first\n```\n\n```sh\necho waiting; sleep 60\n```\n\n```sh\necho third\n```\n")
        let json = scratch.path + "/r.json"
        let out = scratch.path + "/out.md"
        let run = try CLI.run(["run"] + local + ["-o", out, "--json", json, doc]) { process in
            Thread.sleep(forTimeInterval: 1.5)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(run.status == 130)
        let blocks = try results(json).blocks
        #expect(blocks.map(\.status) == [.passed, .cancelled, .cancelled])
        #expect(try scratch.read("out.md").contains("```output\nfirst\n```\nexit code: 0\n"))
    }

    @Test("a CommonMark renderer shows every output and exit code of the transcript's report")
    func rendersInCommonMark() throws {
        let run = try CLI.run(["run"] + local + [Samples.path("llm-transcript.md")])
        #expect(run.status == 1)
        let report = try MarkdownDocument.parse(run.stdoutBytes)
        #expect(report.blocks.count == 4)
        #expect(report.blocks.map { $0.recorded?.exitCode } == [0, 0, 0, 1])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cmark") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("cmark is missing: .ci/run installs it")
            }
            return
        }
        let cmark = Process()
        cmark.executableURL = URL(fileURLWithPath: "/usr/bin/cmark")
        let input = Pipe()
        let output = Pipe()
        cmark.standardInput = input
        cmark.standardOutput = output
        try cmark.run()
        input.fileHandleForWriting.write(Data(run.stdoutBytes))
        try input.fileHandleForWriting.close()
        let html = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        cmark.waitUntilExit()
        #expect(html.components(separatedBy: "<pre><code class=\"language-output\">").count - 1 == 4)
        #expect(html.components(separatedBy: "exit code: 0").count - 1 == 3)
        #expect(html.contains("exit code: 1"))
        #expect(html.contains("the: 3\nlooks right"))
    }
}
