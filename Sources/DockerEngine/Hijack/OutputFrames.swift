import Dispatch
import Synchronization

/// The output of a hijacked exec, with flow control: the reader thread may run at most
/// `window` frames ahead of whoever iterates, so a process printing faster than its output
/// is consumed makes the engine wait instead of filling memory.
public struct OutputFrames: AsyncSequence, Sendable {
    public typealias Element = OutputFrame
    public typealias Failure = EngineError

    let base: AsyncThrowingStream<OutputFrame, any Error>
    let credits: FrameCredits
    /// The exec's start, named in errors.
    let endpoint: String

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Failure = EngineError

        var base: AsyncThrowingStream<OutputFrame, any Error>.AsyncIterator
        let credits: FrameCredits
        let endpoint: String

        /// The next frame; nil once the process has ended, the connection was closed or the
        /// iterating task was cancelled.
        public mutating func next() async throws(EngineError) -> OutputFrame? {
            let frame: OutputFrame?
            do {
                frame = try await base.next()
            } catch {
                throw EngineError.wrapping(error, endpoint: endpoint)
            }
            if frame != nil { credits.give() }
            return frame
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), credits: credits, endpoint: endpoint)
    }
}

/// The frames the reader may still deliver before the consumer catches up. `take` blocks
/// the reader thread (never a Swift concurrency thread); `release` ends all waiting.
final class FrameCredits: Sendable {
    private let semaphore: DispatchSemaphore
    private let released = Mutex(false)
    static let window = 16

    init() {
        semaphore = DispatchSemaphore(value: Self.window)
    }

    /// Waits for room for one more frame; false once released (stop reading).
    func take() -> Bool {
        semaphore.wait()
        return !released.withLock { $0 }
    }

    func give() {
        semaphore.signal()
    }

    /// Nobody will consume any more: wake the reader for good.
    func release() {
        released.withLock { $0 = true }
        semaphore.signal()
    }
}
