import DockerEngine
import Foundation
import Logging

extension DockerExecutor {
    /// Starts the runner loop in the container over a hijacked exec connection, then
    /// runs the init command. Without a runner, blocks fall back to one exec each.
    func startRunner() async throws(ExecutionError) {
        guard let id = containerID else { throw ExecutionError(.notStarted, "The container is not started.") }
        if usesRunner {
            do {
                try await attachRunner(containerID: id)
            } catch {
                logger.info("the runner loop could not start (\(error)); running each block as its own exec")
            }
        } else {
            logger.info("running each block as its own exec (--runner exec)")
        }
        if let command = configuration.initCommand, !command.isEmpty {
            let capture = OutputCapture(limit: 64 << 10)
            let code = try await runShell(command, timeoutSeconds: 86_400, capture: capture)
            guard code == 0 else {
                throw ExecutionError(
                    .infrastructure,
                    "The init command failed with exit code \(code): \(capture.text().output.suffix(400))")
            }
        }
    }

    private func attachRunner(containerID id: String) async throws {
        let spec = ExecSpec(
            cmd: ["sh"] + RunnerScript.arguments(mergeStreams: configuration.mergeStreams), attachStdin: true,
            workingDir: ContainerBlueprint.workspace)
        let execID = try await client.createExec(containerID: id, spec: spec)
        let connection = try await client.attachExec(execID)
        let (client, logger) = (self.client, self.logger)
        let link = RunnerLink(
            send: { bytes in try await connection.write(bytes) },
            kill: { pid, signal in
                await Self.signalProcessGroup(pid, signal, containerID: id, client: client, logger: logger)
            }, mergedStreams: configuration.mergeStreams)
        let reader = Task.detached {
            do {
                for try await frame in connection.output {
                    link.receive(frame.stream == .stdout ? .stdout : .stderr, frame.bytes)
                }
                link.end(reason: "The container's runner ended: the container was stopped or removed.")
            } catch {
                link.end(reason: "The connection to the container's runner failed: \(error)")
            }
        }
        state.withLock { state in
            state.link = link
            state.connection = connection
            state.reader = reader
        }
        logger.debug("runner loop attached (exec \(execID.prefix(12)))")
    }

    /// Signals a block's process group (or its leader alone, if it has not made its group yet)
    /// with an exec of its own: SIGKILL to end a block (cancelled, or a session past its
    /// grace), SIGINT at a session block's timeout. The exec attaches stdout and stderr and is
    /// read to its end: every engine accepts that (Podman refuses an exec that attaches no
    /// stream), and its end means the signal is sent. When the engine refuses a kill, or its
    /// shell cannot even start (a full pids limit), the container is killed, so the block
    /// still ends; failures are logged. The kill's output is awaited for `killWait` at most, so
    /// a hung kill reaches the same fallback.
    static func signalProcessGroup(
        _ pid: Int32, _ signal: Int32, containerID id: String, client: EngineClient, logger: Logger
    ) async {
        // `kill -KILL -PGID`: dash's kill takes no `--`.
        let name = signal == SIGINT ? "INT" : "KILL"
        let kill = ExecSpec(cmd: [
            "sh", "-c", "kill -\(name) -\(pid) 2>/dev/null || kill -\(name) \(pid) 2>/dev/null; true",
        ])
        do {
            // The script ends in `true`: any other code means it did not run.
            let code = try await client.runExec(containerID: id, spec: kill, timeout: killWait) { _, _ in }
            if code == 0 { return }
            logger.error("The exec that signals the block's processes (group \(pid), SIG\(name)) exited \(code).")
        } catch {
            logger.error("Cannot signal the block's processes (group \(pid), SIG\(name)) with an exec: \(error).")
        }
        guard signal == SIGKILL else { return }
        logger.error("Killing the container instead, so the block ends.")
        await killContainer(id, client: client, logger: logger)
    }

    /// How long the exec that signals a block may take to report its end.
    static let killWait = Duration.seconds(10)

    /// Kills the container (its last resort to end a block), logging a failure.
    static func killContainer(_ id: String, client: EngineClient, logger: Logger) async {
        do {
            try await client.killContainer(id)
        } catch {
            logger.error("Cannot kill the container \(id.prefix(12)) either: \(error).")
        }
    }

    /// Ends the runner: closes its input so it exits, and the connection.
    func closeRunner() {
        let (connection, reader) = state.withLock { state in
            defer {
                state.link = nil
                state.connection = nil
                state.reader = nil
            }
            return (state.connection, state.reader)
        }
        connection?.close()
        reader?.cancel()
    }

