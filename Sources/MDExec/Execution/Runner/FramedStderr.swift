import Synchronization

/// A python session writes `sys.stderr` into its stdout, each write between two markers
/// (`\u{1E}mdx-e` ... `\u{1E}mdx-o`), so one pipe keeps stdout and stderr in the order they
/// were written; this splits them apart again. A marker cut across two reads is held until
/// the rest arrives. A block can print the markers itself: that only reclassifies its own
/// output. Unless `--merge-streams` (which needs no framing), the python driver frames.
final class FramedStderr: Sendable {
    static let start = Array("\u{1E}mdx-e".utf8)
    static let end = Array("\u{1E}mdx-o".utf8)

    private struct State {
        var inStderr = false
        var pending: [UInt8] = []
    }

    private let state = Mutex(State())
    private let forward: @Sendable (OutputChannel, [UInt8]) -> Void

    init(forward: @escaping @Sendable (OutputChannel, [UInt8]) -> Void) {
        self.forward = forward
    }

    /// Takes bytes the session wrote; stdout is split, stderr passes through.
    func handle(_ channel: OutputChannel, _ bytes: [UInt8]) {
        guard channel == .stdout else {
            forward(channel, bytes)
            return
        }
        let pieces = state.withLock { state in Self.split(state.pending + bytes, state: &state) }
        for (channel, piece) in pieces where !piece.isEmpty { forward(channel, piece) }
    }

    /// Delivers what is held back (an incomplete marker is output, not a marker).
    func finish() {
        let rest = state.withLock { state in
            defer { state = State() }
            return (state.inStderr ? OutputChannel.stderr : .stdout, state.pending)
        }
        if !rest.1.isEmpty { forward(rest.0, rest.1) }
    }

    private static func split(_ data: [UInt8], state: inout State) -> [(OutputChannel, [UInt8])] {
        var pieces: [(OutputChannel, [UInt8])] = []
        var from = 0
        var at = 0
        state.pending = []
        while at < data.count {
            guard data[at] == 0x1E else {
                at += 1
                continue
            }
            let marker = state.inStderr ? end : start
            let available = min(marker.count, data.count - at)
            guard data[at..<at + available].elementsEqual(marker.prefix(available)) else {
                at += 1
                continue
            }
            guard available == marker.count else {
                // A marker's beginning at the end of this read: hold it back.
                pieces.append((state.inStderr ? .stderr : .stdout, Array(data[from..<at])))
                state.pending = Array(data[at...])
                return pieces
            }
            pieces.append((state.inStderr ? .stderr : .stdout, Array(data[from..<at])))
            state.inStderr.toggle()
            at += marker.count
            from = at
        }
        pieces.append((state.inStderr ? .stderr : .stdout, Array(data[from...])))
        return pieces
    }
}
