import Dispatch
import Foundation

/// An exec started over a raw (hijacked) connection: write to the process's stdin while its
/// output arrives, demultiplexed, on `output`.
///
/// Output is read on a thread of its own (never on the Swift concurrency pool), with
/// `curl_easy_recv` and `poll` on the socket. `output` finishes when the process ends and the
/// engine closes the connection (then ask `EngineClient.inspectExec` for the exit code), or
/// when `close()` is called; it throws if the connection fails or the framing is broken.
/// Ending the iteration of `output` early (by cancelling the iterating task) closes the connection.
public final class HijackedExec: Sendable {
    public let id: String
    /// The process's output in arrival order (at most a few frames are buffered ahead of
    /// the consumer).
    public let output: OutputFrames
    private let connection: RawConnection
    private let writer = DispatchQueue(label: "mdexec.engine.hijack.writer")
    private let endpoint: String

    init(id: String, connection: RawConnection, tty: Bool, initialBytes: [UInt8], endpoint: String) {
        self.id = id
        self.connection = connection
        self.endpoint = endpoint
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: OutputFrame.self)
        let credits = FrameCredits()
        output = OutputFrames(base: stream, credits: credits, endpoint: endpoint)
        continuation.onTermination = { termination in
            credits.release()
            if case .cancelled = termination { connection.close() }
        }
        let thread = Thread {
            Self.readLoop(
                connection: connection, tty: tty, initialBytes: initialBytes,
                continuation: continuation, credits: credits, endpoint: endpoint)
        }
        thread.name = "mdexec.engine.hijack.reader"
        thread.start()
    }

    deinit {
        connection.close()
    }

    /// Sends bytes to the process's stdin, in order with earlier writes. Waits while the
    /// process is not reading. Cancelling the calling task closes the connection.
    public func write(_ bytes: [UInt8]) async throws(EngineError) {
        try await onWriter { connection, endpoint in try connection.send(bytes, endpoint: endpoint) }
    }

    /// Sends a string's UTF-8 bytes to the process's stdin.
    public func write(_ text: String) async throws(EngineError) {
        try await write(Array(text.utf8))
    }

    /// Ends the process's stdin (after earlier writes), as a pipe closing would; output keeps coming.
    public func closeWrite() async throws(EngineError) {
        try await onWriter { connection, endpoint in try connection.shutdownWrite(endpoint: endpoint) }
    }

    /// Closes the connection: `output` finishes and further writes fail. The process itself
    /// keeps running in the container unless it exits on its own (kill it to stop it).
    public func close() {
        connection.close()
    }

    private func onWriter(_ work: @escaping @Sendable (RawConnection, String) throws -> Void) async throws(EngineError)
    {
        let connection = self.connection
        let endpoint = self.endpoint
        let writer = self.writer
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    writer.async {
                        continuation.resume(with: Result { try work(connection, endpoint) })
                    }
                }
            } onCancel: {
                connection.close()
            }
        } catch {
            throw EngineError.wrapping(error, endpoint: endpoint)
        }
    }

    private static func readLoop(
        connection: RawConnection, tty: Bool, initialBytes: [UInt8],
        continuation: AsyncThrowingStream<OutputFrame, any Error>.Continuation,
        credits: FrameCredits, endpoint: String
    ) {
        defer { connection.release() }
        var decoder = StreamFrameDecoder(multiplexed: !tty)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        /// Hands a frame over once the consumer has room for it; false when nobody listens.
        func deliver(_ frames: [OutputFrame]) -> Bool {
            for frame in frames {
                guard credits.take() else { return false }
                continuation.yield(frame)
            }
            return true
        }
        do {
            guard deliver(try decoder.feed(initialBytes)) else { return }
            reading: while true {
                switch try connection.receive(into: &buffer, endpoint: endpoint) {
                case .bytes(let count):
                    guard deliver(try decoder.feed(buffer[..<count])) else { break reading }
                case .wouldBlock:
                    if connection.wait(timeoutMilliseconds: -1) == .closed { break reading }
                case .endOfStream:
                    try decoder.finish()
                    break reading
                }
            }
            continuation.finish()
        } catch EngineError.connectionClosed {
            continuation.finish()
        } catch let error as StreamFrameDecoder.DecodeError {
            continuation.finish(throwing: EngineError.malformedResponse(endpoint: endpoint, reason: "\(error)"))
        } catch {
            continuation.finish(throwing: error)
        }
    }
}
