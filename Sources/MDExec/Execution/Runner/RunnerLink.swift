import Synchronization

/// Speaks the runner protocol (see `RunnerScript`) over any transport that can send bytes
/// to the runner's standard input and deliver its two output streams: host pipes for the
/// local executor, a hijacked exec connection for Docker. One job at a time.
final class RunnerLink: Sendable {
    typealias Sender = @Sendable ([UInt8]) async throws -> Void
    typealias Killer = @Sendable (Int32) async -> Void

    private struct Job {
        var token: String
        var watchdog: Task<Void, Never>?
        var stdoutScanner: MarkerScanner
        var stderrScanner: MarkerScanner
        var onOutput: @Sendable (OutputChannel, [UInt8]) -> Void
        var continuation: CheckedContinuation<Int, any Error>
        var pid: Int32?
        var cancelRequested = false
        var exitCode: Int?
        var stderrClosed = false
    }

    private struct State {
        var job: Job?
        /// Output that arrived between jobs (a background process of an earlier block):
        /// it is given to the next job.
        var leftover: [OutputChannel: [UInt8]] = [:]
        var ended: String?
        /// Process groups of every block started, killed when the link ends.
        var groups: [Int32] = []
    }

    private let state = Mutex(State())
    private let send: Sender
    private let kill: Killer
    private static let leftoverLimit = 1 << 20

    init(send: @escaping Sender, kill: @escaping Killer) {
        self.send = send
        self.kill = kill
    }

    /// The process groups of every block this link started.
    var processGroups: [Int32] { state.withLock { $0.groups } }

    /// Runs `file` with `command` and returns its exit code. On task cancellation the
    /// block's process group is killed and the runner goes on.
    func run(
        file: String, command: [String], timeoutSeconds: Int,
        onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws -> Int {
        let token = RunnerScript.newToken()
        return try await run(
            token: token,
            request: RunnerScript.request(token: token, timeoutSeconds: timeoutSeconds, file: file, command: command),
            timeoutSeconds: timeoutSeconds, onOutput: onOutput)
    }

    /// Runs a shell command (`sh -c`) and returns its exit code.
    func run(
        shellCommand: String, timeoutSeconds: Int,
        onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws -> Int {
        let token = RunnerScript.newToken()
        return try await run(
            token: token,
            request: RunnerScript.request(token: token, timeoutSeconds: timeoutSeconds, shellCommand: shellCommand),
            timeoutSeconds: timeoutSeconds, onOutput: onOutput)
    }

    /// How long past a job's own timeout (and kill grace) the runner may stay silent before
    /// the engine or container is taken to be hung.
    static let answerSlack: Duration = .seconds(30)

    private func run(
        token: String, request: [UInt8], timeoutSeconds: Int,
        onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws -> Int {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ended: String? = state.withLock { state in
                    if let ended = state.ended { return ended }
                    precondition(state.job == nil, "one runner job at a time")
                    let limit = ExecutionJob.longest(timeoutSeconds) + Self.answerSlack
                    let watchdog = Task { [weak self] in
                        guard (try? await Task.sleep(for: limit)) != nil else { return }
                        self?.expire(token: token, after: limit)
                    }
                    state.job = Job(
                        token: token, watchdog: watchdog,
                        stdoutScanner: MarkerScanner(token: token),
                        stderrScanner: MarkerScanner(token: token),
                        onOutput: onOutput, continuation: continuation)
                    return nil
                }
                if let ended {
                    continuation.resume(throwing: ExecutionError(.infrastructure, ended))
                    return
                }
                let leftover = state.withLock { state in
                    defer { state.leftover = [:] }
                    return state.leftover
                }
                for (channel, bytes) in leftover.sorted(by: { $0.key == .stdout && $1.key == .stderr }) {
                    receive(channel, bytes)
                }
                Task { [send] in
                    do {
                        try await send(request)
                    } catch {
                        self.end(reason: "The runner stopped accepting blocks: \(error)")
                    }
                }
            }
        } onCancel: {
            let pid: Int32? = state.withLock { state in
                state.job?.cancelRequested = true
                return state.job?.pid
            }
            if let pid { Task { await kill(pid) } }
        }
    }

    /// Delivers bytes the runner wrote to one of its streams. `onOutput` callbacks run
    /// under the link's lock, so they must be quick and must not call back into it.
    func receive(_ channel: OutputChannel, _ bytes: [UInt8]) {
        var deliveries: [[UInt8]] = []
        var killPid: Int32?
        var finished: (CheckedContinuation<Int, any Error>, Int)?
        var remainder: [UInt8] = []
        state.withLock { state in
            guard var job = state.job else {
                var kept = state.leftover[channel, default: []]
                if kept.count < Self.leftoverLimit { kept.append(contentsOf: bytes.prefix(Self.leftoverLimit - kept.count)) }
                state.leftover[channel] = kept
                return
            }
            let events = channel == .stdout ? job.stdoutScanner.feed(bytes) : job.stderrScanner.feed(bytes)
            var done = false
            for event in events {
                if done {
                    if case .output(let rest) = event { remainder.append(contentsOf: rest) }
                    continue
                }
                switch event {
                case .output(let output):
                    deliveries.append(output)
                case .marker(let payload):
                    if payload.hasPrefix("S"), let pid = Int32(payload.dropFirst()) {
                        job.pid = pid
                        state.groups.append(pid)
                        if job.cancelRequested { killPid = pid }
                    } else if payload.hasPrefix("E") {
                        if channel == .stdout {
                            job.exitCode = Int(payload.dropFirst()) ?? 255
                        } else {
                            job.stderrClosed = true
                        }
                    }
                    if let code = job.exitCode, job.stderrClosed {
                        finished = (job.continuation, code)
                        done = true
                    }
                }
            }
            if done {
                job.watchdog?.cancel()
                // Bytes after the last marker belong to whatever runs next.
                var stdoutRest = job.stdoutScanner.flush()
                var stderrRest = job.stderrScanner.flush()
                if channel == .stdout { stdoutRest = remainder + stdoutRest } else { stderrRest = remainder + stderrRest }
                state.leftover[.stdout, default: []].append(contentsOf: stdoutRest)
                state.leftover[.stderr, default: []].append(contentsOf: stderrRest)
                state.job = nil
            } else {
                state.job = job
            }
            // Delivered under the lock: the two streams are read on different threads, and
            // the job must not complete (on one stream's marker) while the other stream's
            // last bytes are still on their way to the callback.
            for output in deliveries where !output.isEmpty { job.onOutput(channel, output) }
        }
        if let killPid { Task { await kill(killPid) } }
        if let (continuation, code) = finished { continuation.resume(returning: code) }
    }

    /// The job `token` got no answer in time: the link is given up as hung.
    private func expire(token: String, after limit: Duration) {
        let job: Job? = state.withLock { state in
            guard state.job?.token == token else { return nil }
            defer { state.job = nil }
            state.ended = "The container's runner did not answer for \(limit): the engine or the container is not responding."
            return state.job
        }
        job?.continuation.resume(throwing: ExecutionError(.infrastructure, state.withLock { $0.ended ?? "" }))
    }

    /// The transport ended: fails the job in progress and every later one.
    func end(reason: String) {
        let job: Job? = state.withLock { state in
            if state.ended == nil { state.ended = reason }
            defer { state.job = nil }
            state.job?.watchdog?.cancel()
            return state.job
        }
        job?.continuation.resume(throwing: ExecutionError(.infrastructure, reason))
    }
}
