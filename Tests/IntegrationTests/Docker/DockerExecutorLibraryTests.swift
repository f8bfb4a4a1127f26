import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Synchronization
import Testing

extension DockerTests {
    /// The library API as an agent framework uses it (the ancestor's `execute_code_blocks`,
    /// `restart`, `stop`), on a `DockerExecutor` against the real engine.
    @Suite("DockerExecutor through the library API")
    struct Library {
        /// An executor on the test image writing into `workDir`, and its notebook.
        static func make(
            _ workDir: String, timeout: Int = 60, useRunner: Bool = true,
            configure: (inout ExecutorConfiguration) -> Void = { _ in }
        ) throws -> (DockerExecutor, Notebook) {
            var configuration = ExecutorConfiguration()
            configuration.image = EngineGate.image
            configuration.workDir = workDir
            configuration.timeout = timeout
            configure(&configuration)
            let executor = try DockerExecutor(
                configuration: configuration, host: try EngineGate.host, useRunner: useRunner)
            return (executor, Notebook(executor: executor))
        }

        /// Starts `notebook`, runs `body`, and whatever happens stops it and checks that no
        /// container is left.
        static func started(_ notebook: Notebook, _ body: () async throws -> Void) async throws {
            try await notebook.start()
            do {
                try await body()
            } catch {
                await notebook.stop()
                try await Leftovers.expectNone()
                throw error
            }
            await notebook.stop()
            try await Leftovers.expectNone()
        }

        @Test(
            "execute python and sh blocks: output, exit codes, the first block's file",
            .timeLimit(.minutes(2)), arguments: [true, false])
        func execute(useRunner: Bool) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (executor, notebook) = try Self.make(scratch.path, useRunner: useRunner)
            try await notebook.start()
            do {
                let twoPython = try await notebook.execute([
                    CodeSubmission(language: "python", code: "import sys; print('hello world!')"),
                    CodeSubmission(language: "python", code: "a = 100 + 100; print(a)"),
                ])
                #expect(twoPython.exitCode == 0)
                #expect(twoPython.output == "hello world!\n200\n")
                let file = try #require(twoPython.codeFile)
                #expect(file.hasPrefix(".mdexec/tmp_code_") && file.hasSuffix(".py"))
                #expect(scratch.exists(file))

                let shell = try await notebook.execute([CodeSubmission(language: "sh", code: "echo 'hello world!'")])
                #expect(shell.exitCode == 0 && shell.output == "hello world!\n")
                #expect(shell.codeFile?.hasSuffix(".sh") == true)

                let bash = try await notebook.execute([
                    CodeSubmission(language: "bash", code: "echo ${BASH_VERSION:+bash}")
                ])
                #expect(bash.exitCode == 0 && bash.output == "bash\n")

                let raising = try await notebook.execute([
                    CodeSubmission(language: "python", code: "raise Exception('boom')")
                ])
                #expect(raising.exitCode == 1)
                #expect(raising.output.contains("Exception: boom"))

                let exit3 = try await notebook.execute([CodeSubmission(language: "sh", code: "echo x; exit 3")])
                #expect(exit3.exitCode == 3)

                // The first failure stops the list: the last exit code is the failing one.
                let stopped = try await notebook.execute([
                    CodeSubmission(language: "sh", code: "exit 2"),
                    CodeSubmission(language: "sh", code: "echo never"),
                ])
                #expect(stopped.exitCode == 2 && !stopped.output.contains("never"))

                let unsupported = try await notebook.execute([CodeSubmission(language: "cobol", code: "DISPLAY 'x'.")])
                #expect(unsupported.exitCode == 1 && unsupported.output == "Unsupported language")
            } catch {
                await notebook.stop()
                throw error
            }
            await notebook.stop()
            #expect(executor.containerID == nil)
            try await Leftovers.expectNone()
        }

