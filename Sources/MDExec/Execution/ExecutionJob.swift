/// One block to run: a file already written in the workspace and the command that runs it.
public struct ExecutionJob: Sendable, Equatable {
    /// The file to run, relative to the workspace.
    public var file: String
    /// The interpreter's argument vector, e.g. `["python"]` or `["sh"]`.
    public var command: [String]
    /// Seconds before the block is timed out (at least 1).
    public var timeoutSeconds: Int

    public init(file: String, command: [String], timeoutSeconds: Int) {
        self.file = file
        self.command = command
        self.timeoutSeconds = max(1, timeoutSeconds)
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

    public init(exitCode: Int, timedOut: Bool = false, outOfMemory: Bool = false, cancelled: Bool = false) {
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.outOfMemory = outOfMemory
        self.cancelled = cancelled
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
}
