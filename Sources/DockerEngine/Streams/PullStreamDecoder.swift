import Foundation

/// Turns the chunks of an image pull's body into progress lines, whatever the chunk boundaries,
/// and an error reported inside the (200) stream into a thrown `EngineError.streamError`.
public struct PullStreamDecoder: Sendable {
    /// The request, for messages.
    public let endpoint: String
    private var lines = JSONLineDecoder()

    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    /// Adds a chunk and hands each progress line it completes to `onProgress`, in order; the lines
    /// before an error line are delivered before the error is thrown.
    public mutating func feed<Bytes: Collection>(
        _ chunk: Bytes,
        _ onProgress: (PullProgress) -> Void
    ) throws(EngineError)
    where Bytes.Element == UInt8 {
        let complete: [[UInt8]]
        do {
            complete = try lines.feed(chunk)
        } catch {
            throw .malformedResponse(endpoint: endpoint, reason: error.description)
        }
        for line in complete { onProgress(try decode(line)) }
    }

    /// Call at end of stream: delivers the last line when it had no newline.
    public mutating func finish(_ onProgress: (PullProgress) -> Void) throws(EngineError) {
        if let last = lines.finish() { onProgress(try decode(last)) }
    }

    private func decode(_ line: [UInt8]) throws(EngineError) -> PullProgress {
        let update: PullProgress
        do {
            update = try JSONDecoder().decode(PullProgress.self, from: Data(line))
        } catch {
            throw .malformedResponse(
                endpoint: endpoint,
                reason: "\(EngineClient.describe(error)) in \(EngineClient.preview(line))")
        }
        if let message = update.error { throw .streamError(endpoint: endpoint, message: message) }
        return update
    }
}
