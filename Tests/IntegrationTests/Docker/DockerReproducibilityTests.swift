import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension DockerTests {
    /// The same document gives the same report, byte for byte, in two containers: the
    /// hostname is `mdexec`, `ls` shows only the document's files, python's writes to
    /// stdout and stderr keep their order, and a failing `pip install` says why.
    @Suite("reproducible by default")
    struct Reproducible {
        static let document = """
            ```sh
            hostname
            ls
            ```

            ```python
            import sys
            for i in range(3):
                print("out", i)
                print("err", i, file=sys.stderr)
            ```

            ```python fresh
            import sys
            for i in range(3):
                sys.stdout.write(f"out {i}\\n")
                sys.stderr.write(f"err {i}\\n")
            ```

            ```sh
            pip install mdexec-no-such-package-anywhere
            ```

            """

        @Test("two runs with --merge-streams give the same report byte for byte; hostname mdexec; pip's error shown")
        func sameReportTwice() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", Self.document)
            var reports: [String] = []
            for round in 1...2 {
                let report = scratch.path + "/report-\(round).md"
                let run = try DockerCLI.runDocument(["--keep-going", "--merge-streams", "-o", report, doc])
                #expect(run.status == 1, "the pip block fails: \(run.stderr)")
                reports.append(try String(contentsOfFile: report, encoding: .utf8))
            }
            #expect(reports[0] == reports[1], "the same report twice")
            let text = reports[0]
            #expect(
                text.contains("```output\nmdexec\n```\nexit code: 0\n"), "hostname mdexec, ls shows nothing: \(text)")
            let ordered = "```output\nout 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\n```\nexit code: 0\n"
            #expect(text.components(separatedBy: ordered).count == 3, "session and fresh python keep write order")
            #expect(text.contains("error:"), "pip says why it failed (-qq, not -qqq): \(text)")
            #expect(!text.contains("tmp_code_"), "no block file name leaks into the report")

            // Without --merge-streams the streams are captured apart, a python session's still
            // in the order written (its stderr is framed in its stdout); each line whole.
            let json = scratch.path + "/r.json"
            let apart = try DockerCLI.runDocument(["--keep-going", "--json", json, doc])
            #expect(apart.status == 1)
            let blocks = try Results.document(json).blocks
            #expect(blocks[1].output == "out 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\n")
            for block in blocks[1...2] {
                #expect(block.stdout == "out 0\nout 1\nout 2\n" && block.stderr == "err 0\nerr 1\nerr 2\n")
                #expect(
                    Set(block.output.split(separator: "\n")) == ["out 0", "out 1", "out 2", "err 0", "err 1", "err 2"])
            }
            #expect(blocks[3].stderr.contains("error: externally-managed-environment"))
            try await Leftovers.expectNone()
        }
    }
}
