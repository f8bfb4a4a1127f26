import Synchronization

/// Collects a block's output as it arrives, within a byte budget: stdout and stderr apart,
/// and both interleaved in arrival order. Bytes beyond the budget are counted and dropped,
/// so memory stays bounded whatever a block prints.
final class OutputCapture: Sendable {
    private struct Buffers {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var interleaved: [UInt8] = []
        var dropped = 0
    }

    /// The most bytes kept of the interleaved output (and of each stream).
    let limit: Int
    private let buffers = Mutex(Buffers())

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Keeps `bytes` while they fit. The first time they do not, the output is cut at the
    /// end of its last whole line (the partial line counts as dropped), or, when its very
    /// first line is longer than the limit, after the limit's bytes of it; every later byte is
    /// dropped. The truncation note always starts a line of its own.
    func append(_ channel: OutputChannel, _ bytes: [UInt8]) {
        buffers.withLock { buffers in
            guard buffers.dropped == 0 else {
                buffers.dropped += bytes.count
                return
            }
            let room = limit - buffers.interleaved.count
            if bytes.count <= room {
                buffers.interleaved.append(contentsOf: bytes)
                switch channel {
                case .stdout: buffers.stdout.append(contentsOf: bytes)
                case .stderr: buffers.stderr.append(contentsOf: bytes)
                }
                return
            }
            let fits = bytes.prefix(max(0, room))
            // A first line longer than the limit keeps its first bytes: nothing would be left.
            let oneLine = !buffers.interleaved.contains(0x0A) && !fits.contains(0x0A)
            let whole = oneLine ? fits : fits.lastIndex(of: 0x0A).map { fits[...$0] } ?? []
            buffers.interleaved.append(contentsOf: whole)
            switch channel {
            case .stdout: buffers.stdout.append(contentsOf: whole)
            case .stderr: buffers.stderr.append(contentsOf: whole)
            }
            buffers.dropped = bytes.count - whole.count
            if oneLine { return }
            // A line begun by earlier writes is cut back to its start as well.
            if whole.isEmpty, let end = buffers.interleaved.lastIndex(of: 0x0A) {
                buffers.dropped += buffers.interleaved.count - end - 1
                buffers.interleaved.removeSubrange((end + 1)...)
            } else if whole.isEmpty {
                buffers.dropped += buffers.interleaved.count
                buffers.interleaved.removeAll()
            }
            for stream in [\Buffers.stdout, \Buffers.stderr] {
                let end = buffers[keyPath: stream].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                buffers[keyPath: stream].removeSubrange(end...)
            }
        }
    }

    /// How many bytes were dropped over the limit.
    var droppedBytes: Int { buffers.withLock { $0.dropped } }

    /// The captured text: invalid UTF-8 replaced by U+FFFD, a visible truncation line when
    /// bytes were dropped, and `Timeout` at the end of a timed-out block's output.
    func text(timedOut: Bool = false) -> CapturedText {
        buffers.withLock { buffers in
            var output = String(decoding: buffers.interleaved, as: UTF8.self)
            if buffers.dropped > 0 {
                if !output.isEmpty && !output.hasSuffix("\n") { output += "\n" }
                output +=
                    "[mdexec: output truncated: \(buffers.dropped) more bytes dropped (limit \(limit) bytes, see --max-output)]\n"
            }
            if timedOut {
                output += output.isEmpty || output.hasSuffix("\n") ? "Timeout" : "\nTimeout"
            }
            return CapturedText(
                stdout: String(decoding: buffers.stdout, as: UTF8.self),
                stderr: String(decoding: buffers.stderr, as: UTF8.self),
                output: output)
        }
    }
}

/// A block's output as text.
struct CapturedText: Sendable, Equatable {
    var stdout: String
    var stderr: String
    /// Both streams interleaved, with the truncation and `Timeout` lines.
    var output: String
}
