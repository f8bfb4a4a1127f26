import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Testing

extension DockerTests {
    /// The ancestor's (AutoGen `DockerCommandLineCodeExecutor`) tests, through the real
    /// `mdexec` binary and the default executor (docker) with the local test image.
    @Suite("ancestor behaviour through the CLI")
    struct AncestorCLI {
        @Test("python and sh blocks run in one container with their exit codes", .timeLimit(.minutes(2)))
        func exitCodes() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "e.md",
                """
                ```python
                print("hello from python")
                ```

                ```sh
                echo "hello from sh"; echo shared > shared.txt
                ```

                ```python exit=1
                print(open("shared.txt").read().strip())
                raise ValueError("boom")
                ```

                ```sh exit=3
                echo before; exit 3
                ```

                ```python
                raise SystemExit(1)
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--json", json, doc])
            #expect(run.status == 1)
            let result = try Results.document(json)
            #expect(result.executor == .docker)
            #expect(result.image == EngineGate.image)
            let blocks = result.blocks
            #expect(blocks.map(\.status) == [.passed, .passed, .passed, .passed, .failed])
            #expect(blocks.map(\.exitCode) == [0, 0, 1, 3, 1])
            #expect(blocks[0].output == "hello from python\n")
            #expect(blocks[1].output == "hello from sh\n")
            #expect(blocks[2].stdout == "shared\n")
            #expect(blocks[2].stderr.contains("ValueError: boom"))
            #expect(blocks[3].output == "before\n")
            #expect(run.stdout.contains("```output\nhello from python\n```\nexit code: 0\n"))
            #expect(run.stdout.contains("```output\nbefore\n```\nexit code: 3\n"))
            try await Leftovers.expectNone()
        }

        @Test(
            "a block past its timeout: timed-out, exit 124, output ending in Timeout, promptly", .timeLimit(.minutes(2))
        )
        func timeout() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "t.md", "```sh timeout=1\necho started\nsleep 30\necho never\n```\n\n```sh\necho after\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--json", json, doc])
            #expect(run.status == 1)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.timedOut, .notRun])
            #expect(blocks[0].exitCode == 124)
            #expect(blocks[0].output == "started\nTimeout")
            #expect(blocks[0].output.hasSuffix("Timeout"))
            #expect((blocks[0].durationMs ?? .max) < 5_000)
            #expect(run.stdout.contains("exit code: 124 (timed out)"))
            // Container start and removal included.
            #expect(run.seconds < 20, "the run took \(run.seconds) s")
            try await Leftovers.expectNone()
        }

        @Test("a filename hint leaving the workspace is refused; nothing is written outside", .timeLimit(.minutes(2)))
        func invalidRelativePath() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let doc = try scratch.write(
                "p.md",
                """
                ```python
                # filename: ../x.py
                print("escaped")
                ```

                ```python
                # filename: /tmp/abs-\(UUID().uuidString).py
                print("absolute")
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--keep-going", "--work-dir", work, "--json", json, doc])
            #expect(run.status == 1)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.failed, .failed])
            #expect(blocks.map(\.exitCode) == [1, 1])
            #expect(blocks.map(\.output) == ["Filename is not in the workspace", "Filename is not in the workspace"])
            #expect(!scratch.exists("x.py"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/x.py"))
            #expect(run.stdout.contains("```output\nFilename is not in the workspace\n```\nexit code: 1\n"))
            try await Leftovers.expectNone()
        }

        @Test("a filename hint inside the workspace is written there, parents created", .timeLimit(.minutes(2)))
        func validRelativePath() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let doc = try scratch.write(
                "p.md",
                """
                ```python
                # filename: sub/dir/x.py
                import os
                print(os.getcwd(), os.path.exists("sub/dir/x.py"))
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--work-dir", work, "--json", json, doc])
            #expect(run.status == 0)
            let block = try #require(try Results.document(json).blocks.first)
            #expect(block.filename == "sub/dir/x.py")
            #expect(block.output == "/workspace True\n")
            #expect(try scratch.read("work/sub/dir/x.py").contains("print(os.getcwd()"))
            try await Leftovers.expectNone()
        }

        @Test("an existing container of the requested name is removed first", .timeLimit(.minutes(2)))
        func existingNamedContainer() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let client = try await EngineGate.client()
            let name = uniqueContainerName("named")
            let doc = try scratch.write("n.md", "```sh\ncat /etc/hostname\n```\n")
            let json = scratch.path + "/r.json"

            // A first run that leaves its container running.
            var firstPid: pid_t = 0
            let first = try DockerCLI.runDocument([
                "--no-stop-container", "--container-name", name, "--json", json, doc,
            ]) {
                firstPid = $0.processIdentifier
            }
            #expect(first.status == 0)
            let left = try await client.inspectContainer(name)
            #expect(left.state.running)
            #expect(left.labels["mdexec"] == "1")
            #expect(left.labels["mdexec.pid"] == String(firstPid))
            let firstHostname = try Results.document(json).blocks.first?.stdout
            // Docker ends /etc/hostname with a newline, Podman does not. Every container is `mdexec`.
            #expect(firstHostname?.trimmingCharacters(in: .newlines) == "mdexec")

