import Foundation
import Synchronization
import Testing

@testable import MDExec

@Suite("The runner link over a fake transport")
struct RunnerLinkTests {
    /// A transport that records the requests sent; the test answers for the runner.
    final class FakeRunner: Sendable {
        private let requests = Mutex<[(token: String, file: String)]>([])
        private let linked = Mutex<RunnerLink?>(nil)

        var link: RunnerLink { linked.withLock { $0! } }
        var sent: [(token: String, file: String)] { requests.withLock { $0 } }

        init() {
            let link = RunnerLink(send: { [weak self] bytes in self?.record(bytes) }, kill: { _, _ in })
            linked.withLock { $0 = link }
        }

        private func record(_ request: [UInt8]) {
            let text = String(decoding: request, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            requests.withLock { $0.append((String(lines[0]), String(lines[2]))) }
        }

        /// Waits until `count` requests have been sent.
        func waitForRequests(_ count: Int) async throws {
            for _ in 0..<500 where sent.count < count { try await Task.sleep(for: .milliseconds(10)) }
            try #require(sent.count == count)
        }

        /// Answers the job `token` as a block printing `stdout` and exiting with `code`.
        func answer(_ token: String, stdout: String = "", code: Int) {
            link.receive(.stdout, Array("\(token)S1\n\(stdout)\(token)E\(code)\n".utf8))
            link.receive(.stderr, Array("\(token)E\n".utf8))
        }
    }

    @Test("a run made while another runs waits its turn, then runs, in order")
    func concurrentRunsQueue() async throws {
        let runner = FakeRunner()
        let first = Task { try await runner.link.run(file: "a", command: ["sh"], timeoutSeconds: 10) { _, _ in } }
        try await runner.waitForRequests(1)
        let capture = OutputCapture(limit: 100)
        let second = Task {
            try await runner.link.run(file: "b", command: ["sh"], timeoutSeconds: 10) { capture.append($0, $1) }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(runner.sent.map(\.file) == ["a"])
        runner.answer(runner.sent[0].token, code: 3)
        #expect(try await first.value.exitCode == 3)
        try await runner.waitForRequests(2)
        #expect(runner.sent.map(\.file) == ["a", "b"])
        runner.answer(runner.sent[1].token, stdout: "from b\n", code: 0)
        #expect(try await second.value.exitCode == 0)
        #expect(capture.text().stdout == "from b\n")
    }

    @Test("once the transport ends, runs throw the reason as an infrastructure error")
    func transportEnded() async throws {
        let runner = FakeRunner()
        runner.link.end(reason: "The runner is gone.")
        do throws(ExecutionError) {
            _ = try await runner.link.run(shellCommand: "true", timeoutSeconds: 10) { _, _ in }
            Issue.record("the run returned")
        } catch {
            #expect(error.code == .infrastructure && error.message == "The runner is gone.")
        }
    }

    @Test("a job completing on the other stream waits for the delivery in progress")
    func completionWaitsForDelivery() async throws {
        let runner = FakeRunner()
        let capture = OutputCapture(limit: 100)
        let job = Task {
            try await runner.link.run(file: "a", command: ["sh"], timeoutSeconds: 10) { channel, bytes in
                if channel == .stderr {
                    // The stdout end marker arrives while this stderr delivery is under way.
                    runner.link.receive(.stdout, Array("\(runner.sent[0].token)E0\n".utf8))
                    usleep(50_000)
                }
                capture.append(channel, bytes)
            }
        }
        try await runner.waitForRequests(1)
        let token = runner.sent[0].token
        runner.link.receive(.stdout, Array("\(token)S1\n".utf8))
        // The stderr reader is a thread of its own, as with a real transport.
        Task.detached { runner.link.receive(.stderr, Array("last words\n\(token)E\n".utf8)) }
        #expect(try await job.value.exitCode == 0)
        #expect(capture.text().stderr == "last words\n")
    }
}
