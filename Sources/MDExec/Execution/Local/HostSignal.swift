#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local executor's one way to signal host processes.
enum HostSignal {
    /// Kills a running block's process group, or its leader alone if it has not made its
    /// group yet (the leader is known to be alive: it is the block being cancelled).
    static func killBlock(_ pid: Int32) {
        if kill(-pid, SIGKILL) != 0 { _ = kill(pid, SIGKILL) }
    }

    /// Kills a process group left by an earlier block, never a lone pid: that block's
    /// leader may be long gone and its pid reused.
    static func killGroup(_ group: Int32) {
        _ = kill(-group, SIGKILL)
    }
}
