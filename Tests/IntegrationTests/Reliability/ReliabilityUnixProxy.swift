import EngineTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A byte-for-byte Unix-socket proxy in front of the real engine, to make the engine fail in
/// ways the real dockerd would not on demand: every connection dropped at once (the engine
/// "stopped"), a garbage frame injected into a hijacked exec stream, an answer cut short or
/// rewritten.
/// Each accepted connection gets its own upstream connection and two pump threads.
final class RelUnixProxy: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock` (or a connection's own lock).
    let path: String
    private let upstream: String
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var connections: [Connection] = []
    private var stopped = false
    private var truncation: (marker: [UInt8], keep: Int)?
    private var refusal: (marker: [UInt8], answer: [UInt8])?
    private var rewrites: [Rewrite] = []
    private var acceptThreadDone = false

    /// One client connection and its upstream connection.
    final class Connection: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        let client: Int32
        let server: Int32
        let lock = NSLock()
        var hijacked = false
        var truncateKeep: Int?
        /// The canned answer that replaces the engine's to the request in flight.
        var refusal: [UInt8]?
        /// What the body of the engine's answer to the request in flight is turned into.
        var rewrite: (@Sendable ([UInt8]) -> [UInt8])?
        private var pumps = 2
        private var isShutDown = false

        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }

        func shutDownBoth() {
            lock.withLock {
                guard !isShutDown else { return }
                isShutDown = true
                Glibc.shutdown(client, Int32(SHUT_RDWR))
                Glibc.shutdown(server, Int32(SHUT_RDWR))
            }
        }

        /// The last pump to finish closes both descriptors (never earlier: a closed number
        /// could be reused by another thread of the test process).
        func pumpFinished() {
            let last = lock.withLock { () -> Bool in
                pumps -= 1
                return pumps == 0
            }
            if last {
                Glibc.close(client)
                Glibc.close(server)
            }
        }

        /// Sends to the client under the lock, so injected bytes never split a forwarded chunk.
        func sendToClient(_ bytes: UnsafeRawBufferPointer) -> Bool {
            lock.withLock { RelUnixProxy.sendAll(client, bytes) }
        }
    }

    /// Listens on a new socket under /tmp and forwards to `upstream`.
    init(upstream: String = EngineGate.socketPath) throws {
        self.upstream = upstream
        path = "/tmp/mdexec-rel-proxy-\(UUID().uuidString.prefix(8).lowercased()).sock"
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        guard Self.withAddress(path, { bind(fd, $0, $1) }) == 0, listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw CocoaError(.fileWriteUnknown)
        }
        listener = fd
        Thread.detachNewThread { [self] in acceptLoop(fd) }
    }

    deinit { stop() }

    /// `DOCKER_HOST` for mdexec.
    var dockerHost: String { "unix://" + path }

    /// The number of connections accepted so far.
    var connectionCount: Int { lock.withLock { connections.count } }

    /// The engine "stops": the socket disappears and every connection is dropped at once.
    func stop() {
        let all = lock.withLock { () -> [Connection] in
            stopped = true
            return connections
        }
        unlink(path)
        for connection in all { connection.shutDownBoth() }
    }

    /// Writes `bytes` into every hijacked (upgraded) connection's stream towards the client,
    /// as if the engine had sent them; the connections stay open. Returns how many were hit.
    @discardableResult
    func injectIntoHijacked(_ bytes: [UInt8]) -> Int {
        let hijacked = lock.withLock { connections }.filter { connection in
            connection.lock.withLock { connection.hijacked }
        }
        for connection in hijacked {
            _ = bytes.withUnsafeBytes { connection.sendToClient($0) }
        }
        return hijacked.count
    }

    /// From now on, the answer to a request containing `marker` is cut after `keep` bytes and
    /// its connection closed.
    func truncateAnswers(toRequestsContaining marker: String, keeping keep: Int) {
        lock.withLock { truncation = (Array(marker.utf8), keep) }
    }

    /// From now on, a request containing `marker` still reaches the engine, but the client
    /// gets `status` with the engine-style `{"message": ...}` instead of the engine's answer,
    /// and the connection is closed: the engine "refuses" that call.
    func refuseRequests(containing marker: String, status: Int, message: String) {
        let body = #"{"message":"\#(message)"}"#
        let answer =
            "HTTP/1.1 \(status) Refused\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        lock.withLock { refusal = (Array(marker.utf8), Array(answer.utf8)) }
    }

    /// How many requests were refused so far.
    var refusedCount: Int { lock.withLock { refused } }
    private var refused = 0

    /// Which requests get their answer rewritten, and how.
    private struct Rewrite {
        let matches: @Sendable (String) -> Bool
        let transform: @Sendable ([UInt8]) -> [UInt8]
    }

    /// From now on, the engine's answer to a request whose request line (`GET /version HTTP/1.1`)
    /// `matches` is read whole, its body passed through `transform` and sent on with its new
    /// length, and the connection closed: the engine "answers" differently. The first rule
    /// that matches applies.
    func rewriteAnswers(
        toRequests matches: @escaping @Sendable (String) -> Bool,
        _ transform: @escaping @Sendable ([UInt8]) -> [UInt8]
    ) {
        lock.withLock { rewrites.append(Rewrite(matches: matches, transform: transform)) }
    }

    /// How many answers were rewritten so far.
    var rewrittenCount: Int { lock.withLock { rewritten } }
    private var rewritten = 0

    // MARK: - Threads

    private func acceptLoop(_ fd: Int32) {
        defer {
            Glibc.close(fd)
            lock.withLock { acceptThreadDone = true }
        }
        while !lock.withLock({ stopped }) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard server >= 0, Self.withAddress(upstream, { connect(server, $0, $1) }) == 0 else {
                if server >= 0 { Glibc.close(server) }
                Glibc.close(client)
                continue
            }
            let connection = Connection(client: client, server: server)
            let accepted = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                connections.append(connection)
                return true
            }
            guard accepted else {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            Thread.detachNewThread { [self] in pumpRequests(connection) }
            Thread.detachNewThread { [self] in pumpAnswers(connection) }
        }
    }

    /// Client to engine: notes upgrades and requests whose answer is to be cut.
    private func pumpRequests(_ connection: Connection) {
        defer { connection.pumpFinished() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection.client, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { Glibc.shutdown(connection.server, Int32(SHUT_WR)) } else { connection.shutDownBoth() }
                return
            }
            let chunk = buffer[0..<n]
            let (rule, refusal, rewrites) = lock.withLock { (truncation, self.refusal, self.rewrites) }
            let refusing = refusal.map { Self.contains(chunk, $0.marker) } ?? false
            if refusing { lock.withLock { refused += 1 } }
            let requestLine = Self.requestLine(chunk)
            let rewrite = requestLine.flatMap { line in rewrites.first { $0.matches(line) } }
            connection.lock.withLock {
                if !connection.hijacked, Self.contains(chunk, Array("Upgrade: tcp".utf8)) { connection.hijacked = true }
                if let rule, Self.contains(chunk, rule.marker) { connection.truncateKeep = rule.keep }
                if refusing { connection.refusal = refusal?.answer }
                if let rewrite { connection.rewrite = rewrite.transform }
            }
            let sent = buffer.withUnsafeBytes {
                Self.sendAll(connection.server, UnsafeRawBufferPointer(rebasing: $0[0..<n]))
            }
            guard sent else {
                connection.shutDownBoth()
                return
            }
        }
    }

    /// Engine to client: forwards, cuts an answer short, or rewrites it.
    private func pumpAnswers(_ connection: Connection) {
        defer { connection.pumpFinished() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var held: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection.server, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { Glibc.shutdown(connection.client, Int32(SHUT_WR)) } else { connection.shutDownBoth() }
                return
            }
            let (keep, refusal, rewrite) = connection.lock.withLock {
                (connection.truncateKeep, connection.refusal, connection.rewrite)
            }
            if let refusal {
                _ = refusal.withUnsafeBytes { connection.sendToClient($0) }
                connection.shutDownBoth()
                return
            }
            if let rewrite {
                held += buffer[0..<n]
                guard let (head, body) = Self.completeAnswer(held) else { continue }
                let answer = Self.answer(head: head, body: rewrite(body))
                lock.withLock { rewritten += 1 }
                _ = answer.withUnsafeBytes { connection.sendToClient($0) }
                connection.shutDownBoth()
                return
            }
            let count = keep.map { min($0, n) } ?? n
            let sent = buffer.withUnsafeBytes {
                connection.sendToClient(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
            }
            if keep != nil || !sent {
                connection.shutDownBoth()
                return
            }
        }
    }

    // MARK: - HTTP

    /// The request line (`GET /version HTTP/1.1`) when `chunk` starts a request.
    private static func requestLine(_ chunk: ArraySlice<UInt8>) -> String? {
        guard let end = chunk.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
        let line = String(decoding: chunk[chunk.startIndex..<end], as: UTF8.self)
        return line.hasSuffix(" HTTP/1.1") || line.hasSuffix(" HTTP/1.0") ? line : nil
    }

    /// The head (status line and headers, without the blank line) and the body (de-chunked)
    /// once `bytes` hold a whole answer.
    private static func completeAnswer(_ bytes: [UInt8]) -> (head: [String], body: [UInt8])? {
        let separator = Array("\r\n\r\n".utf8)
        guard let headEnd = index(of: separator, in: bytes[...]) else { return nil }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let rest = bytes[(headEnd + separator.count)...]
        func header(_ name: String) -> String? {
            head.dropFirst().first { $0.lowercased().hasPrefix(name + ":") }.map {
                String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        if let length = header("content-length").flatMap(Int.init) {
            return rest.count >= length ? (head, Array(rest.prefix(length))) : nil
        }
        guard header("transfer-encoding")?.lowercased() == "chunked" else { return nil }
        var body: [UInt8] = []
        var at = rest.startIndex
        while true {
            guard let lineEnd = index(of: Array("\r\n".utf8), in: rest[at...]) else { return nil }
            let sizeText = String(decoding: rest[at..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            if size == 0 { return (head, body) }
            let start = lineEnd + 2
            guard rest.endIndex >= start + size + 2 else { return nil }
            body += rest[start..<(start + size)]
            at = start + size + 2
        }
    }

    /// An answer with `head`'s status and headers (but its own length, and no keep-alive).
    private static func answer(head: [String], body: [UInt8]) -> [UInt8] {
        let dropped = ["content-length:", "transfer-encoding:", "connection:"]
        let kept = head.filter { line in !dropped.contains { line.lowercased().hasPrefix($0) } }
        let lines = kept + ["Content-Length: \(body.count)", "Connection: close"]
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }

    private static func index(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        while i <= haystack.endIndex - needle.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: - Sockets

    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var i = haystack.startIndex
        while i <= haystack.endIndex - needle.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
