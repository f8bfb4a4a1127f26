import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into task cancellation, so the run can kill the block, remove
/// the container and write the partial report before exiting 130 or 143. A second signal
/// exits at once.
final class SignalWatcher: @unchecked Sendable {
    // @unchecked: `sources` is written only by `start`, once, before any signal can arrive;
    // `received` is a Mutex.
    private let received = Mutex<Int32?>(nil)
    private var sources: [any DispatchSourceSignal] = []

    /// The signal that arrived, if one did.
    var signal: Int32? { received.withLock { $0 } }

    /// Starts watching; `onSignal` runs once, on the first signal.
    func start(onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in handle(number, onSignal: onSignal) }
            source.resume()
            sources.append(source)
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
