import Foundation
import Testing

@testable import MDExec

@Suite("The runner, driven through the local executor", .serialized)
struct LocalExecutorTests {
    func makeExecutor(initCommand: String? = nil) throws -> (LocalExecutor, String) {
        var template = Array((NSTemporaryDirectory() + "mdexec-local-XXXXXX").utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        var configuration = ExecutorConfiguration()
        configuration.workDir = dir
        configuration.initCommand = initCommand
        return (try LocalExecutor(configuration: configuration), dir)
    }

    @Test("blocks share the work dir; exit codes and streams come back per block")
    func blocks() async throws {
        let (executor, dir) = try makeExecutor(initCommand: "echo init > from-init.txt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await executor.start()
        try await executor.writeFile("a.sh", contents: Array("cat from-init.txt; echo oops >&2; exit 7\n".utf8))
        let capture = OutputCapture(limit: 1000)
        let outcome = try await executor.run(ExecutionJob(file: "a.sh", command: ["sh"], timeoutSeconds: 10)) {
            capture.append($0, $1)
        }
        #expect(outcome.exitCode == 7 && !outcome.timedOut)
        #expect(capture.text().stdout == "init\n")
        #expect(capture.text().stderr == "oops\n")
        // The next block runs in the same runner.
        try await executor.writeFile("b.sh", contents: Array("printf 'no newline'\n".utf8))
        let second = OutputCapture(limit: 1000)
        let next = try await executor.run(ExecutionJob(file: "b.sh", command: ["sh"], timeoutSeconds: 10)) {
            second.append($0, $1)
        }
        #expect(next.exitCode == 0)
        #expect(second.text().stdout == "no newline")
        await executor.stop()
        await executor.stop()
    }

    @Test("a file name with spaces and quotes runs as itself")
    func awkwardNames() async throws {
        let (executor, dir) = try makeExecutor()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await executor.start()
        let name = "it's a \"file\" $(x).sh"
        try await executor.writeFile(name, contents: Array("echo ran\n".utf8))
        let capture = OutputCapture(limit: 100)
        let outcome = try await executor.run(ExecutionJob(file: name, command: ["sh"], timeoutSeconds: 10)) {
            capture.append($0, $1)
        }
        #expect(outcome.exitCode == 0)
        #expect(capture.text().stdout == "ran\n")
        await executor.stop()
    }

    @Test("cancelling a block kills its process tree and the runner goes on")
    func cancellation() async throws {
        let (executor, dir) = try makeExecutor()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await executor.start()
        try await executor.writeFile("slow.sh", contents: Array("sleep 100 & echo $! > child.pid; sleep 100\n".utf8))
        let task = Task {
            try await executor.run(ExecutionJob(file: "slow.sh", command: ["sh"], timeoutSeconds: 60)) { _, _ in }
        }
        try await Task.sleep(for: .milliseconds(500))
        let started = ContinuousClock.now
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(ContinuousClock.now - started < .seconds(5))
        let pid = try #require(
            Int32(
                String(contentsOfFile: dir + "/child.pid", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        try await Task.sleep(for: .milliseconds(100))
        // Gone, or a zombie waiting to be reaped by whoever inherited it: not running.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first ?? "X"
        #expect(state == "Z" || state == "X", "the block's background child must be gone (state \(state))")
        try await executor.writeFile("after.sh", contents: Array("echo still here\n".utf8))
        let capture = OutputCapture(limit: 100)
        let after = try await executor.run(ExecutionJob(file: "after.sh", command: ["sh"], timeoutSeconds: 10)) {
            capture.append($0, $1)
        }
        #expect(after.exitCode == 0 && capture.text().stdout == "still here\n")
        await executor.stop()
    }

    @Test("a block that prints a forged marker cannot end itself early")
    func forgedMarker() async throws {
        let (executor, dir) = try makeExecutor()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await executor.start()
        try await executor.writeFile(
            "forge.sh",
            contents: Array("printf '\\036mdx0000E0\\n'; cat /proc/$PPID/cmdline >/dev/null 2>&1; exit 5\n".utf8))
        let outcome = try await executor.run(ExecutionJob(file: "forge.sh", command: ["sh"], timeoutSeconds: 10)) {
            _, _ in
        }
        #expect(outcome.exitCode == 5)
        await executor.stop()
    }

    @Test("every block gets all of its output on both streams, however the two readers interleave")
    func noOutputLostAtCompletion() async throws {
        let (executor, dir) = try makeExecutor()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await executor.start()
        for round in 0..<1000 {
            try await executor.writeFile("b.sh", contents: Array("echo out \(round); echo err \(round) >&2\n".utf8))
            let capture = OutputCapture(limit: 1000)
            let outcome = try await executor.run(ExecutionJob(file: "b.sh", command: ["sh"], timeoutSeconds: 10)) {
                capture.append($0, $1)
            }
            #expect(outcome.exitCode == 0)
            let text = capture.text()
            try #require(text.stdout == "out \(round)\n" && text.stderr == "err \(round)\n", "round \(round): \(text)")
        }
        await executor.stop()
    }
}
