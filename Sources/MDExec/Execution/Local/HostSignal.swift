#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local executor's one way to signal host processes.
enum HostSignal {
    /// Signals a running block's process group (SIGKILL, or SIGINT at a session block's
    /// timeout), or its leader alone if it has not made its group yet (the leader is known
    /// to be alive: it is the block being signalled).
    static func signalBlock(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 { _ = kill(pid, signal) }
    }

    /// Kills a process group left by an earlier block, never a lone pid: that block's
    /// leader may be long gone and its pid reused.
    static func killGroup(_ group: Int32) {
        _ = kill(-group, SIGKILL)
    }
}
