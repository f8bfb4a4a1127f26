/// One block to run: a file already written in the workspace and the command that runs it.
public struct ExecutionJob: Sendable, Equatable {
    /// The file to run, relative to the workspace.
    public var file: String
    /// The interpreter's argument vector, e.g. `["python"]` or `["sh"]`.
    public var command: [String]
    /// Seconds before the block is timed out (at least 1).
    public var timeoutSeconds: Int
    /// The session to run in (notebook mode); nil: a process of its own (fresh).
    public var session: SessionKey?

    public init(file: String, command: [String], timeoutSeconds: Int, session: SessionKey? = nil) {
        self.file = file
        self.command = command
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.session = session
    }

    /// The shell assignments a fresh job runs under: python unbuffered, so its writes to
    /// stdout and stderr arrive in the order it made them (as in a session), and, for a file
    /// in `.mdexec/`, the workspace (the current directory) first on `PYTHONPATH`: python puts
    /// only the script's folder on `sys.path`, and the document's modules are in the workspace.
    static let unbuffered = "PYTHONUNBUFFERED=1"
    static let workspaceOnPythonPath = #"PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}""#

    /// The argument vector of a fresh job run by an exec of its own: `timeout`, then the
    /// interpreter and the file under the assignments above (through `sh -c`), its stderr
    /// sent into its stdout with `mergeStreams`.
    func freshCommand(mergeStreams: Bool) -> [String] {
        let unnamed = file.hasPrefix(BlockPlanner.unnamedFolder + "/")
        let assignments = Self.unbuffered + (unnamed ? " " + Self.workspaceOnPythonPath : "")
        let script = (mergeStreams ? "exec 2>&1; " : "") + assignments + #" exec "$@""#
        return Self.timeoutPrefix(timeoutSeconds) + ["sh", "-c", script, "sh"] + command + [file]
    }

    /// Seconds between the SIGTERM at a job's timeout and the SIGKILL (`timeout -k`).
    public static let killGraceSeconds = 2

    /// `timeout -k GRACE T`: the prefix every job and mdexec's own commands run under.
    static func timeoutPrefix(_ timeoutSeconds: Int) -> [String] {
        ["timeout", "-k", String(killGraceSeconds), String(timeoutSeconds)]
    }

    /// The longest a job given `timeoutSeconds` can run: its timeout and the kill grace.
    static func longest(_ timeoutSeconds: Int) -> Duration {
        .seconds(timeoutSeconds + killGraceSeconds)
    }
}

/// How one job ended.
public struct ExecutionOutcome: Sendable, Equatable {
    /// The exit code of `timeout -k GRACE T INTERPRETER FILE`: 124 on timeout.
    public var exitCode: Int
    /// The job ran out of time (exit 124, or killed after the grace period).
    public var timedOut: Bool
    /// The job was killed by the kernel for running out of memory.
    public var outOfMemory: Bool
    /// The job was cancelled before it finished.
    public var cancelled: Bool
    /// The session the job ran in (nil: its own process).
    public var session: SessionKey?
    /// Its session had ended before it (exit, signal, timeout kill) and was started anew.
    public var sessionRestarted: Bool

    public init(
        exitCode: Int, timedOut: Bool = false, outOfMemory: Bool = false, cancelled: Bool = false,
        session: SessionKey? = nil, sessionRestarted: Bool = false
    ) {
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.outOfMemory = outOfMemory
        self.cancelled = cancelled
        self.session = session
        self.sessionRestarted = sessionRestarted
    }
}

extension ExecutionOutcome {
    /// Reads an exit code of `timeout -k GRACE T ...`: 124 is a timeout, and so is 137 once
    /// the time is up (the block ignored SIGTERM and was killed after the grace period).
    static func classify(
        exitCode: Int, elapsed: Duration, timeoutSeconds: Int, cancelled: Bool, outOfMemory: Bool = false
    ) -> ExecutionOutcome {
        let timedOut =
            !cancelled
            && (exitCode == 124 || (exitCode == 137 && elapsed >= .seconds(timeoutSeconds)))
        return ExecutionOutcome(
            exitCode: exitCode, timedOut: timedOut, outOfMemory: outOfMemory && !timedOut, cancelled: cancelled)
    }

    /// Reads the runner's answer for `job`: a session block the host timed out gives 124
    /// whatever its code; one that ran in its own process is read as `timeout`'s code.
    static func classify(
        _ answer: RunnerLinkState.Answer, job: ExecutionJob, elapsed: Duration, cancelled: Bool,
        outOfMemory: Bool = false
    ) -> ExecutionOutcome {
        let session = answer.ranFresh ? nil : job.session
        guard session != nil else {
            return classify(
                exitCode: answer.exitCode, elapsed: elapsed, timeoutSeconds: job.timeoutSeconds,
                cancelled: cancelled, outOfMemory: outOfMemory)
        }
        let timedOut = !cancelled && answer.timedOut
        return ExecutionOutcome(
            exitCode: timedOut ? 124 : answer.exitCode, timedOut: timedOut, outOfMemory: outOfMemory && !timedOut,
            cancelled: cancelled, session: session, sessionRestarted: answer.sessionRestarted)
    }
}
