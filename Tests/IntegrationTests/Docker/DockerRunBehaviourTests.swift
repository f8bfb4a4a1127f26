import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Testing

extension DockerTests {
    /// Behaviour beyond the ancestor: failures of the engine, interrupts, the sandbox,
    /// output streams, background processes, runners and several documents at once.
    @Suite("run behaviour through the CLI")
    struct RunBehaviour {
        @Test("an unreachable engine: exit 3 within 5 s, naming the socket", .timeLimit(.minutes(1)))
        func engineUnreachable() async throws {
            let scratch = try Scratch()
            let doc = try scratch.write("u.md", "```sh\necho hi\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(
                ["--json", json, doc], environment: ["DOCKER_HOST": "unix:///tmp/nonexistent.sock"], limit: 30)
            #expect(run.status == 3)
            #expect(run.seconds < 5, "took \(run.seconds) s")
            #expect(run.stderr.contains("/tmp/nonexistent.sock"))
            #expect(run.stderr.split(separator: "\n").count <= 3, "stderr: \(run.stderr)")
            let block = try #require(try Results.document(json).blocks.first)
            #expect(block.status == .notRun)
            #expect(block.exitCode == nil)
            // The report is still written, with nothing recorded.
            #expect(run.stdout == "```sh\necho hi\n```\n")
            if try await EngineGate.ready() { try await Leftovers.expectNone() }
        }

        @Test("a missing image that cannot be pulled: exit 3, naming the image", .timeLimit(.minutes(2)))
        func missingImage() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let image = "mdexec-missing-\(UUID().uuidString.prefix(8).lowercased()):none"
            let doc = try scratch.write("m.md", "```sh\necho hi\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.run(["run", "--quiet", "--image", image, "--json", json, doc], limit: 60)
            #expect(run.status == 3)
            #expect(run.stderr.contains(image))
            #expect(try Results.document(json).blocks.first?.status == .notRun)
            try await Leftovers.expectNone()
        }

