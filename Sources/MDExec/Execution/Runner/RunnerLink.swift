import Foundation
import Synchronization

/// Speaks the runner protocol (see `RunnerScript`) over any transport that can send bytes
/// to the runner's standard input and deliver its two output streams: host pipes for the
/// local executor, a hijacked exec connection for Docker. The protocol itself lives in
/// `RunnerLinkState`; this class keeps it under a lock and performs its actions outside it.
///
/// One job at a time, in the order `run` was called: a call made while a job runs waits its
/// turn (first in, first out); its request is sent, and its watchdog started, when the jobs
/// before it have ended. Cancelled while it waits, its block is killed as soon as it starts.
///
/// Output and results reach callers in the order the state machine produced them, one at a
/// time, and never under the lock: an event appends its deliveries to a queue in the same
/// critical section as its transition, and whichever thread finds no one delivering makes
/// them until the queue is empty. The two streams are read on different threads, so this is
/// what keeps a job from completing (on one stream's end marker) while the other stream's last
/// bytes are still on their way to `onOutput`: those bytes were queued first.
final class RunnerLink: Sendable {
    typealias Sender = @Sendable ([UInt8]) async throws -> Void
    /// Sends a signal (SIGKILL or SIGINT) to a process group.
    typealias Killer = @Sendable (_ pid: Int32, _ signal: Int32) async -> Void
    typealias OutputHandler = @Sendable (OutputChannel, [UInt8]) -> Void
    private typealias Continuation = CheckedContinuation<Result<Answer, ExecutionError>, Never>
    typealias Answer = RunnerLinkState.Answer

    /// The `run` call waiting for a job.
    private struct Caller {
        var onOutput: OutputHandler
        var continuation: Continuation
        var watchdog: Task<Void, Never>?
        /// The host's timeout of a session block, then its grace.
        var clock: Task<Void, Never>?
    }

    /// An action bound to its caller, made in order by the delivering thread.
    private enum Delivery {
        case output(OutputHandler, OutputChannel, [UInt8])
        case result(Continuation, Result<Answer, ExecutionError>)
    }

    private struct Shared {
        var machine = RunnerLinkState()
        var callers: [String: Caller] = [:]
        var deliveries: [Delivery] = []
        var delivering = false
        /// The runner's number for each session asked for so far.
        var sessions: [SessionKey: Int] = [:]

        /// Queues the result for the caller of `token`, after the deliveries before it.
        mutating func finish(_ token: String, _ result: Result<Answer, ExecutionError>) {
            guard let caller = callers.removeValue(forKey: token) else { return }
            caller.watchdog?.cancel()
            caller.clock?.cancel()
            deliveries.append(.result(caller.continuation, result))
        }
    }

    private let shared = Mutex(Shared())
    private let send: Sender
    private let kill: Killer
    /// The runner was started with `mergeStreams`: sessions write stderr into stdout as is.
    private let mergedStreams: Bool

    init(send: @escaping Sender, kill: @escaping Killer, mergedStreams: Bool = false) {
        self.send = send
        self.kill = kill
        self.mergedStreams = mergedStreams
    }

    /// The process groups of every block and session this link started.
    var processGroups: Set<Int32> { shared.withLock { $0.machine.processGroups } }

    /// How long past a job's own timeout (and kill grace) the runner may stay silent before
    /// the engine or container is taken to be hung.
    static let answerSlack: Duration = .seconds(30)

    /// Runs `file` with `command`, in `session` when one is given, and returns how it ended.
    /// On task cancellation the block's process group (its session's) is killed and the
    /// runner goes on.
    func run(
        file: String, command: [String], timeoutSeconds: Int, session: SessionKey? = nil,
        onOutput: @escaping OutputHandler
    ) async throws(ExecutionError) -> Answer {
        let token = RunnerScript.newToken()
        let slot = session.map { key in
            (
                id: shared.withLock { shared in
                    if let id = shared.sessions[key] { return id }
                    let id = shared.sessions.count + 1
                    shared.sessions[key] = id
                    return id
                }, driver: key.driver
            )
        }
        // A python session frames its stderr in its stdout unless the streams are merged.
        let frames: FramedStderr? = slot?.driver == .python && !mergedStreams ? FramedStderr(forward: onOutput) : nil
        defer { frames?.finish() }
        var handler = onOutput
        if let frames { handler = { channel, bytes in frames.handle(channel, bytes) } }
        return try await run(
            token: token,
            request: RunnerScript.request(
                token: token, timeoutSeconds: timeoutSeconds, file: file, command: command, session: slot),
            timeoutSeconds: timeoutSeconds, sessionTimeout: session == nil ? nil : timeoutSeconds,
            onOutput: handler)
    }

