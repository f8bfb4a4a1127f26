import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension DockerTests {
    /// Notebook mode in the container: the shared scenarios, an out-of-memory kill of the
    /// python session, and an interrupt while a session block runs.
    @Suite("notebook mode in the container")
    struct NotebookMode {
        let scenarios = NotebookScenarios(executorArguments: ["--image", EngineGate.image]) { arguments, directory in
            let run = try DockerCLI.run(arguments, in: directory, limit: 120)
            return .init(status: run.status, stdout: run.stdout, stderr: run.stderr, seconds: run.seconds)
        }

        @Test("state carries across blocks: python, sh, bash", .timeLimit(.minutes(2)))
        func state() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.stateAcrossBlocks()
            try await Leftovers.expectNone()
        }

        @Test("--fresh, the fresh attribute, named sessions", .timeLimit(.minutes(2)))
        func fresh() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.freshAndNamedSessions()
        }

        @Test("python stderr: in order with stdout, a real fd for subprocesses", .timeLimit(.minutes(2)))
        func order() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.streamOrder()
        }

        @Test("exit codes and restarts", .timeLimit(.minutes(2)))
        func exits() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.exitsAndRestarts()
        }

        @Test("timeouts: SIGINT, then SIGKILL and a restart", .timeLimit(.minutes(2)))
        func timeouts() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.timeouts()
        }

        @Test("hostile blocks do not break the session", .timeLimit(.minutes(2)))
        func hostile() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.hostileBlocks()
            try await Leftovers.expectNone()
        }

        @Test("--memory: the python session killed for memory gives 137 (out of memory), the next block runs")
        func outOfMemory() async throws {
            guard try await EngineGate.ready() else { return }
            let text =
                NotebookScenarios.fence("python", "before = 1")
                + NotebookScenarios.fence(
                    "python", "print('allocating', flush=True)\nchunks = [bytearray(16 << 20) for _ in range(64)]")
                + NotebookScenarios.fence("python", "print(globals().get('before'))")
            let (run, result) = try scenarios.run(text, ["--memory", "96m"])
            #expect(run.status == 1, "\(run.stderr)")
            let blocks = result.blocks
            #expect(blocks[1].exitCode == 137)
            #expect(blocks[1].outOfMemory || blocks[1].reason == "killed: out of memory", "\(blocks[1])")
            #expect(run.stdout.contains("exit code: 137 (out of memory)"))
            #expect(blocks[2].status == .passed)
            #expect(blocks[2].stdout == "None\n")
            #expect(blocks[2].sessionRestarted)
            try await Leftovers.expectNone()
        }

        @Test("SIGINT to mdexec while a session block runs: exit 130 at once, the container gone")
        func interrupted() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = scratch.path + "/w"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let doc = try scratch.write(
                "doc.md",
                NotebookScenarios.fence("python", "x = 1")
                    + NotebookScenarios.fence("python", "open('started', 'w').close()\nimport time\ntime.sleep(60)"))
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--work-dir", work, "--json", json, doc], limit: 60) { process in
                Thread {
                    for _ in 0..<3000 where !FileManager.default.fileExists(atPath: work + "/started") {
                        usleep(10_000)
                    }
                    kill(process.processIdentifier, SIGINT)
                }.start()
            }
            #expect(run.status == 130, "\(run.stderr)")
            #expect(run.seconds < 30)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.status) == [.passed, .cancelled])
            try await Leftovers.expectNone()
        }
    }
}
