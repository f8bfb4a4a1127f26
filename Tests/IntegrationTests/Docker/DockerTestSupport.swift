import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Testing

/// Every test against the real engine, one at a time: the machine has two shared cores,
/// and timing assertions (timeouts, interrupts) need them. Run with `--filter DockerTests`.
@Suite("Docker executor against the real engine", .serialized)
enum DockerTests {}

/// Runs the real `mdexec` binary against the engine, remembering every process it starts
/// (their pids label the containers they make) and killing one that outlives `limit`.
enum DockerCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        /// The watchdog had to kill the process.
        var hung: Bool
    }

    /// Runs `mdexec ARGS`; `onStart` gets the process once it runs.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        limit: Double = 90, onStart: ((Process) -> Void)? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Result {
        let started = Date()
        let watchdog = Watchdog()
        let result = try CLI.run(arguments, in: directory, environment: environment) { process in
            let pid = process.processIdentifier
            ChildProcesses.shared.add(pid)
            watchdog.arm(pid: pid, after: limit)
            onStart?(process)
        }
        let hung = watchdog.disarm()
        if hung {
            Issue.record(
                "mdexec \(arguments.joined(separator: " ")) was still running after \(Int(limit)) s and was killed",
                sourceLocation: sourceLocation)
        }
        return Result(
            status: result.status, stdout: result.stdout, stderr: result.stderr,
            seconds: Date().timeIntervalSince(started), hung: hung)
    }

    /// `run ... --image TEST_IMAGE --quiet`.
    static func runDocument(
        _ extra: [String], in directory: String? = nil, environment: [String: String] = [:],
        limit: Double = 90, onStart: ((Process) -> Void)? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Result {
        try run(
            ["run", "--image", EngineGate.image, "--quiet"] + extra, in: directory, environment: environment,
            limit: limit, onStart: onStart, sourceLocation: sourceLocation)
    }

    /// Kills a process that runs too long.
    private final class Watchdog: @unchecked Sendable {
        // @unchecked: every field is guarded by `lock`.
        private let lock = NSLock()
        private var pid: pid_t?
        private var fired = false

        func arm(pid: pid_t, after seconds: Double) {
            lock.withLock { self.pid = pid }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                lock.withLock {
                    guard let pid = self.pid else { return }
                    fired = true
                    kill(pid, SIGKILL)
                }
            }
        }

        /// Stops watching; true when the process had to be killed.
        func disarm() -> Bool {
            lock.withLock {
                pid = nil
                return fired
            }
        }
    }
}

/// The pids of every `mdexec` process the tests started, and of the test process itself:
/// containers labelled `mdexec.pid` with one of them are this suite's.
final class ChildProcesses: @unchecked Sendable {
    // @unchecked: `pids` is guarded by `lock`.
    static let shared = ChildProcesses()
    private let lock = NSLock()
    private var pids: Set<String> = [String(getpid())]

    func add(_ pid: pid_t) { _ = lock.withLock { pids.insert(String(pid)) } }
    func contains(_ pid: String) -> Bool { lock.withLock { pids.contains(pid) } }
}

/// Checks that no container labelled `mdexec=1` made by this suite is left on the engine.
enum Leftovers {
    /// Labels for containers a test makes itself, so the check sees them too.
    static var labels: [String: String] {
        ["mdexec": "1", "mdexec.pid": String(getpid()), "mdexec.test": "integration"]
    }

    /// Waits up to `grace` seconds for this suite's `mdexec=1` containers to disappear;
    /// records an Issue naming those that remain, then removes them.
    static func expectNone(grace: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let client = try await EngineGate.client()
        let deadline = Date().addingTimeInterval(grace)
        var remaining: [ContainerSummary] = []
        repeat {
            remaining = try await client.listContainers(labels: ["mdexec=1"], all: true).filter {
                ChildProcesses.shared.contains($0.labels["mdexec.pid"] ?? "")
            }
            if remaining.isEmpty { return }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        let names = remaining.map { "\($0.names.first ?? $0.id) (\($0.state ?? "?"))" }.joined(separator: ", ")
        Issue.record("containers labelled mdexec=1 left behind: \(names)", sourceLocation: sourceLocation)
        for container in remaining { try? await client.removeContainer(container.id, force: true, volumes: true) }
        // A removal the engine already has in progress (409) can take a while: wait for it,
        // so the next test does not see this test's leftovers.
        let ids = Set(remaining.map(\.id))
        let cleanupDeadline = Date().addingTimeInterval(40)
        while Date() < cleanupDeadline {
            let still = try await client.listContainers(labels: ["mdexec=1"], all: true).filter { ids.contains($0.id) }
            if still.isEmpty { return }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// Reading what a run wrote.
enum Results {
    /// The JSON results of a single document.
    static func document(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DocumentResult {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(try JSONReport.decode(bytes).first, sourceLocation: sourceLocation)
    }

    /// The JSON results of several documents.
    static func documents(_ path: String) throws -> [DocumentResult] {
        try JSONReport.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

extension Scratch {
    /// A new directory under the scratch directory.
    func directory(_ name: String) throws -> String {
        let path = (self.path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Names of the files directly in `directory` (relative to the scratch directory).
    func files(in directory: String) -> [String] {
        let path = (self.path as NSString).appendingPathComponent(directory)
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// A container name no other test or engineer uses.
func uniqueContainerName(_ purpose: String) -> String {
    "mdexec-it-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
}
