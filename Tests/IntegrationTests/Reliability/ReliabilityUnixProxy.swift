import EngineTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A byte-for-byte Unix-socket proxy in front of the real engine, to make the engine fail in
/// ways the real dockerd would not on demand: every connection dropped at once (the engine
/// "stopped"), a garbage frame injected into a hijacked exec stream, an answer cut short.
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
            let (rule, refusal) = lock.withLock { (truncation, self.refusal) }
            let refusing = refusal.map { Self.contains(chunk, $0.marker) } ?? false
            if refusing { lock.withLock { refused += 1 } }
            connection.lock.withLock {
                if !connection.hijacked, Self.contains(chunk, Array("Upgrade: tcp".utf8)) { connection.hijacked = true }
                if let rule, Self.contains(chunk, rule.marker) { connection.truncateKeep = rule.keep }
                if refusing { connection.refusal = refusal?.answer }
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

    /// Engine to client: forwards, or cuts an answer short.
    private func pumpAnswers(_ connection: Connection) {
        defer { connection.pumpFinished() }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(connection.server, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { Glibc.shutdown(connection.client, Int32(SHUT_WR)) } else { connection.shutDownBoth() }
                return
            }
            let (keep, refusal) = connection.lock.withLock { (connection.truncateKeep, connection.refusal) }
            if let refusal {
                _ = refusal.withUnsafeBytes { connection.sendToClient($0) }
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