        @Test("SIGINT mid-block: exit 130, partial report and JSON, no container left", .timeLimit(.minutes(2)))
        func interrupt() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let doc = try scratch.write(
                "i.md",
                """
                ```sh
                echo first
                ```

                ```sh
                touch started; echo waiting; sleep 60; touch finished
                ```

                ```sh
                echo third > third.txt
                ```

                """)
            let json = scratch.path + "/r.json"
            let out = scratch.path + "/out.md"
            let marker = work + "/started"
            nonisolated(unsafe) var signalled: Date?
            let run = try DockerCLI.runDocument(["--work-dir", work, "-o", out, "--json", json, doc]) { process in
                let deadline = Date().addingTimeInterval(60)
                while !FileManager.default.fileExists(atPath: marker) && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                Thread.sleep(forTimeInterval: 0.3)
                signalled = Date()
                kill(process.processIdentifier, SIGINT)
            }
            #expect(run.status == 130)
            if let signalled {
                let after = Date().timeIntervalSince(signalled)
                #expect(after < 15, "exited \(after) s after SIGINT")
            }
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.passed, .cancelled, .cancelled])
            #expect(blocks[0].output == "first\n")
            #expect(blocks[2].exitCode == nil)
            let report = try scratch.read("out.md")
            #expect(report.contains("```output\nfirst\n```\nexit code: 0\n"))
            #expect(report.components(separatedBy: "```output").count == 2, "one recorded result only: \(report)")
            #expect(!scratch.exists("work/finished"))
            #expect(!scratch.exists("work/third.txt"))
            try await Leftovers.expectNone()
        }

        @Test("--network none leaves only the loopback interface", .timeLimit(.minutes(2)))
        func networkNone() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("n.md", "```sh\nls /sys/class/net\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--network", "none", "--json", json, doc])
            #expect(run.status == 0)
            #expect(try Results.document(json).blocks.first?.output == "lo\n")
            // none is also the default.
            let byDefault = try DockerCLI.runDocument(["--json", json, doc])
            #expect(byDefault.status == 0)
            #expect(try Results.document(json).blocks.first?.output == "lo\n")
            try await Leftovers.expectNone()
        }

        @Test(
            "stdout and stderr: apart in the JSON, interleaved in arrival order in the report", .timeLimit(.minutes(2)))
        func streamOrder() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "s.md",
                """
                ```sh
                echo out; sleep 0.2; echo err >&2; sleep 0.2; echo out2
                ```

                ```python
                import sys, time
                print("py-out", flush=True); time.sleep(0.2)
                print("py-err", file=sys.stderr, flush=True); time.sleep(0.2)
                print("py-out2", flush=True)
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--json", json, doc])
            #expect(run.status == 0)
            let blocks = try Results.document(json).blocks
            #expect(blocks[0].stdout == "out\nout2\n")
            #expect(blocks[0].stderr == "err\n")
            #expect(blocks[0].output == "out\nerr\nout2\n")
            #expect(blocks[1].stdout == "py-out\npy-out2\n")
            #expect(blocks[1].stderr == "py-err\n")
            #expect(blocks[1].output == "py-out\npy-err\npy-out2\n")
            #expect(run.stdout.contains("```output\nout\nerr\nout2\n```\nexit code: 0\n"))
            try await Leftovers.expectNone()
        }

        @Test(
            "a background process left running does not hang the run; the next block runs",
            .timeLimit(.minutes(2)), arguments: ["loop", "exec"])
        func backgroundProcess(runner: String) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "b.md",
                """
                ```sh
                sleep 300 &
                echo started
                ```

                ```sh
                echo next; ps -eo args | grep -c '^sleep 300$'
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--runner", runner, "--json", json, doc], limit: 60)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.seconds < 30, "took \(run.seconds) s")
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.passed, .passed])
            #expect(blocks[0].output == "started\n")
            // The background process of the first block is still there for the second.
            #expect(blocks[1].output == "next\n1\n")
            try await Leftovers.expectNone()
        }

        @Test("--runner exec gives the same results and report as the runner loop", .timeLimit(.minutes(2)))
        func execRunner() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write(
                "r.md",
                """
                # Runners

                ```python
                print("hello")
                open("state.txt", "w").write("kept")
                ```

                ```sh
                cat state.txt; echo; sleep 0.2; echo warn >&2; exit 2
                ```

                ```sh timeout=1
                echo slow; sleep 10
                ```

                ```python
                # filename: ../escape.py
                print(1)
                ```

                """)
            func results(_ runner: String) throws -> (DocumentResult, String) {
                let json = scratch.path + "/\(runner).json"
                // --fresh: the exec runner has no sessions, so both run each block in its own process.
                let run = try DockerCLI.runDocument([
                    "--keep-going", "--fresh", "--runner", runner, "--json", json, doc,
                ])
                #expect(run.status == 1, "\(runner): stderr: \(run.stderr)")
                return (try Results.document(json), run.stdout)
            }
            let (loop, loopReport) = try results("loop")
            let (exec, execReport) = try results("exec")
            #expect(loop.blocks.map(\.status) == [.passed, .failed, .timedOut, .failed])
            #expect(loop.blocks.map(\.exitCode) == [0, 2, 124, 1])
            #expect(loop.blocks[1].stdout == "kept\n" && loop.blocks[1].stderr == "warn\n")
            for (a, b) in zip(loop.blocks, exec.blocks) {
                #expect(a.status == b.status)
                #expect(a.exitCode == b.exitCode)
                #expect(a.stdout == b.stdout)
                #expect(a.stderr == b.stderr)
                #expect(a.output == b.output)
                #expect(a.filename == b.filename)
            }
            #expect(loopReport == execReport)
            try await Leftovers.expectNone()
        }

        @Test("several documents with --jobs 2: one container and one report each", .timeLimit(.minutes(2)))
        func severalDocuments() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let outDir = try scratch.directory("reports")
            let shared = try scratch.directory("shared")
            // Each block waits (up to 20 s) for the other document's block: both must run at once.
            func block(_ me: String, _ other: String) -> String {
                "```sh\necho \(me) > mine.txt; touch /shared/\(me)\n"
                    + "i=0; while [ ! -e /shared/\(other) ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done\n"
                    + "cat mine.txt; ls | wc -l; ls /shared; cat /etc/hostname >&2\n```\n"
            }
            let a = try scratch.write("a.md", block("a", "b"))
            let b = try scratch.write("b.md", block("b", "a"))
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(
                ["--jobs", "2", "--volume", "\(shared):/shared", "--output-dir", outDir, "--json", json, a, b])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.seconds < 25, "took \(run.seconds) s")
            let results = try Results.documents(json)
            try #require(results.count == 2)
            #expect(results.map { $0.blocks.first?.status } == [.passed, .passed])
            // Each saw only its own workspace (its file; the block's own is in .mdexec/), and the other running.
            #expect(results[0].blocks.first?.stdout == "a\n1\na\nb\n")
            #expect(results[1].blocks.first?.stdout == "b\n1\na\nb\n")
            // Docker ends /etc/hostname with a newline, Podman does not.
            let hostnames = results.compactMap { $0.blocks.first?.stderr.trimmingCharacters(in: .newlines) }
            try #require(hostnames.count == 2)
            #expect(hostnames == ["mdexec", "mdexec"], "the hostname is the same in every container")
            let reportA = try scratch.read("reports/a.md")
            let reportB = try scratch.read("reports/b.md")
            #expect(reportA.hasPrefix("```sh\necho a > mine.txt"))
            #expect(reportB.hasPrefix("```sh\necho b > mine.txt"))
            #expect(reportA.hasSuffix("```\nexit code: 0\n") && reportA.contains(hostnames[0]))
            #expect(reportB.hasSuffix("```\nexit code: 0\n") && reportB.contains(hostnames[1]))
            try await Leftovers.expectNone()
        }
    }
}
