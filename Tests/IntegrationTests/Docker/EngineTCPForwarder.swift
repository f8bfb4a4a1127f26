import EngineTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Makes the tested engine's Unix socket reachable as `tcp://127.0.0.1:PORT`, so the remote
/// path of the executor (no bind mount: files uploaded into the container) runs against the
/// real engine. Each accepted connection is copied both ways by two threads; upgraded
/// (hijacked) connections work since bytes are copied as they come.
final class EngineTCPForwarder: @unchecked Sendable {
    // @unchecked: `listener` and `port` are set in init and never change; `closed` is guarded by `lock`.
    let port: Int
    private let listener: Int32
    private let socketPath: String
    private let lock = NSLock()
    private var closed = false
    private let acceptEnded = DispatchSemaphore(value: 0)

    /// `DOCKER_HOST` for the forwarded engine.
    var dockerHost: String { "tcp://127.0.0.1:\(port)" }

    init(socketPath: String = EngineGate.socketPath) throws {
        self.socketPath = socketPath
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            Glibc.close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting connections (open ones end when their peers close them). The listener
    /// is closed only once the accept loop has returned: closed earlier, its number could be
    /// reused by another test's socket while the loop still accepts on it.
    func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        _ = acceptEnded.wait(timeout: .now() + 5)
        Glibc.close(listener)
    }

    deinit { close() }

    private func acceptLoop() {
        defer { acceptEnded.signal() }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let engine = connectToEngine()
            guard engine >= 0 else {
                Glibc.close(client)
                continue
            }
            let pair = Pair(client, engine)
            Self.pump(from: client, to: engine, pair: pair)
            Self.pump(from: engine, to: client, pair: pair)
        }
    }

    private func connectToEngine() -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(socketPath.utf8.prefix(capacity - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return -1
        }
        return fd
    }

    /// The two descriptors of one forwarded connection, closed when both directions ended.
    private final class Pair: @unchecked Sendable {
        // @unchecked: `remaining` is guarded by `lock`.
        private let lock = NSLock()
        private var remaining = 2
        private let a: Int32
        private let b: Int32

        init(_ a: Int32, _ b: Int32) {
            self.a = a
            self.b = b
        }

        func finished() {
            let last = lock.withLock {
                remaining -= 1
                return remaining == 0
            }
            if last {
                Glibc.close(a)
                Glibc.close(b)
            }
        }
    }

    /// Copies `source` to `destination` until EOF, then half-closes `destination`; the last
    /// of the two directions to finish closes both descriptors.
    private static func pump(from source: Int32, to destination: Int32, pair: Pair) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            loop: while true {
                let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                var offset = 0
                while offset < count {
                    let written = buffer.withUnsafeBytes {
                        send(destination, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                    }
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { break loop }
                    offset += written
                }
            }
            shutdown(destination, Int32(SHUT_WR))
            shutdown(source, Int32(SHUT_RD))
            pair.finished()
        }
        thread.start()
    }
}
