import CCurl
import CCurlShims
import Foundation
import Synchronization
import SystemPackage

/// A raw byte connection to the engine made by libcurl (`CURLOPT_CONNECT_ONLY`), for the
/// hijacked exec protocol: bytes go out with `curl_easy_send` and come in with `curl_easy_recv`,
/// waiting on the socket with `poll` when libcurl answers `CURLE_AGAIN`.
///
/// `@unchecked Sendable`: a reader thread and a writer queue share it. Every libcurl call and
/// every change of the handle happens under `state` (so the handle is used by one thread at a time);
/// the waits happen outside the lock. A pipe wakes every waiter when the connection is closed.
final class RawConnection: @unchecked Sendable {
    /// What a non-blocking read found.
    enum Received {
        case bytes(Int)
        case wouldBlock
        case endOfStream
    }

    /// What a wait on the socket found.
    enum Readiness {
        case ready
        case closed
        case timedOut
    }

    /// The libcurl handle (nil once released) and whether the connection is closed.
    /// `@unchecked Sendable`: the handle is only used while `state` is locked.
    private struct State: @unchecked Sendable {
        var easy: UnsafeMutableRawPointer?
        var isClosed = false
    }

    let host: DockerHost
    private let state: Mutex<State>
    private let socket: Int32
    private let wakePipe: (read: Int32, write: Int32)

    /// Connects to the engine, blocking the calling thread for at most `timeout`.
    init(host: DockerHost, timeout: Duration) throws {
        CurlRuntime.ensureInitialized()
        self.host = host
        guard let easy = curl_easy_init() else {
            throw EngineError.transport(endpoint: "connect", reason: "libcurl could not create a handle")
        }
        _ = mdexec_curl_setopt_string(easy, CURLOPT_URL, host.baseURL + "/")
        if case .unix(let path) = host.endpoint {
            _ = mdexec_curl_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, path)
        }
        _ = mdexec_curl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout.milliseconds)
        let code = curl_easy_perform(easy)
        guard code == CURLE_OK else {
            var osErrno = 0
            _ = mdexec_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
            curl_easy_cleanup(easy)
            let fallback = String(cString: curl_easy_strerror(code))
            throw EngineError.unreachable(
                host: host, reason: EngineTransport.reason(errno: osErrno, fallback: fallback))
        }
        var socket: curl_socket_t = -1
        _ = mdexec_curl_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket)
        var fds: [Int32] = [-1, -1]
        guard socket >= 0, pipe(&fds) == 0 else {
            curl_easy_cleanup(easy)
            throw EngineError.transport(endpoint: "connect", reason: "no socket after connecting")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        state = Mutex(State(easy: easy))
        self.socket = socket
        wakePipe = (fds[0], fds[1])
    }

    deinit {
        release()
        try? FileDescriptor(rawValue: wakePipe.read).close()
        try? FileDescriptor(rawValue: wakePipe.write).close()
    }

    /// Sends every byte, waiting while the socket is full. Throws once the connection is closed.
    func send(_ bytes: [UInt8], endpoint: String) throws {
        var offset = 0
        while offset < bytes.count {
            let (code, sent) = try lockedCall(endpoint) { easy in
                bytes[offset...].withUnsafeBytes { raw in
                    var sent = 0
                    let code = curl_easy_send(easy, raw.baseAddress, raw.count, &sent)
                    return (code, sent)
                }
            }
            switch code {
            case CURLE_OK: offset += sent
            case CURLE_AGAIN:
                if wait(events: Int16(POLLOUT), timeoutMilliseconds: -1) == .closed {
                    throw EngineError.connectionClosed(endpoint: endpoint)
                }
            default:
                throw EngineError.transport(endpoint: endpoint, reason: String(cString: curl_easy_strerror(code)))
            }
        }
    }

    /// Reads what is available into `buffer` without waiting.
    func receive(into buffer: inout [UInt8], endpoint: String) throws -> Received {
        let (code, count) = try lockedCall(endpoint) { easy in
            buffer.withUnsafeMutableBytes { raw in
                var count = 0
                let code = curl_easy_recv(easy, raw.baseAddress, raw.count, &count)
                return (code, count)
            }
        }
        switch code {
        case CURLE_OK: return count == 0 ? .endOfStream : .bytes(count)
        case CURLE_AGAIN: return .wouldBlock
        default:
            throw EngineError.transport(endpoint: endpoint, reason: String(cString: curl_easy_strerror(code)))
        }
    }

    /// Waits until the socket is readable (or writable for `POLLOUT`), the connection is closed,
    /// or the timeout passes (-1: no timeout).
    func wait(events: Int16 = Int16(POLLIN), timeoutMilliseconds: Int32) -> Readiness {
        var fds = [
            pollfd(fd: socket, events: events, revents: 0),
            pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let result = poll(&fds, 2, timeoutMilliseconds)
            if result < 0 && errno == EINTR { continue }
            if result == 0 { return .timedOut }
            if result < 0 || fds[1].revents != 0 { return .closed }
            return .ready
        }
    }

    /// Half-closes the connection: the engine sees end of input and closes the process's stdin.
    func shutdownWrite(endpoint: String) throws {
        _ = try lockedCall(endpoint) { _ in shutdown(socket, Int32(SHUT_WR)) }
    }

    /// Closes the connection for both directions and wakes every waiter. Idempotent.
    func close() {
        let first = state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        if first {
            // A full pipe already wakes every waiter, so a failed write changes nothing.
            _ = try? FileDescriptor(rawValue: wakePipe.write).writeAll(CollectionOfOne(UInt8(1)))
        }
    }

    /// Frees the libcurl handle (closing the socket) once no one needs it; called by the reader
    /// when it stops.
    func release() {
        close()
        state.withLock { state in
            if let easy = state.easy { curl_easy_cleanup(easy) }
            state.easy = nil
        }
    }

    private func lockedCall<T>(_ endpoint: String, _ body: (UnsafeMutableRawPointer) -> T) throws -> T {
        try state.withLock { state throws(EngineError) -> T in
            guard let easy = state.easy, !state.isClosed else { throw .connectionClosed(endpoint: endpoint) }
            return body(easy)
        }
    }
}
