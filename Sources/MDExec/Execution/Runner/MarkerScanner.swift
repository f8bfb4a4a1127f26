/// Splits one output stream of the runner into the block's own bytes and the runner's
/// markers (`TOKEN payload \n`). Bytes that could be the start of a marker are held back
/// until the next chunk tells; everything else is released at once.
struct MarkerScanner {
    enum Event: Equatable {
        case output([UInt8])
        case marker(String)
    }

    let token: [UInt8]
    private var pending: [UInt8] = []

    init(token: String) {
        self.token = Array(token.utf8)
    }

    /// Feeds a chunk; returns the events it completes, in order.
    mutating func feed(_ bytes: [UInt8]) -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        let first = token[0]
        var start = 0
        while start < pending.count {
            guard let at = pending[start...].firstIndex(of: first) else {
                events.append(.output(Array(pending[start...])))
                start = pending.count
                break
            }
            let available = pending.count - at
            if available < token.count {
                // Could be a marker cut by the chunk boundary: hold it back if it matches so far.
                if pending[at...].elementsEqual(token[0..<available]) {
                    if at > start { events.append(.output(Array(pending[start..<at]))) }
                    start = at
                    break
                }
                events.append(.output(Array(pending[start...at])))
                start = at + 1
                continue
            }
            guard pending[at..<(at + token.count)].elementsEqual(token) else {
                events.append(.output(Array(pending[start...at])))
                start = at + 1
                continue
            }
            let payloadStart = at + token.count
            guard let newline = pending[payloadStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                if at > start { events.append(.output(Array(pending[start..<at]))) }
                start = at
                break
            }
            if at > start { events.append(.output(Array(pending[start..<at]))) }
            events.append(.marker(String(decoding: pending[payloadStart..<newline], as: UTF8.self)))
            start = newline + 1
        }
        pending.removeFirst(start)
        return merge(events)
    }

    /// Whatever is held back, released as output (the stream ended).
    mutating func flush() -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    private func merge(_ events: [Event]) -> [Event] {
        var merged: [Event] = []
        for event in events {
            if case .output(let bytes) = event, case .output(let previous)? = merged.last {
                merged[merged.count - 1] = .output(previous + bytes)
            } else {
                merged.append(event)
            }
        }
        return merged
    }
}