    public func run(
        _ job: ExecutionJob, onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws(ExecutionError) -> ExecutionOutcome {
        guard let id = containerID else { throw ExecutionError(.notStarted, "The container is not started.") }
        let started = ContinuousClock.now
        let answer: RunnerLink.Answer
        if let link = state.withLock({ $0.link }) {
            do throws(ExecutionError) {
                answer = try await link.run(
                    file: job.file, command: job.command, timeoutSeconds: job.timeoutSeconds, session: job.session,
                    onOutput: onOutput)
            } catch {
                // Cancelled, and the runner went with the container (the kill's fallback).
                guard Task.isCancelled else { throw await explained(error, containerID: id) }
                answer = RunnerLink.Answer(exitCode: 137)
            }
        } else {
            let code = try await execOnce(
                job.freshCommand(mergeStreams: configuration.mergeStreams), containerID: id,
                timeoutSeconds: job.timeoutSeconds, onOutput: onOutput)
            answer = RunnerLink.Answer(exitCode: code, ranFresh: true)
        }
        if answer.ranFresh, job.session != nil { sessionNotice.tell(logger) }
        let elapsed = ContinuousClock.now - started
        var outOfMemory = false
        if answer.exitCode == 137, configuration.memory != nil, !Task.isCancelled {
            outOfMemory = await sawNewOOMKill(containerID: id)
        }
        return ExecutionOutcome.classify(
            answer, job: job, elapsed: elapsed, cancelled: Task.isCancelled, outOfMemory: outOfMemory)
    }

    /// Whether the kernel killed a process of the container for memory since the last look:
    /// the engine's `OOMKilled` covers only the main process, so read the cgroup's own
    /// counter (`oom_kill` in cgroup v2's memory.events or v1's memory.oom_control).
    private func sawNewOOMKill(containerID id: String) async -> Bool {
        let capture = OutputCapture(limit: 4096)
        let command = "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null"
        do {
            _ = try await runShell(command, timeoutSeconds: 10, capture: capture)
            let counts = capture.text().stdout.split(separator: "\n").compactMap { line -> Int? in
                let fields = line.split(separator: " ")
                return fields.count == 2 && fields[0] == "oom_kill" ? Int(fields[1]) : nil
            }
            if let count = counts.max() {
                let previous = state.withLock { state in
                    defer { state.oomKills = count }
                    return state.oomKills
                }
                return count > previous
            }
        } catch {
            logger.debug("cannot read the container's OOM-kill counter (\(error)); asking the engine instead")
        }
        do {
            return try await client.inspectContainer(id).state.oomKilled
        } catch {
            logger.warning("Cannot tell whether the block was killed for memory: \(error)")
            return false
        }
    }

    /// Runs a shell command in the workspace and returns its exit code.
    func runShell(_ command: String, timeoutSeconds: Int, capture: OutputCapture? = nil) async throws(ExecutionError)
        -> Int
    {
        guard let id = containerID else { throw ExecutionError(.notStarted, "The container is not started.") }
        let sink: @Sendable (OutputChannel, [UInt8]) -> Void = { channel, bytes in capture?.append(channel, bytes) }
        if let link = state.withLock({ $0.link }) {
            do throws(ExecutionError) {
                return try await link.run(shellCommand: command, timeoutSeconds: timeoutSeconds, onOutput: sink)
            } catch {
                throw await explained(error, containerID: id)
            }
        }
        return try await execOnce(
            ExecutionJob.timeoutPrefix(timeoutSeconds) + ["sh", "-c", command], containerID: id,
            timeoutSeconds: timeoutSeconds, onOutput: sink)
    }

    /// One exec: create, start (output live), inspect, bounded by the job's timeout plus
    /// the runner's slack. Cancelling kills the container, as an exec cannot be signalled.
    private func execOnce(
        _ command: [String], containerID id: String, timeoutSeconds: Int,
        onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
    ) async throws(ExecutionError) -> Int {
        let spec = ExecSpec(cmd: command, workingDir: ContainerBlueprint.workspace)
        let client = self.client
        let limit = ExecutionJob.longest(timeoutSeconds) + RunnerLink.answerSlack
        let result: Int?
        do {
            result = try await engine("run a block") {
                try await withTaskCancellationHandler {
                    try await withThrowingTaskGroup(of: Int?.self) { group in
                        group.addTask {
                            try await client.runExec(containerID: id, spec: spec) { stream, bytes in
                                onOutput(stream == .stdout ? .stdout : .stderr, bytes)
                            }
                        }
                        group.addTask {
                            try await Task.sleep(for: limit)
                            return nil
                        }
                        defer { group.cancelAll() }
                        return try await group.next() ?? nil
                    }
                } onCancel: { [logger] in
                    Task { await Self.killContainer(id, client: client, logger: logger) }
                }
            }
        } catch {
            // Cancelled: the transfer was aborted and the container killed; not an engine failure.
            if Task.isCancelled { return 137 }
            throw error
        }
        if Task.isCancelled { return 137 }
        guard let result else {
            throw ExecutionError(
                .infrastructure,
                "The engine did not finish an exec within \(limit): the engine or the container is not responding.")
        }
        return result
    }

    /// An error of the runner, with what the engine says about the container.
    private func explained(_ error: ExecutionError, containerID id: String) async -> ExecutionError {
        guard error.endsRun else { return error }
        do {
            let info = try await client.inspectContainer(id)
            if !info.state.running {
                let oom = info.state.oomKilled ? " (out of memory)" : ""
                return ExecutionError(
                    .infrastructure,
                    "The container stopped while a block was running (exit code \(info.state.exitCode)\(oom)).")
            }
        } catch let engineError {
            if case .notFound = engineError {
                return ExecutionError(.infrastructure, "The container was removed while a block was running.")
            }
            return ExecutionError(.infrastructure, "\(error.message) \(engineError.description)")
        }
        return error
    }
}
