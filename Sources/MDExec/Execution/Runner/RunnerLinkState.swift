/// The runner protocol (see `RunnerScript`) as a value: which job runs, what its two streams
/// have said so far, which jobs wait behind it. Every event is a mutating method that returns
/// the actions the caller must then perform, in order. No I/O, no clock, no lock: `RunnerLink`
/// owns all of those, so the protocol can be tested by feeding it bytes.
struct RunnerLinkState {
    /// A job asked for: the request bytes for the runner, under a fresh token.
    struct Request: Equatable, Sendable {
        var token: String
        var bytes: [UInt8]
        /// How long the runner may stay silent on this job before it is taken to be hung.
        var answerLimit: Duration
        /// For a block run in a session: its timeout in seconds, kept by the host (SIGINT to
        /// the session's group at the timeout, SIGKILL after the grace).
        var sessionTimeout: Int? = nil
    }

    /// How a job ended, as the runner told it.
    struct Answer: Equatable, Sendable {
        var exitCode: Int
        /// The block's session had ended before it, and was started anew.
        var sessionRestarted = false
        /// No session could start: the block ran in a process of its own.
        var ranFresh = false
        /// The host's timeout went off while the block ran in its session.
        var timedOut = false
    }

    enum Action: Equatable, Sendable {
        /// Write the request to the runner's input, and call `expire(token:)` if the job is
        /// still running after its `answerLimit`.
        case send(Request)
        /// Give output of the job `token` to its caller.
        case deliver(token: String, OutputChannel, [UInt8])
        /// Kill the process group `pid` (a cancelled block, or a session past its grace).
        case kill(pid: Int32)
        /// Send SIGINT to the process group `pid` (a session block at its timeout).
        case interrupt(pid: Int32)
        /// Call `timeUp(token:)` after `seconds`, `graceOver(token:)` after the grace.
        case startClock(token: String, seconds: Int)
        case startGrace(token: String)
        /// The job `token` ended.
        case succeed(token: String, Answer)
        /// The job `token` cannot run or finish: the runner is gone or hung.
        case fail(token: String, reason: String)
    }

    enum State {
        /// No job runs; output that arrives is kept for the next one.
        case idle(leftover: Leftover)
        /// `job` was sent to the runner; `queue` waits its turn, first in first out.
        case running(Job, queue: [Queued])
        /// The transport ended or the runner is hung: every job fails with `reason`.
        case ended(reason: String)
    }

    /// The running job's progress through its markers, from its standard output.
    enum Phase: Equatable {
        /// Sent; the runner has not said the block's pid yet.
        case awaitingStart(cancelRequested: Bool)
        /// The block runs in process group `pid`.
        case started(pid: Int32)
        /// Its exit code came (`TOKEN E CODE`).
        case exited(code: Int)
    }

    struct Job {
        var request: Request
        var phase: Phase
        var stdout: MarkerScanner
        var stderr: MarkerScanner
        /// `TOKEN E` came on standard error: no more of the block's stderr will follow.
        var stderrEnded = false
        /// What the start marker said about the session.
        var sessionRestarted = false
        var ranFresh = false
        var timedOut = false

        /// The answer, once both streams are closed off: the job is complete.
        var completed: Answer? {
            guard stderrEnded, case .exited(let code) = phase else { return nil }
            return Answer(exitCode: code, sessionRestarted: sessionRestarted, ranFresh: ranFresh, timedOut: timedOut)
        }
    }

    struct Queued: Equatable {
        var request: Request
        var cancelRequested: Bool
    }

    /// Output that arrived while no job ran (a background process of an earlier block).
    struct Leftover: Equatable {
        static let limit = 1 << 20
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []

        subscript(channel: OutputChannel) -> [UInt8] {
            get { channel == .stdout ? stdout : stderr }
            set { if channel == .stdout { stdout = newValue } else { stderr = newValue } }
        }

        /// Appends what fits under `limit` on that stream.
        mutating func keep(_ bytes: [UInt8], on channel: OutputChannel) {
            let room = max(0, Self.limit - self[channel].count)
            self[channel].append(contentsOf: bytes.prefix(room))
        }
    }

    private(set) var state = State.idle(leftover: Leftover())
    /// Process groups of every block started, killed when the link ends.
    private(set) var processGroups: Set<Int32> = []

    /// A job is asked for: it starts now (leftover output first, then the request), waits
    /// behind the running one, or fails at once if the link has ended. `cancelled`: its
    /// caller was cancelled already, so the block is killed as soon as it starts.
    mutating func submit(_ request: Request, cancelled: Bool = false) -> [Action] {
        let queued = Queued(request: request, cancelRequested: cancelled)
        switch state {
        case .ended(let reason):
            return [.fail(token: request.token, reason: reason)]
        case .idle(let leftover):
            return begin(queued, leftover: leftover, queue: [])
        case .running(let job, var queue):
            queue.append(queued)
            state = .running(job, queue: queue)
            return []
        }
    }