        @Test("a block past its timeout: exit 124, output ending in Timeout", .timeLimit(.minutes(2)))
        func timeout() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (_, notebook) = try Self.make(scratch.path, timeout: 1)
            try await notebook.start()
            let started = ContinuousClock.now
            let result = try await notebook.execute([
                CodeSubmission(language: "python", code: "import time\nprint('going', flush=True)\ntime.sleep(30)")
            ])
            let elapsed = ContinuousClock.now - started
            await notebook.stop()
            #expect(result.exitCode == 124)
            #expect(result.output.hasSuffix("Timeout"))
            #expect(result.output.hasPrefix("going\n"))
            #expect(elapsed < .seconds(6), "took \(elapsed)")
            try await Leftovers.expectNone()
        }

        /// The ancestor's promise on every engine: cancelling the task kills what the block
        /// started, in the container (an exec that kills the block's process group), and the
        /// executor goes on.
        @Test("cancelling execute kills the block's process tree in the container, within 2 s", .timeLimit(.minutes(2)))
        func cancelKillsProcessTree() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (executor, notebook) = try Self.make(scratch.path)
            let client = try await EngineGate.client()
            try await Self.started(notebook) {
                let id = try #require(executor.containerID)
                let sleepers = { () async throws -> [String] in
                    var lines: [String] = []
                    let ps = ExecSpec(cmd: ["ps", "-eo", "args"])
                    let collected = Mutex("")
                    _ = try await client.runExec(containerID: id, spec: ps) { _, bytes in
                        collected.withLock { $0 += String(decoding: bytes, as: UTF8.self) }
                    }
                    lines = collected.withLock { $0 }.split(separator: "\n").map(String.init)
                    return lines.filter { $0 == "sleep 1231" || $0 == "sleep 1232" }
                }
                let execution = Task {
                    try await notebook.execute([
                        CodeSubmission(language: "sh", code: "sleep 1231 &\nsleep 1232\necho never")
                    ])
                }
                var running: [String] = []
                for _ in 0..<100 where running.count < 2 {
                    try await Task.sleep(for: .milliseconds(100))
                    running = try await sleepers()
                }
                #expect(running.sorted() == ["sleep 1231", "sleep 1232"], "both processes of the block ran")
                let cancelledAt = ContinuousClock.now
                execution.cancel()
                let result = try await execution.value
                #expect(ContinuousClock.now - cancelledAt < .seconds(2), "took \(ContinuousClock.now - cancelledAt)")
                #expect(!result.output.contains("never"))
                #expect(try await sleepers() == [], "the block's process tree is gone, its background process too")
                let after = try await notebook.execute([CodeSubmission(language: "sh", code: "echo still here")])
                #expect(after.exitCode == 0 && after.output == "still here\n", "the container and its notebook go on")
            }
        }

        @Test("filename hints: outside the workspace refused, inside written with parents", .timeLimit(.minutes(2)))
        func filenameHints() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let (_, notebook) = try Self.make(work)
            try await notebook.start()
            do {
                let outside = try await notebook.execute([
                    CodeSubmission(language: "python", code: "# filename: ../test_code.py\nprint('escaped')")
                ])
                #expect(outside.exitCode == 1)
                #expect(outside.output == "Filename is not in the workspace")
                #expect(!scratch.exists("test_code.py"))

                let inside = try await notebook.execute([
                    CodeSubmission(language: "python", code: "# filename: test_code/sub/x.py\nprint('inside')")
                ])
                #expect(inside.exitCode == 0 && inside.output == "inside\n")
                #expect(inside.codeFile == "test_code/sub/x.py")
                #expect(scratch.exists("work/test_code/sub/x.py"))
            } catch {
                await notebook.stop()
                throw error
            }
            await notebook.stop()
            try await Leftovers.expectNone()
        }

        @Test(
            "restart (four times): a fresh process tree each time, the workspace's files kept",
            .timeLimit(.minutes(2)), arguments: [true, false])
        func restart(useRunner: Bool) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (executor, notebook) = try Self.make(scratch.path, useRunner: useRunner)
            let client = try await EngineGate.client()
            try await Self.started(notebook) {
                try await executor.writeFile("written.txt", contents: Array("by writeFile\n".utf8))
                let id = try #require(executor.containerID)
                for round in 1...4 {
                    let before = try await notebook.execute([
                        CodeSubmission(
                            language: "sh", code: "sleep 1234 & echo made \(round) > made.txt; cat written.txt")
                    ])
                    #expect(before.exitCode == 0 && before.output == "by writeFile\n")

                    try await notebook.restart()
                    #expect(executor.containerID == id)
                    #expect(try await client.inspectContainer(id).state.running, "round \(round)")

                    let after = try await notebook.execute([
                        CodeSubmission(
                            language: "sh", code: "cat written.txt made.txt; ps -eo args | grep -c '^sleep 1234$'")
                    ])
                    // The background process of before the restart is gone: grep -c says 0 and exits 1.
                    #expect(after.exitCode == 1 && after.output == "by writeFile\nmade \(round)\n0\n", "round \(round)")
                }
                let again = try await notebook.execute([
                    CodeSubmission(language: "python", code: "print('still works')")
                ])
                #expect(again.exitCode == 0 && again.output == "still works\n")
            }
        }

        @Test(
            "stop twice: no error; the container is gone; executing afterwards fails clearly", .timeLimit(.minutes(2)))
        func stopTwice() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (executor, notebook) = try Self.make(scratch.path)
            let client = try await EngineGate.client()
            try await notebook.start()
            let id = try #require(executor.containerID)
            #expect(try await client.inspectContainer(id).labels["mdexec"] == "1")
            await notebook.stop()
            await #expect(throws: EngineError.self) { try await client.inspectContainer(id) }
            let started = ContinuousClock.now
            await notebook.stop()
            await executor.stop()
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(executor.containerID == nil)
            await #expect(throws: ExecutionError.self) {
                _ = try await notebook.execute([CodeSubmission(language: "sh", code: "echo x")])
            }
            try await Leftovers.expectNone()
        }

        @Test("without auto_remove, stop leaves a stopped container", .timeLimit(.minutes(2)))
        func noAutoRemove() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let (executor, notebook) = try Self.make(scratch.path) { $0.autoRemove = false }
            let client = try await EngineGate.client()
            try await notebook.start()
            let id = try #require(executor.containerID)
            let result = try await notebook.execute([CodeSubmission(language: "sh", code: "echo hi")])
            #expect(result.output == "hi\n")
            let started = ContinuousClock.now
            await notebook.stop()
            #expect(ContinuousClock.now - started < .seconds(8), "stop waited out the grace period")
            let info = try await client.inspectContainer(id)
            #expect(!info.state.running)
            try await client.removeContainer(id, force: true, volumes: true)
            try await Leftovers.expectNone()
        }

        @Test(
            "without a work_dir, blocks go to a new temporary directory, not the current one",
            .timeLimit(.minutes(1)))
        func defaultWorkDir() async throws {
            var configuration = ExecutorConfiguration()
            configuration.image = EngineGate.image
            // Nothing is started: the executor's work dir is decided at construction.
            let executor = try DockerExecutor(configuration: configuration, host: try EngineGate.host)
            #expect(
                executor.workDir != FileManager.default.currentDirectoryPath,
                "ExecutorConfiguration.workDir documents nil as 'a new temporary directory' (docs/reference.md: work_dir default: a temporary dir)"
            )
        }
    }
}
