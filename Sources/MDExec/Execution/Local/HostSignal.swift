#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local executor's one way to signal host processes.
enum HostSignal {
    /// Kills a block's process group, or its leader alone if it has not made its group yet.
    static func killGroup(_ pid: Int32) {
        if kill(-pid, SIGKILL) != 0 { _ = kill(pid, SIGKILL) }
    }
}
