/// Splits the engine's multiplexed output (`Tty: false`) into frames, whatever the chunk boundaries.
///
/// Each frame is an 8-byte header `[stream, 0, 0, 0, size (big-endian UInt32)]` and `size` bytes of
/// payload. Stream 0 (stdin) and 1 are stdout, 2 is stderr, 3 is an engine error. With a TTY
/// (`multiplexed: false`) every byte is stdout and nothing is buffered.
public struct StreamFrameDecoder: Sendable {
    /// Framing problems; the stream cannot be trusted after one.
    public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A header names a stream other than 0...3 (the output is probably not multiplexed).
        case unknownStream(UInt8)
        /// The stream ended inside a frame header or payload.
        case truncated(pendingBytes: Int)

        public var description: String {
            switch self {
            case .unknownStream(let byte):
                return "a frame header names stream \(byte), which does not exist"
            case .truncated(let pending):
                return "the output stream ended inside a frame (\(pending) bytes left over)"
            }
        }
    }

    /// False for TTY output: bytes pass through as stdout.
    public let multiplexed: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var failed = false

    public init(multiplexed: Bool = true) {
        self.multiplexed = multiplexed
    }

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { buffer.count - start }

    /// Adds a chunk and returns the frames it completes, in order. Empty frames are skipped.
    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) throws(DecodeError) -> [OutputFrame]
    where Bytes.Element == UInt8 {
        guard multiplexed else { return chunk.isEmpty ? [] : [OutputFrame(.stdout, Array(chunk))] }
        if failed { throw .unknownStream(buffer.indices.contains(start) ? buffer[start] : 0) }
        buffer.append(contentsOf: chunk)
        var frames: [OutputFrame] = []
        while buffer.count - start >= 8 {
            let kind: StreamKind
            switch buffer[start] {
            case 0, 1: kind = .stdout
            case 2: kind = .stderr
            case 3: kind = .systemError
            default:
                failed = true
                throw .unknownStream(buffer[start])
            }
            let size = buffer[(start + 4)..<(start + 8)].reduce(0) { ($0 << 8) | Int($1) }
            guard buffer.count - start - 8 >= size else { break }
            if size > 0 {
                frames.append(OutputFrame(kind, Array(buffer[(start + 8)..<(start + 8 + size)])))
            }
            start += 8 + size
        }
        compact()
        return frames
    }

    /// Call at end of stream: throws when the stream stopped inside a frame.
    public func finish() throws(DecodeError) {
        if multiplexed, pendingByteCount > 0 { throw .truncated(pendingBytes: pendingByteCount) }
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        } else if start > 64 * 1024 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
