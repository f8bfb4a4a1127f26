import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import MDExecTestSupport
import Testing

/// Hostile documents, hostile code, failing engines: nothing crashes, nothing leaks, nothing
/// is lost. Every reliability suite is nested in this one, so they all run one at a time
/// (two shared cores; floods, signals and memory measurements need them).
///
/// Run with `swift test --filter ReliabilityTests`. Docker cases start with
/// `guard try await EngineGate.ready() else { return }`.
@Suite("Reliability: hostile documents, hostile code, failing engines", .serialized)
struct ReliabilityTests {}

// MARK: - Running processes

/// Runs `mdexec` (or a wrapper around it) without blocking the Swift concurrency pool, so a
/// test can watch the engine or the file system and send signals while it runs.
final class RelProcess: @unchecked Sendable {
    // @unchecked: the mutable fields are written by the reader threads before `done` is left,
    // and read only after `finish()` waited for it.
    struct Outcome {
        var status: Int32
        /// Killed by a signal (a crash, or one of ours) instead of exiting.
        var signalled: Bool
        var stdout: [UInt8]
        var stderr: String
        var seconds: Double
        /// The watchdog had to kill it.
        var hung: Bool

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// The exit statuses mdexec may end with; anything else (or a signal) is a crash.
        var isOrderlyExit: Bool { !signalled && [0, 1, 2, 3, 130, 143].contains(status) }
        /// Standard error's non-empty lines.
        var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
    }

    let process = Process()
    private let started = Date()
    private let done = DispatchGroup()
    private var outData = Data()
    private var errData = Data()
    private let lock = NSLock()
    private var finished = false
    /// Set when the process has ended (before it is reaped, its pid is not reused).
    private var terminated = false
    private var killedByWatchdog = false
    private let snapshots: [(path: String, bytes: Data?)]
    private let description: String

    var pid: pid_t { process.processIdentifier }

    /// Starts `executable ARGS` with `environment` added to this process's (and NO_COLOR).
    /// `inputs` are documents the run must leave untouched (checked by `finish`).
    init(
        executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String] = [:], inputs: [String] = [], limit: Double
    ) throws {
        description = ([(executable as NSString).lastPathComponent] + arguments).joined(separator: " ")
        snapshots = inputs.map { ($0, FileManager.default.contents(atPath: $0)) }
        let (out, err) = CLI.prepare(
            process, executable: URL(fileURLWithPath: executable), arguments, in: directory, environment: environment)
        done.enter()
        done.enter()
        done.enter()
        process.terminationHandler = { [weak self, done] _ in
            if let self { self.lock.withLock { self.terminated = true } }
            done.leave()
        }
        try process.run()
        RelContainers.rememberPid(process.processIdentifier)
        Thread.detachNewThread { [self] in
            let data = out.fileHandleForReading.readDataToEndOfFile()
            lock.withLock { outData = data }
            done.leave()
        }
        Thread.detachNewThread { [self] in
            let data = err.fileHandleForReading.readDataToEndOfFile()
            lock.withLock { errData = data }
            done.leave()
        }
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) { [self] in
            lock.withLock {
                guard !finished, !terminated else { return }
                killedByWatchdog = true
                kill(pid, SIGKILL)
            }
        }
    }

    /// Sends `signal` to the process, unless it has ended (its pid could be reused).
    func send(_ signal: Int32) {
        lock.withLock {
            guard !terminated else { return }
            kill(process.processIdentifier, signal)
        }
    }

    /// Waits for the end; records Issues when the watchdog had to kill it or an input changed.
    func finish(sourceLocation: SourceLocation = #_sourceLocation) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            done.notify(queue: .global()) { continuation.resume() }
        }
        let (stdout, stderr, hung) = lock.withLock { () -> (Data, Data, Bool) in
            finished = true
            return (outData, errData, killedByWatchdog)
        }
        if hung {
            Issue.record("\(description) did not end in time and was killed", sourceLocation: sourceLocation)
        }
        for (path, before) in snapshots {
            let after = FileManager.default.contents(atPath: path)
            if after != before {
                Issue.record(
                    "the input document \(path) was modified by \(description) (\(before?.count ?? -1) -> \(after?.count ?? -1) bytes)",
                    sourceLocation: sourceLocation)
            }
        }
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: [UInt8](stdout), stderr: String(decoding: stderr, as: UTF8.self),
            seconds: Date().timeIntervalSince(started), hung: hung)
    }
}

enum Rel {
    /// The local test image (sh, coreutils, python3 as `python`, pip, procps).
    static let image = ProcessInfo.processInfo.environment["MDEXEC_TEST_IMAGE"] ?? "mdexec-test:bookworm"

    static var mdexec: String { CLI.executable.path }

    /// Starts `mdexec ARGS`.
    static func start(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        inputs: [String] = [], limit: Double = 120
    ) throws -> RelProcess {
        try RelProcess(
            executable: mdexec, arguments, in: directory, environment: environment, inputs: inputs, limit: limit)
    }

    /// Runs `mdexec ARGS` to the end; `inputs` must be left untouched.
    static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        inputs: [String] = [], limit: Double = 120, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RelProcess.Outcome {
        try await start(arguments, in: directory, environment: environment, inputs: inputs, limit: limit)
            .finish(sourceLocation: sourceLocation)
    }

