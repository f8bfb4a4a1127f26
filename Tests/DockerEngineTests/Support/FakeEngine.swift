import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on a Unix socket, for protocol details the real engine will not
/// produce on demand (an error inside a 200 pull stream, truncated or malformed answers).
/// Each connection gets one answer, written in the given pieces, and is then closed.
final class FakeEngine: Sendable {
    /// One canned answer: the raw bytes, in pieces written separately to force chunk splits.
    struct Answer: Sendable {
        var pieces: [[UInt8]]
        /// Seconds to wait before writing anything.
        var delay: Double = 0

        /// A complete response with `Content-Length`.
        static func json(_ status: Int, _ body: String) -> Answer {
            Answer(pieces: [
                Array(
                    ("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\n"
                        + "Api-Version: 1.41\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
                        + body).utf8)
            ])
        }

        /// A body without length, ended by closing, sent in the given pieces.
        static func stream(_ status: Int, _ pieces: [[UInt8]]) -> Answer {
            Answer(
                pieces: [
                    Array("HTTP/1.1 \(status) OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".utf8)
                ]
                    + pieces)
        }
    }

    let path: String
    private let listener: Int32
    /// Request lines seen (`GET /v1.41/_ping HTTP/1.1`), in order.
    let requests = Mutexed<[String]>([])
    /// Signalled when the accept thread has returned.
    private let acceptEnded = DispatchSemaphore(value: 0)

    /// Starts serving; `answer` maps a request line to a canned answer.
    init(answer: @escaping @Sendable (String) -> Answer) throws {
        let path = "/tmp/mdexec-fake-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        self.path = path
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        let requests = self.requests
        let acceptEnded = self.acceptEnded
        let thread = Thread {
            defer { acceptEnded.signal() }
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                let line = Self.readRequest(client)
                requests.withLock { $0.append(line) }
                let canned = answer(line)
                if canned.delay > 0 { usleep(UInt32(canned.delay * 1_000_000)) }
                for (index, piece) in canned.pieces.enumerated() {
                    if index > 0 { usleep(2000) }
                    _ = piece.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                close(client)
            }
        }
        thread.start()
    }

    /// The host to give an `EngineClient`.
    var host: String { "unix://\(path)" }

    /// Stops serving. The listener is closed only once the accept thread has returned:
    /// closed earlier, its number could be reused by the next fake's listener, and this
    /// fake's thread would then answer that fake's connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        _ = acceptEnded.wait(timeout: .now() + 5)
        close(listener)
        unlink(path)
    }

    /// Reads the request head and body (by Content-Length); returns the request line.
    private static func readRequest(_ fd: Int32) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[..<count])
            let text = String(decoding: data, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound]
            let length =
                head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.distance(from: headEnd.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex)
                >= length
            {
                break
            }
        }
        return String(String(decoding: data, as: UTF8.self).split(separator: "\r\n").first ?? "")
    }
}

/// A lock-guarded value for test bookkeeping shared with callbacks.
final class Mutexed<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}
