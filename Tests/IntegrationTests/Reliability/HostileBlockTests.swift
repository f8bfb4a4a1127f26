import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension ReliabilityTests {
    /// Blocks that try to escape the workspace, exhaust the sandbox, or misbehave as
    /// processes, against the real engine.
    @Suite("Hostile blocks", .timeLimit(.minutes(4)))
    struct HostileBlocks {
        /// Runs `doc` in a fresh container with `extra` flags, `-o` and `--json`; checks the
        /// container is gone afterwards and the input untouched.
        func runDocker(
            _ purpose: String, _ text: String, extra: [String] = [], in scratch: Scratch, limit: Double = 120,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> (RelProcess.Outcome, String, DocumentResult?) {
            let doc = try scratch.write(purpose + ".md", text)
            let report = Rel.path(purpose + ".report.md", in: scratch)
            let json = Rel.path(purpose + ".json", in: scratch)
            let name = RelContainers.name(purpose)
            let outcome = try await Rel.run(
                Rel.dockerRun(name, extra + ["-o", report, "--json", json, doc]), in: scratch.path, inputs: [doc],
                limit: limit, sourceLocation: sourceLocation)
            await RelContainers.expectGone(name, sourceLocation: sourceLocation)
            #expect(outcome.isOrderlyExit, "no crash: \(outcome.status)", sourceLocation: sourceLocation)
            let results = try? Rel.results(json, sourceLocation: sourceLocation)
            #expect(results != nil, "the JSON results were written", sourceLocation: sourceLocation)
            let reportText = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            #expect(!reportText.isEmpty, "the report was written", sourceLocation: sourceLocation)
            return (outcome, reportText, results)
        }

        @Test(
            "# filename: escapes (.., absolute, a planted symlink, control characters) are refused; nothing is written outside"
        )
        func filenameEscapes() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let workDir = try Rel.directory("work", in: scratch)
            let tag = UUID().uuidString.prefix(8).lowercased()
            let outside = [
                Rel.path("pwned-dotdot-\(tag).py", in: scratch),  // ../
                "/tmp/pwned-abs-\(tag).py",  // absolute
                "/tmp/pwned-link-\(tag).py",  // through `escape -> /`
                Rel.path("pwned-up-\(tag).py", in: scratch),  // through `up -> ..`
                Rel.path("pwned-deep-\(tag).py", in: scratch),  // a/../../
            ]
            let text = """
                ```python
                # filename: ../pwned-dotdot-\(tag).py
                print("x")
                ```

                ```python
                # filename: /tmp/pwned-abs-\(tag).py
                print("x")
                ```

                ```sh
                ln -s / escape
                ln -s .. up
                mkdir -p a
                ```

                ```python
                # filename: escape/tmp/pwned-link-\(tag).py
                print("x")
                ```

                ```python
                # filename: up/pwned-up-\(tag).py
                print("x")
                ```

                ```python
                # filename: a/../../pwned-deep-\(tag).py
                print("x")
                ```

                ```python
                # filename: ctl\u{01}name\u{7F}-\(tag).py
                print("control")
                ```

                ```python
                # filename: nul\u{0}name-\(tag).py
                print("nul")
                ```

                ```sh
                ls /tmp/pwned-* 2>/dev/null || echo clean-in-container
                ```

                """
            let (outcome, _, decoded) = try await runDocker(
                "filename", text, extra: ["--keep-going", "--work-dir", workDir], in: scratch)
            let results = try #require(decoded)
            #expect(outcome.status == 1, "refused blocks fail the run")
            try #require(results.blocks.count == 9)
            for index in [0, 1, 3, 4, 5] {
                let block = results.blocks[index]
                #expect(block.status == .failed && block.exitCode == 1, "block \(index): \(block.status)")
                #expect(
                    block.reason == WorkspacePath.outsideMessage, "block \(index): \(String(describing: block.reason))")
                #expect(block.output.contains("Filename is not in the workspace"))
            }
            #expect(results.blocks[2].status == .passed, "the symlinks were planted: \(results.blocks[2].output)")
            // Control characters and NUL (which libcmark turns into U+FFFD) cannot leave the
            // workspace: either refused, or written inside it.
            for index in [6, 7] {
                let block = results.blocks[index]
                #expect(
                    block.status == .passed || block.reason == WorkspacePath.outsideMessage,
                    "block \(index): \(block.status) \(String(describing: block.reason))")
            }
            #expect(
                results.blocks[8].stdout == "clean-in-container\n",
                "nothing in the container's /tmp: \(results.blocks[8].output)")
            for path in outside {
                #expect(!FileManager.default.fileExists(atPath: path), "\(path) was written outside the workspace")
                unlink(path)
            }
            // What was written stays inside the work dir.
            // (Not enumerated recursively: `escape` links to /.)
            let written = Rel.files(in: workDir) + Rel.files(in: (workDir as NSString).appendingPathComponent("a"))
            #expect(!written.contains { $0.contains("pwned") }, "\(written)")
        }

        @Test("A memory hog under --memory 64m is killed: exit 137, reported as out of memory; the container survives")
        func memoryHog() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (outcome, report, decoded) = try await runDocker(
                "oom",
                """
                ```python
                chunks = []
                for _ in range(1024):
                    chunks.append(bytearray(1 << 20))
                print("allocated 1 GiB")
                ```

                ```sh
                echo after-oom
                ```

                """, extra: ["--memory", "64m", "--keep-going"], in: scratch)
            let results = try #require(decoded)
            #expect(outcome.status == 1)
            let hog = results.blocks[0]
            #expect(hog.status == .failed && hog.exitCode == 137, "\(hog.status) \(String(describing: hog.exitCode))")
            #expect(!hog.stdout.contains("allocated"))
            #expect(results.blocks[1].stdout == "after-oom\n", "the container survived the OOM kill")
            #expect(report.contains("exit code: 137 (out of memory)"), "exit line: \(report)")
            #expect(hog.reason?.contains("out of memory") == true, "JSON reason: \(String(describing: hog.reason))")
        }

        /// The bomb is bounded (depth 9: at most about 1,000 processes) in case an engine
        /// ignored --pids-limit; under the limit it runs out of pids long before.
        @Test("Fork bombs under --pids-limit 64 end, are reported, and the container is removed")
        func forkBomb() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let started = Date()
            let (outcome, _, decoded) = try await runDocker(
                "pids",
                """
                ```sh {timeout=5}
                for i in $(seq 200); do sleep 30 & done
                wait
                ```

                ```sh {timeout=5}
                bomb() { if [ "$1" -lt 9 ]; then bomb $(($1 + 1)) | bomb $(($1 + 1)) & fi; sleep 10; }
                bomb 0
                ```

                ```sh
                echo survived
                ```

                """, extra: ["--pids-limit", "64", "--keep-going"], in: scratch, limit: 90)
            let results = try #require(decoded)
            #expect(Date().timeIntervalSince(started) < 60, "bounded")
            #expect(outcome.status == 1)
            for block in results.blocks.prefix(2) {
                #expect(block.status == .failed || block.status == .timedOut, "\(block.status)")
                #expect(block.exitCode != nil && block.exitCode != 0, "an exit code is reported")
            }
            let last = results.blocks[2]
            #expect(
                last.exitCode != nil, "the block after the bombs was run and reported: \(last.status) \(last.output)")
        }

        @Test(
            "An endless loop times out; a block that closes stdout, and one that leaves a process behind, end normally")
        func processBehaviours() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let started = Date()
            let (outcome, report, decoded) = try await runDocker(
                "procs",
                """
                ```sh {timeout=2}
                echo looping
                while :; do :; done
                ```

                ```sh
                exec >&-
                sleep 3
                echo after-close >&2
                ```

                ```sh
                (sleep 60; echo late) &
                echo started-background
                ```

                ```sh
                echo next
                ```

                """, extra: ["--keep-going"], in: scratch, limit: 90)
            let results = try #require(decoded)
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed < 30, "the background process does not hold the run: \(elapsed) s")
            #expect(outcome.status == 1, "the timed-out block fails the run")
            let loop = results.blocks[0]
            #expect(loop.status == .timedOut && loop.exitCode == 124)
            #expect(loop.output == "looping\nTimeout", "\(loop.output.debugDescription)")
            #expect(
                (loop.durationMs ?? .max) < 8_000, "killed near its timeout: \(String(describing: loop.durationMs)) ms")
            #expect(report.contains("exit code: 124 (timed out)"))
            let closed = results.blocks[1]
            #expect(closed.status == .passed && closed.stderr == "after-close\n", "\(closed.status) \(closed.output)")
            #expect((closed.durationMs ?? 0) >= 2_500, "it ran to its end after closing stdout")
            #expect(results.blocks[2].status == .passed && results.blocks[2].stdout == "started-background\n")
            #expect(results.blocks[3].status == .passed && results.blocks[3].stdout == "next\n")
        }

        @Test("kill -9 1 cannot kill the container's init; kill 1 ends the container: exit 3, message, results written")
        func killInit() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            // SIGKILL from inside the container's PID namespace is not delivered to its init.
            let (harmless, _, first) = try await runDocker(
                "kill9",
                """
                ```sh
                kill -9 1; sleep 1; echo still-here
                ```

                """, in: scratch)
            #expect(harmless.status == 0 && first?.blocks.first?.stdout == "still-here\n")

            let started = Date()
            let (outcome, report, decoded) = try await runDocker(
                "kill1",
                """
                ```sh
                echo before
                kill 1
                sleep 10
                echo after
                ```

                ```sh
                echo never
                ```

                """, in: scratch, limit: 60)
            let results = try #require(decoded)
            #expect(Date().timeIntervalSince(started) < 20, "no hang")
            #expect(outcome.status == 3, "infrastructure failure: \(outcome.status)")
            #expect(outcome.stderr.contains("container"), "says what happened: \(outcome.stderr)")
            #expect(results.blocks[0].status == .failed && results.blocks[0].reason != nil)
            #expect(results.blocks[1].status == .notRun)
            #expect(report.contains("echo never"), "the partial report keeps the document")
            // Known issue: the output a block printed before the container died is dropped
            // (BlockSequencer.run keeps the bare result when `execute` throws).
            #expect(results.blocks[0].output.contains("before"), "\(results.blocks[0].output.debugDescription)")
        }
    }
}
