import Foundation
import Testing

@testable import MDExec

@Suite("Notebook: the library API", .serialized)
struct NotebookTests {
    /// A started notebook over a local executor in a new temporary work dir, which `stop()` removes.
    static func startedNotebook() async throws -> (Notebook, workDir: String) {
        let executor = try LocalExecutor()
        let notebook = Notebook(executor: executor)
        try await notebook.start()
        return (notebook, executor.workDir)
    }

    @Test("state carries across execute calls (notebook mode, the default); restart() restarts every session")
    func sessionsAcrossCalls() async throws {
        let (notebook, _) = try await Self.startedNotebook()
        let define = try await notebook.execute([
            CodeSubmission(language: "python", code: "x = 20"), CodeSubmission(language: "sh", code: "V=kept"),
        ])
        #expect(define.exitCode == 0, "\(define.output)")
        let use = try await notebook.execute([
            CodeSubmission(language: "python", code: "x * 2"), CodeSubmission(language: "sh", code: "echo $V"),
        ])
        #expect(use.output == "40\nkept\n")
        try await notebook.restart()
        let after = try await notebook.execute([CodeSubmission(language: "sh", code: "echo \"[${V-}]\"")])
        #expect(after.output == "[]\n", "restart() gave a new sh session")
        await notebook.stop()

        var configuration = ExecutorConfiguration()
        configuration.fresh = true
        let fresh = Notebook(executor: try LocalExecutor(configuration: configuration))
        try await fresh.start()
        let separate = try await fresh.execute([
            CodeSubmission(language: "sh", code: "V=1"), CodeSubmission(language: "sh", code: "echo \"[${V-}]\""),
        ])
        #expect(separate.output == "[]\n", "fresh: every block in a process of its own")
        await fresh.stop()
    }

    @Test(
        "concurrent execute calls take turns: each call's blocks run together, and none traps", .timeLimit(.minutes(1)))
    func concurrentCallsTakeTurns() async throws {
        let (notebook, dir) = try await Self.startedNotebook()
        // Each call appends its name twice, with a pause between its two blocks, to one log.
        func call(_ name: String) -> [CodeSubmission] {
            [
                CodeSubmission(language: "sh", code: "echo \(name)1 >> log.txt; sleep 0.2"),
                CodeSubmission(language: "sh", code: "echo \(name)2 >> log.txt"),
            ]
        }
        let results = try await withThrowingTaskGroup(of: CommandLineCodeResult.self) { group in
            for name in ["a", "b", "c"] { group.addTask { try await notebook.execute(call(name)) } }
            var all: [CommandLineCodeResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        let log = try String(contentsOfFile: dir + "/log.txt", encoding: .utf8)
        await notebook.stop()
        #expect(results.count == 3 && results.allSatisfy { $0.exitCode == 0 })
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        let pairs = stride(from: 0, to: lines.count, by: 2).map { Array(lines[$0..<min($0 + 2, lines.count)]) }
        #expect(
            pairs.allSatisfy { $0.count == 2 && $0[0].dropLast() == $0[1].dropLast() && $0[0].hasSuffix("1") },
            "each call's two blocks ran one after the other: \(lines)")
    }

    @Test("a call cancelled while it waits its turn throws at once; the running call goes on", .timeLimit(.minutes(1)))
    func cancelledWhileWaiting() async throws {
        let (notebook, _) = try await Self.startedNotebook()
        let running = Task { try await notebook.execute([CodeSubmission(language: "sh", code: "sleep 1; echo first")]) }
        try await Task.sleep(for: .milliseconds(200))
        let waiting = Task { try await notebook.execute([CodeSubmission(language: "sh", code: "echo second")]) }
        try await Task.sleep(for: .milliseconds(100))
        let cancelledAt = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: ExecutionError.self) { _ = try await waiting.value }
        #expect(ContinuousClock.now - cancelledAt < .milliseconds(500), "did not wait for the running call")
        let first = try await running.value
        #expect(first.exitCode == 0 && first.output == "first\n")
        let after = try await notebook.execute([CodeSubmission(language: "sh", code: "echo third")])
        #expect(after.output == "third\n", "the turns go on after a cancelled waiter")
        await notebook.stop()
    }
}
