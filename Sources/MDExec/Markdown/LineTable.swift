#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where every line of a document starts, found in one pass over its bytes.
///
/// Line endings are the CommonMark ones, as libcmark counts them: `\n`, `\r\n`, or a
/// lone `\r`. Line numbers therefore agree with libcmark's positions.
struct LineTable: Sendable {
    /// `starts[i]` is the byte offset of line `i + 1`; one extra entry holds the
    /// document's length, so line `n` spans `starts[n - 1] ..< starts[n]`.
    let starts: [Int]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var starts: [Int] = [0]
        starts.reserveCapacity(bytes.count / 32 + 2)
        let count = bytes.count
        if let base = bytes.baseAddress, memchr(base, 0x0D, count) == nil {
            // No CR anywhere (the usual case): only `\n` ends lines, and memchr finds them.
            var from = 0
            while from < count, let found = memchr(base + from, 0x0A, count - from) {
                from = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
                starts.append(from)
            }
        } else {
            var i = 0
            while i < count {
                let byte = bytes[i]
                if byte == 0x0A {
                    starts.append(i + 1)
                } else if byte == 0x0D {
                    if i + 1 < count, bytes[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        if starts.last != count { starts.append(count) }
        self.starts = starts
    }

    /// The number of lines: a last line without a terminator counts; an empty document has none.
    var lineCount: Int { starts.count - 1 }

    /// Bytes of 1-based `line` including its terminator; empty when out of range.
    func range(_ line: Int) -> Range<Int> {
        guard line >= 1 else { return 0..<0 }
        guard line <= lineCount else { return starts[lineCount]..<starts[lineCount] }
        return starts[line - 1]..<starts[line]
    }

    /// Bytes of 1-based `line` without its terminator.
    func contentRange(_ line: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let whole = range(line)
        var end = whole.upperBound
        if end > whole.lowerBound, bytes[end - 1] == 0x0A { end -= 1 }
        if end > whole.lowerBound, bytes[end - 1] == 0x0D { end -= 1 }
        return whole.lowerBound..<end
    }
}
