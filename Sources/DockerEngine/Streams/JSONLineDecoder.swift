/// Splits a stream of newline-separated JSON values into lines, whatever the chunk boundaries.
///
/// Blank lines are dropped and a trailing `\r` is removed. A line longer than `maximumLineLength`
/// is an error, so a misbehaving peer cannot grow memory without bound.
public struct JSONLineDecoder: Sendable {
    /// The stream broke the line rules.
    public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        case lineTooLong(limit: Int)

        public var description: String {
            switch self {
            case .lineTooLong(let limit): return "a line of the JSON stream is longer than \(limit) bytes"
            }
        }
    }

    public let maximumLineLength: Int
    private var partial: [UInt8] = []

    public init(maximumLineLength: Int = 4 << 20) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk and returns the complete lines it ends (without their newline).
    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) throws(DecodeError) -> [[UInt8]]
    where Bytes.Element == UInt8 {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if let line = Self.trimmed(partial) { lines.append(line) }
                partial.removeAll(keepingCapacity: true)
            } else {
                guard partial.count < maximumLineLength else { throw .lineTooLong(limit: maximumLineLength) }
                partial.append(byte)
            }
        }
        return lines
    }

    /// Call at end of stream: the last line when it had no newline, nil otherwise.
    public mutating func finish() -> [UInt8]? {
        defer { partial.removeAll() }
        return Self.trimmed(partial)
    }

    private static func trimmed(_ line: [UInt8]) -> [UInt8]? {
        var slice = line[...]
        while let last = slice.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { slice.removeLast() }
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { slice.removeFirst() }
        return slice.isEmpty ? nil : Array(slice)
    }
}