            // The second run of the same name replaces it, and removes its own at the end.
            let second = try DockerCLI.runDocument(["--container-name", name, "--json", json, doc])
            #expect(second.status == 0, "stderr: \(second.stderr)")
            let block = try #require(try Results.document(json).blocks.first)
            #expect(block.status == .passed)
            await #expect(throws: EngineError.self) { try await client.inspectContainer(left.id) }
            await #expect(throws: EngineError.self) { try await client.inspectContainer(name) }

            // A container made by hand (not by mdexec) of that name is replaced too.
            let spec = ContainerSpec(
                image: EngineGate.image, cmd: ["sleep", "300"], labels: Leftovers.labels,
                hostConfig: HostConfig(networkMode: "none"))
            let manual = try await client.createContainer(name: name, spec: spec)
            try await client.startContainer(manual)
            let third = try DockerCLI.runDocument(["--container-name", name, "--json", json, doc])
            #expect(third.status == 0, "stderr: \(third.stderr)")
            #expect(try Results.document(json).blocks.first?.status == .passed)
            await #expect(throws: EngineError.self) { try await client.inspectContainer(manual) }
            try await Leftovers.expectNone()
        }

        @Test("the init command has finished before the first block", .timeLimit(.minutes(2)))
        func initCommand() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("i.md", "```sh\ncat init.txt\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument([
                "--init-command", "sleep 1; echo ready > init.txt", "--json", json, doc,
            ])
            #expect(run.status == 0)
            #expect(try Results.document(json).blocks.first?.output == "ready\n")

            // An init command that fails stops the run before any block.
            let failing = try DockerCLI.runDocument(["--init-command", "echo nope >&2; exit 4", "--json", json, doc])
            #expect(failing.status == 3)
            #expect(failing.stderr.contains("exit code 4"))
            #expect(try Results.document(json).blocks.first?.status == .notRun)
            try await Leftovers.expectNone()
        }

        @Test("an extra volume is mounted; read-only means read-only", .timeLimit(.minutes(2)))
        func extraVolume() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let data = try scratch.directory("data")
            try scratch.write("data/input.txt", "from the host\n")
            let doc = try scratch.write(
                "v.md",
                """
                ```sh
                cat /data/input.txt
                ```

                ```sh
                echo overwrite > /data/input.txt
                ```

                ```sh
                echo new > /data/new.txt
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--keep-going", "--volume", "\(data):/data:ro", "--json", json, doc])
            #expect(run.status == 1)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.passed, .failed, .failed])
            #expect(blocks[0].output == "from the host\n")
            #expect(blocks[1].output.contains("Read-only file system"))
            #expect(blocks[2].exitCode != 0)
            #expect(try scratch.read("data/input.txt") == "from the host\n")
            #expect(!scratch.exists("data/new.txt"))

            // Read-write, the block's writes reach the host.
            let rw = try DockerCLI.runDocument(["--volume", "\(data):/data:rw", "--json", json, doc])
            #expect(rw.status == 0)
            #expect(try scratch.read("data/new.txt") == "new\n")
            try await Leftovers.expectNone()
        }

        @Test("a relative --work-dir is the folder of that name here, bind-mounted (not an engine volume)")
        func relativeWorkDir() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("d.md", "```sh\necho here > mark.txt\n```\n")
            let run = try DockerCLI.runDocument(["--work-dir", "work", "--quiet", doc], in: scratch.path)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try scratch.read("work/mark.txt") == "here\n")
            try await Leftovers.expectNone()
        }

        @Test(
            "delete_tmp_files removes each block's file after it ran; without it the file stays",
            .timeLimit(.minutes(2)))
        func deleteTmpFiles() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("d.md", "```sh\necho kept > output.txt\n```\n\n```python\nprint('py')\n```\n")
            let json = scratch.path + "/r.json"

            let deleting = try scratch.directory("deleting")
            let run = try DockerCLI.runDocument(["--delete-tmp-files", "--work-dir", deleting, "--json", json, doc])
            #expect(run.status == 0)
            let files = try Results.document(json).blocks.compactMap(\.filename)
            #expect(files.count == 2)
            #expect(files.allSatisfy { $0.hasPrefix(".mdexec/tmp_code_") })
            #expect(scratch.files(in: "deleting") == [".mdexec", "output.txt"])
            #expect(scratch.files(in: "deleting/.mdexec").isEmpty, "each block's file deleted")

            let keeping = try scratch.directory("keeping")
            let kept = try DockerCLI.runDocument(["--work-dir", keeping, "--json", json, doc])
            #expect(kept.status == 0)
            #expect(scratch.files(in: "keeping") == [".mdexec", "output.txt"])
            #expect(
                scratch.files(in: "keeping/.mdexec") == files.map { String($0.dropFirst(".mdexec/".count)) }.sorted())
            try await Leftovers.expectNone()
        }
    }
}
