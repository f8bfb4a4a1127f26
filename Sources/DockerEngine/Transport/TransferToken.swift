import CCurl
import Synchronization

/// Cancellation for one libcurl transfer, set from any thread.
final class TransferToken: Sendable {
    /// `@unchecked Sendable`: the multi handle is touched only under the token's lock.
    private struct State: @unchecked Sendable {
        var cancelled = false
        /// The multi handle driving the transfer, only while it runs.
        var multi: UnsafeMutableRawPointer?
    }

    // The multi handle is woken only under the lock and only while attached, so a wake-up
    // never reaches a handle that was returned to the pool or freed.
    private let state = Mutex(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Marks the transfer cancelled and wakes libcurl out of its poll.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if let multi = state.multi { curl_multi_wakeup(multi) }
        }
    }

    func attach(_ handle: UnsafeMutableRawPointer) {
        state.withLock { $0.multi = handle }
    }

    func detach() {
        state.withLock { $0.multi = nil }
    }
}