    /// Bytes the runner wrote to one of its streams.
    mutating func receive(_ channel: OutputChannel, _ bytes: [UInt8]) -> [Action] {
        switch state {
        case .ended:
            return []
        case .idle(var leftover):
            leftover.keep(bytes, on: channel)
            state = .idle(leftover: leftover)
            return []
        case .running(var job, let queue):
            let events = channel == .stdout ? job.stdout.feed(bytes) : job.stderr.feed(bytes)
            var actions: [Action] = []
            for (index, event) in events.enumerated() {
                switch event {
                case .output(let output):
                    if !output.isEmpty { actions.append(.deliver(token: job.request.token, channel, output)) }
                case .marker(let payload):
                    actions += record(payload, on: channel, in: &job)
                    if let answer = job.completed {
                        // Bytes after the last marker belong to whatever runs next.
                        let rest = events[(index + 1)...].flatMap { event -> [UInt8] in
                            if case .output(let bytes) = event { bytes } else { [] }
                        }
                        actions.append(.succeed(token: job.request.token, answer))
                        return actions + complete(job, rest: rest, on: channel, queue: queue)
                    }
                }
            }
            state = .running(job, queue: queue)
            return actions
        }
    }

    /// The caller of job `token` was cancelled: its block is killed now, or when it starts.
    mutating func cancel(token: String) -> [Action] {
        guard case .running(var job, var queue) = state else { return [] }
        if job.request.token == token {
            switch job.phase {
            case .awaitingStart: job.phase = .awaitingStart(cancelRequested: true)
            case .started(let pid): return [.kill(pid: pid)]
            case .exited: return []
            }
        } else if let index = queue.firstIndex(where: { $0.request.token == token }) {
            queue[index].cancelRequested = true
        }
        state = .running(job, queue: queue)
        return []
    }

    /// The session block `token` reached its timeout: SIGINT to its group, then the grace.
    mutating func timeUp(token: String) -> [Action] {
        guard case .running(var job, let queue) = state, job.request.token == token,
            case .started(let pid) = job.phase
        else { return [] }
        job.timedOut = true
        state = .running(job, queue: queue)
        return [.interrupt(pid: pid), .startGrace(token: token)]
    }

    /// The session block `token` outlived the grace after its SIGINT: its session is killed.
    mutating func graceOver(token: String) -> [Action] {
        guard case .running(let job, _) = state, job.request.token == token, case .started(let pid) = job.phase
        else { return [] }
        return [.kill(pid: pid)]
    }

    /// The watchdog of job `token` went off: if it still runs, the link is given up as hung.
    mutating func expire(token: String) -> [Action] {
        guard case .running(let job, _) = state, job.request.token == token else { return [] }
        return transportEnded(
            reason: "The container's runner did not answer for \(job.request.answerLimit): "
                + "the engine or the container is not responding.")
    }

    /// The transport ended: the running job and every queued or later one fail with `reason`.
    mutating func transportEnded(reason: String) -> [Action] {
        switch state {
        case .ended:
            return []
        case .idle:
            state = .ended(reason: reason)
            return []
        case .running(let job, let queue):
            state = .ended(reason: reason)
            return ([job.request] + queue.map(\.request)).map { .fail(token: $0.token, reason: reason) }
        }
    }

    private mutating func begin(_ next: Queued, leftover: Leftover, queue: [Queued]) -> [Action] {
        let token = next.request.token
        state = .running(
            Job(
                request: next.request, phase: .awaitingStart(cancelRequested: next.cancelRequested),
                stdout: MarkerScanner(token: token), stderr: MarkerScanner(token: token)),
            queue: queue)
        let deliveries = [OutputChannel.stdout, .stderr].filter { !leftover[$0].isEmpty }.map {
            Action.deliver(token: token, $0, leftover[$0])
        }
        return deliveries + [.send(next.request)]
    }

    /// Applies one marker to `job`.
    private mutating func record(_ payload: String, on channel: OutputChannel, in job: inout Job) -> [Action] {
        if channel == .stdout, payload.hasPrefix("S"), case .awaitingStart(let cancelRequested) = job.phase {
            // `S PID`, `S PID R` (session restarted) or `S PID F` (ran fresh).
            let fields = payload.dropFirst().split(separator: " ")
            guard let first = fields.first, let pid = Int32(first) else { return [] }
            job.phase = .started(pid: pid)
            job.sessionRestarted = fields.contains("R")
            job.ranFresh = fields.contains("F")
            processGroups.insert(pid)
            if cancelRequested { return [.kill(pid: pid)] }
            if let seconds = job.request.sessionTimeout, !job.ranFresh {
                return [.startClock(token: job.request.token, seconds: seconds)]
            }
            return []
        }
        if payload.hasPrefix("E") {
            if channel == .stdout {
                job.phase = .exited(code: Int(payload.dropFirst()) ?? 255)
            } else {
                job.stderrEnded = true
            }
        }
        return []
    }

    /// Ends `job`: what its scanners hold back, and `rest` of `channel`, become leftover; the
    /// next queued job starts.
    private mutating func complete(_ job: Job, rest: [UInt8], on channel: OutputChannel, queue: [Queued]) -> [Action] {
        var job = job
        var leftover = Leftover()
        leftover[channel] = rest
        leftover.stdout += job.stdout.flush()
        leftover.stderr += job.stderr.flush()
        guard let next = queue.first else {
            state = .idle(leftover: leftover)
            return []
        }
        return begin(next, leftover: leftover, queue: Array(queue.dropFirst()))
    }
}