    /// Runs a shell command (`sh -c`) and returns its exit code.
    func run(
        shellCommand: String, timeoutSeconds: Int, onOutput: @escaping OutputHandler
    ) async throws(ExecutionError) -> Int {
        let token = RunnerScript.newToken()
        return try await run(
            token: token,
            request: RunnerScript.request(token: token, timeoutSeconds: timeoutSeconds, shellCommand: shellCommand),
            timeoutSeconds: timeoutSeconds, onOutput: onOutput
        ).exitCode
    }

    private func run(
        token: String, request: [UInt8], timeoutSeconds: Int, sessionTimeout: Int? = nil,
        onOutput: @escaping OutputHandler
    ) async throws(ExecutionError) -> Answer {
        let request = RunnerLinkState.Request(
            token: token, bytes: request, answerLimit: ExecutionJob.longest(timeoutSeconds) + Self.answerSlack,
            sessionTimeout: sessionTimeout)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Continuation) in
                handle { shared in
                    shared.callers[token] = Caller(onOutput: onOutput, continuation: continuation)
                    // Read under the lock: a cancellation before this point found no job to mark.
                    return shared.machine.submit(request, cancelled: Task.isCancelled)
                }
            }
        } onCancel: {
            handle { $0.machine.cancel(token: token) }
        }
        return try result.get()
    }

    /// Delivers bytes the runner wrote to one of its streams. `onOutput` callbacks run on
    /// whichever thread is delivering, one at a time; a slow one delays the job's end.
    func receive(_ channel: OutputChannel, _ bytes: [UInt8]) {
        handle { $0.machine.receive(channel, bytes) }
    }

    /// The transport ended: fails the job in progress and every later one.
    func end(reason: String) {
        handle { $0.machine.transportEnded(reason: reason) }
    }

    /// Applies one event under the lock, then performs its actions outside it.
    private func handle(_ event: (inout Shared) -> [RunnerLinkState.Action]) {
        var sends: [[UInt8]] = []
        var kills: [(Int32, Int32)] = []
        let mustDeliver = shared.withLock { shared in
            for action in event(&shared) {
                switch action {
                case .send(let request):
                    sends.append(request.bytes)
                    shared.callers[request.token]?.watchdog = watchdog(for: request)
                case .deliver(let token, let channel, let bytes):
                    if let caller = shared.callers[token] {
                        shared.deliveries.append(.output(caller.onOutput, channel, bytes))
                    }
                case .kill(let pid):
                    kills.append((pid, SIGKILL))
                case .interrupt(let pid):
                    kills.append((pid, SIGINT))
                case .startClock(let token, let seconds):
                    shared.callers[token]?.clock = clock(token: token, after: .seconds(seconds)) {
                        $0.timeUp(token: $1)
                    }
                case .startGrace(let token):
                    shared.callers[token]?.clock = clock(token: token, after: .seconds(ExecutionJob.killGraceSeconds)) {
                        $0.graceOver(token: $1)
                    }
                case .succeed(let token, let answer):
                    shared.finish(token, .success(answer))
                case .fail(let token, let reason):
                    shared.finish(token, .failure(ExecutionError(.infrastructure, reason)))
                }
            }
            guard !shared.delivering, !shared.deliveries.isEmpty else { return false }
            shared.delivering = true
            return true
        }
        for bytes in sends {
            Task { [send] in
                do {
                    try await send(bytes)
                } catch {
                    self.end(reason: "The runner stopped accepting blocks: \(error)")
                }
            }
        }
        for (pid, signal) in kills { Task { [kill] in await kill(pid, signal) } }
        if mustDeliver { deliverQueued() }
    }

    /// Makes the queued deliveries, in order, until none is left.
    private func deliverQueued() {
        while true {
            let batch: [Delivery] = shared.withLock { shared in
                defer { shared.deliveries = [] }
                if shared.deliveries.isEmpty { shared.delivering = false }
                return shared.deliveries
            }
            guard !batch.isEmpty else { return }
            for delivery in batch {
                switch delivery {
                case .output(let onOutput, let channel, let bytes): onOutput(channel, bytes)
                case .result(let continuation, let result): continuation.resume(returning: result)
                }
            }
        }
    }

    /// Calls `event` on the state machine after `delay`, unless cancelled first.
    private func clock(
        token: String, after delay: Duration,
        _ event: @escaping @Sendable (inout RunnerLinkState, String) -> [RunnerLinkState.Action]
    ) -> Task<Void, Never> {
        Task { [weak self] in
            guard (try? await Task.sleep(for: delay)) != nil else { return }
            self?.handle { event(&$0.machine, token) }
        }
    }

    private func watchdog(for request: RunnerLinkState.Request) -> Task<Void, Never> {
        Task { [weak self, limit = request.answerLimit, token = request.token] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self?.handle { $0.machine.expire(token: token) }
        }
    }
}
