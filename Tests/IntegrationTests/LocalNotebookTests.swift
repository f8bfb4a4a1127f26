import Foundation
import Testing

/// Notebook mode with the local executor: the same sessions, as host processes.
@Suite("notebook mode with the local executor", .serialized)
struct LocalNotebookTests {
    let scenarios = NotebookScenarios(executorArguments: ["--executor", "local"]) { arguments, directory in
        let started = Date()
        let run = try CLI.run(arguments, in: directory)
        return .init(
            status: run.status, stdout: run.stdout, stderr: run.stderr, seconds: Date().timeIntervalSince(started))
    }

    @Test("state carries across blocks: python, sh, bash") func state() throws { try scenarios.stateAcrossBlocks() }
    @Test("--fresh, the fresh attribute, named sessions") func fresh() throws { try scenarios.freshAndNamedSessions() }
    @Test("exit codes and restarts") func exits() throws { try scenarios.exitsAndRestarts() }
    @Test("timeouts: SIGINT, then SIGKILL and a restart") func timeouts() throws { try scenarios.timeouts() }
    @Test("hostile blocks do not break the session") func hostile() throws { try scenarios.hostileBlocks() }
    @Test("blocks --json shows the sessions") func plan() throws { try scenarios.plan() }
    @Test("python stderr: in order with stdout, a real fd for subprocesses") func order() throws {
        try scenarios.streamOrder()
    }

    @Test("no session process outlives the run")
    func nothingLeft() throws {
        let scratch = try Scratch()
        let marker = "mdexec-notebook-leak-\(UInt32.random(in: 0...UInt32.max))"
        let doc = try scratch.write(
            "doc.md",
            NotebookScenarios.fence("sh", "sleep 300 &\necho \"$$\" > session.pid")
                + NotebookScenarios.fence("python", "x = '\(marker)'"))
        let run = try CLI.run(["run", "--executor", "local", "--quiet", "--work-dir", scratch.path + "/w", doc])
        #expect(run.status == 0, "\(run.stderr)")
        let pid = try String(contentsOfFile: scratch.path + "/w/session.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        #expect(status.isEmpty || status.contains("State:\tZ"), "the sh session \(pid) is gone")
    }
}
