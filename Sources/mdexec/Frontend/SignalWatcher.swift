import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into task cancellation, so the run can kill the block, remove
/// the container and write the partial report before exiting 130 or 143. A second signal
/// exits at once.
///
/// The handler is a real `sigaction` handler that writes the signal's number to a pipe,
/// read by a thread of its own: there is no moment at which the signal is ignored (a
/// signal arriving before `start` ends the process the default way, nothing made yet).
final class SignalWatcher: Sendable {
    private let received = Mutex<Int32?>(nil)

    /// The signal that arrived, if one did.
    var signal: Int32? { received.withLock { $0 } }

    /// Starts watching; `onSignal` runs once, on the first signal. Call once per process.
    func start(onSignal: @escaping @Sendable () -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            StandardError.error("warning: cannot watch for signals (pipe: \(String(cString: strerror(errno))))")
            return
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        // A flood of signals never blocks the handler: the first one is all that counts.
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        signalPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let reader = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    handle(Int32(byte), onSignal: onSignal)
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        reader.name = "mdexec-signals"
        reader.start()
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = forwardSignal
            #elseif canImport(Darwin)
            action.__sigaction_u.__sa_handler = forwardSignal
            #endif
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }

    private func handle(_ number: Int32, onSignal: @Sendable () -> Void) {
        let first = received.withLock { value -> Bool in
            guard value == nil else { return false }
            value = number
            return true
        }
        if first {
            StandardError.error(
                "interrupted: stopping the running block and cleaning up (signal again to quit at once)")
            onSignal()
        } else {
            exit(number == SIGINT ? ExitStatus.interrupted : ExitStatus.terminated)
        }
    }

    /// The exit status for the signal received (130 or 143), if any.
    var exitStatus: Int32? {
        signal.map { $0 == SIGINT ? ExitStatus.interrupted : ExitStatus.terminated }
    }
}

/// The pipe's write end; set once by `SignalWatcher.start` before the handler is installed,
/// read only by the handler.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The signal handler: only async-signal-safe calls (`write`), `errno` kept as it was.
private func forwardSignal(_ number: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = saved
}