    /// `run --image TEST_IMAGE --quiet --container-name NAME`: every container these tests make
    /// has a name starting with `RelContainers.prefix`, so a leak is found by name.
    static func dockerRun(_ name: String, _ extra: [String]) -> [String] {
        ["run", "--image", image, "--quiet", "--container-name", name] + extra
    }

    /// Runs `/usr/bin/time -f %M` around `mdexec ARGS`: the outcome and mdexec's peak RSS in KiB
    /// (nil when GNU time is not installed).
    static func runMeasured(
        _ arguments: [String], in directory: String, inputs: [String] = [], limit: Double = 240,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (RelProcess.Outcome, Int?) {
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else {
            let outcome = try await run(
                arguments, in: directory, inputs: inputs, limit: limit, sourceLocation: sourceLocation)
            return (outcome, nil)
        }
        let rssFile = (directory as NSString).appendingPathComponent("rss-\(UUID().uuidString.prefix(8)).txt")
        let outcome = try await RelProcess(
            executable: time, ["-f", "%M", "-o", rssFile, mdexec] + arguments, in: directory, inputs: inputs,
            limit: limit
        ).finish(sourceLocation: sourceLocation)
        let text = (try? String(contentsOfFile: rssFile, encoding: .utf8)) ?? ""
        // GNU time writes "Command exited with non-zero status N" first when the status is not 0.
        let rss = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return (outcome, rss)
    }

    /// Waits (polling) until `condition` holds or `seconds` pass; true when it held.
    static func wait(upTo seconds: Double, every interval: Duration = .milliseconds(20), _ condition: () async -> Bool)
        async -> Bool
    {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return await condition()
    }

    /// The JSON results of one document.
    static func results(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DocumentResult {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONReport.decode([UInt8](data)).first, sourceLocation: sourceLocation)
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Writes raw bytes to `name` under `scratch`; returns the path.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in scratch: Scratch) throws -> String {
        let path = (scratch.path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func path(_ name: String, in scratch: Scratch) -> String {
        (scratch.path as NSString).appendingPathComponent(name)
    }

    /// A new directory under `scratch`.
    static func directory(_ name: String, in scratch: Scratch) throws -> String {
        let path = self.path(name, in: scratch)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The names in `directory`, sorted.
    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func isRoot() -> Bool { geteuid() == 0 }

    static func validUTF8(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }
}

// MARK: - Containers

/// Finds the containers these tests make (by name prefix, or by the `mdexec.pid` label of
/// an mdexec they started), to check that none is left and to remove them from outside.
enum RelContainers {
    static let prefix = "mdexec-rel-"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pids: Set<String> = []

    static func rememberPid(_ pid: pid_t) { _ = lock.withLock { pids.insert(String(pid)) } }

    /// A fresh container name for one run.
    static func name(_ purpose: String) -> String {
        prefix + purpose + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// A client for the real engine (the local socket or DOCKER_HOST of the test process).
    static func client() throws -> EngineClient {
        EngineClient(host: try DockerHost.fromEnvironment(), requestTimeout: .seconds(30))
    }

    /// Containers labelled `mdexec=1` these tests made.
    static func ours() async throws -> [ContainerSummary] {
        let mine = lock.withLock { pids }
        return try await client().listContainers(labels: ["mdexec=1"], all: true).filter { container in
            container.names.contains { $0.hasPrefix(prefix) } || mine.contains(container.labels["mdexec.pid"] ?? "")
        }
    }

    /// The container called `name`, if it exists (labelled mdexec=1).
    static func named(_ name: String) async throws -> ContainerSummary? {
        try await client().listContainers(labels: ["mdexec=1"], all: true).first { $0.names.contains(name) }
    }

    /// Removes the container called `name` (force, with its volumes), if it exists.
    static func remove(_ name: String) async {
        guard let container = try? await named(name) else { return }
        try? await client().removeContainer(container.id, force: true, volumes: true)
    }

    /// Expects the container called `name` to be gone within `grace` seconds; otherwise records
    /// an Issue (unless `expected`) and removes it.
    static func expectGone(
        _ name: String, grace: Double = 8, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let gone = await Rel.wait(upTo: grace, every: .milliseconds(200)) {
            ((try? await named(name)) ?? nil) == nil
        }
        if !gone {
            let state = ((try? await named(name)) ?? nil)?.state ?? "?"
            Issue.record(
                "container \(name) (labelled mdexec=1) left behind, state \(state)", sourceLocation: sourceLocation)
            await remove(name)
        }
    }
}

// MARK: - Report invariants

extension ReportInvariants {
    /// Checks a report mdexec wrote for `original` against the JSON results it wrote: the
    /// report is exactly what the library renders for those results, and keeps every invariant.
    static func expectValid(
        original: [UInt8], report: [UInt8], results: DocumentResult, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let document: MarkdownDocument
        do {
            document = try MarkdownDocument.parse(original)
        } catch {
            Issue.record("the document does not parse: \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(results.blocks.count == document.blocks.count, "JSON lists every block", sourceLocation: sourceLocation)
        let rendered = MarkdownReport.render(document: document, results: results.blocks)
        #expect(
            rendered == report,
            "the report is the document with the JSON's results (first difference at byte \(firstDifference(rendered, report)))",
            sourceLocation: sourceLocation)
        let found = problems(original: original, document: document, report: report, results: results.blocks)
        #expect(
            found.isEmpty, "report invariants: \(found.prefix(5).joined(separator: "; "))",
            sourceLocation: sourceLocation)
    }
}
