import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Testing

extension DockerTests {
    /// The sandbox options beyond the ancestor, and output edge cases that only the
    /// container path (hijacked runner stream, exec frames) can get wrong.
    @Suite("sandbox and output edge cases")
    struct Sandbox {
        @Test(
            "blocks read EOF on stdin, output without a final newline stays exact, bad UTF-8 becomes U+FFFD",
            .timeLimit(.minutes(2)), arguments: ["loop", "exec"])
        func outputEdges(runner: String) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "o.md",
                """
                ```sh
                cat; read x || echo "stdin: eof"
                ```

                ```sh
                printf 'no newline'; printf 'err no newline' >&2
                ```

                ```sh
                printf 'a\\377b\\n'
                ```

                ```python
                print("still", "here")
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--runner", runner, "--json", json, doc], limit: 60)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.passed, .passed, .passed, .passed])
            #expect(blocks.first?.output == "stdin: eof\n")
            #expect(blocks.dropFirst(1).first?.stdout == "no newline")
            #expect(blocks.dropFirst(1).first?.stderr == "err no newline")
            #expect(blocks.dropFirst(2).first?.stdout == "a\u{FFFD}b\n")
            #expect(blocks.dropFirst(3).first?.output == "still here\n")
            try await Leftovers.expectNone()
        }

        @Test("--max-output caps a flood with a visible note; the next block still runs", .timeLimit(.minutes(2)))
        func maxOutput() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "f.md", "```sh\nyes | head -c 20000000\necho done >&2\n```\n\n```sh\necho next\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--max-output", "1k", "--json", json, doc])
            #expect(run.status == 0)
            let blocks = try Results.document(json).blocks
            #expect(blocks.first?.output.contains("output truncated") == true)
            #expect((blocks.first?.output.utf8.count ?? .max) < 2_000)
            #expect(blocks.dropFirst().first?.output == "next\n")
            try await Leftovers.expectNone()
        }

        @Test(
            "a timed-out block's background processes are killed with it", .timeLimit(.minutes(2)),
            arguments: ["loop", "exec"])
        func timeoutKillsTree(runner: String) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "k.md",
                """
                ```sh timeout=1
                sleep 4321 &
                sleep 30
                ```

                ```sh
                sleep 0.5; ps -eo args | grep -c '^sleep 4321$' || true
                ```

                """)
            let json = scratch.path + "/r.json"
            // --fresh: a block in its own process (`timeout -k`); a session's background
            // processes outlive an interrupted block and go with the session (NotebookMode).
            let run = try DockerCLI.runDocument(
                ["--keep-going", "--fresh", "--runner", runner, "--json", json, doc], limit: 60)
            #expect(run.status == 1)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.timedOut, .passed])
            #expect(blocks.dropFirst().first?.output == "0\n")
            try await Leftovers.expectNone()
        }

        @Test("--user runs blocks as that user in a writable workspace", .timeLimit(.minutes(2)))
        func user() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("u.md", "```sh\nid -u; id -g; echo hi > mine.txt && echo wrote\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--user", "1000:1000", "--json", json, doc])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(try Results.document(json).blocks.first?.output == "1000\n1000\nwrote\n")
            try await Leftovers.expectNone()
        }

        @Test("--read-only: the root filesystem refuses writes; /workspace and /tmp take them", .timeLimit(.minutes(2)))
        func readOnly() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "r.md",
                """
                ```sh
                touch /etc/nope 2>/dev/null && echo etc-writable || echo etc-refused
                touch /tmp/yes && echo tmp-ok
                echo w > here.txt && cat here.txt
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--read-only", "--json", json, doc])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(try Results.document(json).blocks.first?.output == "etc-refused\ntmp-ok\nw\n")
            try await Leftovers.expectNone()
        }

        @Test(
            "--memory: a block over the limit is killed and reported as out of memory (exit 137)",
            .timeLimit(.minutes(2)))
        func outOfMemory() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "m.md",
                """
                ```python
                print("allocating", flush=True)
                chunks = [bytearray(16 << 20) for _ in range(64)]
                print("survived")
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--memory", "96m", "--json", json, doc])
            #expect(run.status == 1, "stderr: \(run.stderr)")
            let block = try #require(try Results.document(json).blocks.first)
            #expect(block.status == .failed)
            #expect(block.exitCode == 137)
            #expect(block.reason == "killed: out of memory")
            #expect(block.stdout == "allocating\n")
            try await Leftovers.expectNone()
        }

        /// Docker fails the start without the NVIDIA runtime; Podman gets CDI devices, which it
        /// cannot resolve without their spec. Neither may run the blocks without the GPU.
        @Test(
            "--gpus without a GPU runtime: exit 3 naming the GPU and the engine, no block run", .timeLimit(.minutes(2)),
            arguments: ["all", "2"])
        func gpusUnavailable(gpus: String) async throws {
            guard try await EngineGate.ready() else { return }
            let engine = try await EngineGate.client().engineVersion()
            let scratch = try Scratch()
            let doc = try scratch.write("g.md", "```sh\necho hi\n```\n")
            let json = scratch.path + "/g.json"
            let run = try DockerCLI.runDocument(["--gpus", gpus, "--json", json, doc])
            #expect(run.status == 3, "\(run.status): \(run.stderr)")
            #expect(run.stderr.contains("GPU") && run.stderr.contains("--gpus"), "\(run.stderr)")
            #expect(run.stderr.contains(engine.displayName), "names the engine (\(engine.displayName)): \(run.stderr)")
            #expect(run.stderr.contains("NVIDIA"), "says what would provide the GPU: \(run.stderr)")
            #expect(try Results.document(json).blocks.allSatisfy { $0.exitCode == nil }, "no block ran")
            try await Leftovers.expectNone()
        }

        @Test(
            "SIGTERM mid-block: exit 143, blocks cancelled, no container left", .timeLimit(.minutes(2)),
            arguments: ["loop", "exec"])
        func terminate(runner: String) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let doc = try scratch.write("t.md", "```sh\necho one\n```\n\n```sh\ntouch started; sleep 60\n```\n")
            let json = scratch.path + "/r.json"
            let marker = work + "/started"
            let run = try DockerCLI.runDocument(
                ["--runner", runner, "--work-dir", work, "--json", json, doc], limit: 60
            ) { process in
                let deadline = Date().addingTimeInterval(60)
                while !FileManager.default.fileExists(atPath: marker) && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                Thread.sleep(forTimeInterval: 0.3)
                kill(process.processIdentifier, SIGTERM)
            }
            #expect(run.status == 143)
            #expect(run.seconds < 30, "took \(run.seconds) s")
            #expect(try Results.document(json).blocks.map(\.status) == [.passed, .cancelled])
            try await Leftovers.expectNone()
        }
    }
}
