import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension DockerTests {
    /// The engine over `tcp://` (the local engine's socket forwarded to a TCP port): nothing
    /// is bind-mounted, block files are uploaded into the container's own workspace.
    @Suite("a remote engine (tcp://)")
    struct RemoteEngine {
        @Test(
            "blocks, hints, functions, init command and delete_tmp_files work without a shared filesystem",
            .timeLimit(.minutes(2)), arguments: ["loop", "exec"])
        func cli(runner: String) async throws {
            guard try await EngineGate.ready() else { return }
            let forwarder = try EngineTCPForwarder()
            defer { forwarder.close() }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let functions = try scratch.write("f.py", "def add(a, b):\n    return a + b\n")
            let doc = try scratch.write(
                "remote.md",
                """
                ```python
                from functions import add
                print(add(20, 22), open("init.txt").read().strip())
                ```

                ```sh
                # filename: pkg/data/tool.sh
                echo "in $(dirname "$0")"
                ```

                ```sh
                ls; ls pkg/data; pwd
                ```

                ```python
                # filename: ../escape.py
                print("escaped")
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(
                [
                    // --fresh: the hinted sh block prints its own `$0` (a sourced block's is the session's).
                    "--runner", runner, "--fresh", "--keep-going", "--delete-tmp-files", "--work-dir", work,
                    "--functions",
                    functions,
                    "--init-command", "echo remote-init > init.txt", "--json", json, doc,
                ],
                environment: ["DOCKER_HOST": forwarder.dockerHost], limit: 60)
            #expect(run.status == 1, "stderr: \(run.stderr)")
            let blocks = try Results.document(json).blocks
            try #require(blocks.count == 4)
            #expect(blocks.map(\.status) == [.passed, .passed, .passed, .failed])
            #expect(blocks[0].output == "42 remote-init\n")
            #expect(blocks[1].output == "in pkg/data\n")
            // Block files without a name are in .mdexec/, out of `ls`'s sight.
            let listing = blocks[2].stdout.split(separator: "\n").map(String.init)
            #expect(listing.last == "/workspace")
            #expect(blocks[2].filename?.hasPrefix(".mdexec/tmp_code_") == true)
            #expect(Set(listing.dropLast()).subtracting(["__pycache__"]) == ["functions.py", "init.txt", "pkg"])
            #expect(blocks[3].output == "Filename is not in the workspace")
            // Nothing reached the host's work dir: the engine has no access to it.
            #expect(scratch.files(in: "work").isEmpty)
            #expect(!scratch.exists("escape.py"))
            try await Leftovers.expectNone()
        }

        @Test("the library over tcp://: files uploaded, kept across a restart", .timeLimit(.minutes(2)))
        func library() async throws {
            guard try await EngineGate.ready() else { return }
            let forwarder = try EngineTCPForwarder()
            defer { forwarder.close() }
            let scratch = try Scratch()
            var configuration = ExecutorConfiguration()
            configuration.image = EngineGate.image
            configuration.workDir = scratch.path
            let executor = try DockerExecutor(
                configuration: configuration, host: DockerHost(.tcp(host: "127.0.0.1", port: forwarder.port)))
            let notebook = Notebook(executor: executor)
            try await Library.started(notebook) {
                try await executor.writeFile("deep/dir/data.txt", contents: Array("uploaded\n".utf8))
                let first = try await notebook.execute([CodeSubmission(language: "sh", code: "cat deep/dir/data.txt")])
                #expect(first.exitCode == 0 && first.output == "uploaded\n")
                await #expect(throws: ExecutionError.self) {
                    try await executor.writeFile("../outside.txt", contents: [0x41])
                }
                try await notebook.restart()
                let second = try await notebook.execute([
                    CodeSubmission(language: "python", code: "print(open('deep/dir/data.txt').read(), end='')")
                ])
                #expect(second.exitCode == 0 && second.output == "uploaded\n")
                #expect(!scratch.exists("deep"))
            }
        }

        @Test("pictures come out of the container through the archive endpoint, as with a bind mount")
        func pictures() async throws {
            guard try await EngineGate.ready() else { return }
            let forwarder = try EngineTCPForwarder()
            defer { forwarder.close() }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "doc.md",
                ImageTests.document + """
                    ```sh
                    ln -s /etc/passwd x.png
                    printf 'not a picture' > "with space.png"
                    ```

                    """)
            let report = scratch.path + "/report.md"
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(
                ["-o", report, "--json", json, doc], environment: ["DOCKER_HOST": forwarder.dockerHost], limit: 60)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.stderr.contains("warning"), "\(run.stderr)")
            let text = try String(contentsOfFile: report, encoding: .utf8)
            #expect(text.contains("exit code: 0\n![charts/box.svg](report_files/block-0-1.svg)\n"), "\(text)")
            #expect(text.contains("exit code: 0\n![figure 1](report_files/block-1-1.png)\n"))
            #expect(text.contains("exit code: 0\n![fresh.png](report_files/block-2-1.png)\n"))
            #expect(text.hasSuffix("exit code: 0\n![with space.png](report_files/block-4-1.png)\n"), "no link followed")
            let shown = try [UInt8](
                Data(contentsOf: URL(fileURLWithPath: scratch.path + "/report_files/block-1-1.png")))
            #expect(shown == ImageTests.png)
            let svg = try String(contentsOfFile: scratch.path + "/report_files/block-0-1.svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg"))
            let odd = try String(contentsOfFile: scratch.path + "/report_files/block-4-1.png", encoding: .utf8)
            #expect(odd == "not a picture", "copied as a file, never decoded")
            let blocks = try Results.document(json).blocks
            #expect(
                blocks.map { $0.images.map(\.source) } == [
                    ["charts/box.svg"], ["display"], ["fresh.png"], [], ["with space.png"],
                ])
            #expect(blocks[1].images.first?.sha256 == SHA256.hex(ImageTests.png))
            #expect(!scratch.exists("charts") && !scratch.exists("fresh.png"), "nothing reached this machine's folder")

            let rerun = try DockerCLI.runDocument(
                ["-o", report, report], environment: ["DOCKER_HOST": forwarder.dockerHost], limit: 60)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try String(contentsOfFile: report, encoding: .utf8) == text, "the report run again gives itself")
            try await Leftovers.expectNone()
        }
    }
}
