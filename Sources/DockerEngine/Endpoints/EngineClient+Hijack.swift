import Dispatch
import Foundation

extension EngineClient {
    /// Starts an exec created with `attachStdin: true` over a raw connection and returns it
    /// attached: write its stdin, read its output. `tty` must match the exec's `Tty`.
    /// The handshake (connect, request, `101 UPGRADED`) is bounded by `requestTimeout`.
    public func attachExec(_ id: String, tty: Bool = false) async throws(EngineError) -> HijackedExec {
        let version = try await apiVersion()
        let endpoint = Self.endpoint(.post, "/exec/\(id)/start", [])
        let request = Self.hijackRequest(
            path: "/v\(version)/exec/\(Self.segment(id))/start",
            hostHeader: host.hostHeader,
            body: try encode(ExecStartBody(detach: false, tty: tty)))
        let host = self.host
        let connectTimeout = transport.connectTimeout
        let deadline = ContinuousClock.now + requestTimeout
        let timeout = requestTimeout
        let started = ContinuousClock.now
        let attached: (RawConnection, [UInt8])
        do {
            attached = try await upgrade(
                request, host: host, connectTimeout: connectTimeout, deadline: deadline, timeout: timeout,
                endpoint: endpoint)
            logCall(endpoint, "101 (attached)", since: started)
        } catch {
            logCall(endpoint, "failed (\(error))", since: started)
            throw EngineError.wrapping(error, endpoint: endpoint)
        }
        let (connection, leftover) = attached
        return HijackedExec(id: id, connection: connection, tty: tty, initialBytes: leftover, endpoint: endpoint)
    }

    /// Connects, sends the start request and reads the engine's upgrade answer, off the
    /// concurrency pool (the socket calls block).
    private func upgrade(
        _ request: [UInt8], host: DockerHost, connectTimeout: Duration, deadline: ContinuousClock.Instant,
        timeout: Duration, endpoint: String
    ) async throws -> (RawConnection, [UInt8]) {
        try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(RawConnection, [UInt8]), any Error>) in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let connection = try RawConnection(host: host, timeout: connectTimeout)
                        do {
                            try connection.send(request, endpoint: endpoint)
                            let leftover = try Self.readUpgrade(
                                connection, deadline: deadline, timeout: timeout,
                                endpoint: endpoint)
                            return (connection, leftover)
                        } catch {
                            connection.release()
                            throw error
                        }
                    })
            }
        }
    }

    static func hijackRequest(path: String, hostHeader: String, body: [UInt8]) -> [UInt8] {
        let head =
            "POST \(path) HTTP/1.1\r\n"
            + "Host: \(hostHeader)\r\n"
            + "User-Agent: mdexec\r\n"
            + "Content-Type: application/json\r\n"
            + "Connection: Upgrade\r\n"
            + "Upgrade: tcp\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Reads the answer to the start request. On `101` (or a `200` followed by the raw stream)
    /// returns the bytes already received after the head: they belong to the stream.
    private static func readUpgrade(
        _ connection: RawConnection, deadline: ContinuousClock.Instant,
        timeout: Duration, endpoint: String
    ) throws -> [UInt8] {
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard try read(connection, into: &received, deadline: deadline, timeout: timeout, endpoint: endpoint) else {
                throw EngineError.malformedResponse(
                    endpoint: endpoint,
                    reason: "the engine closed the connection before answering")
            }
            headEnd = HTTPResponseHead.end(in: received)
            if headEnd == nil, received.count > 64 * 1024 {
                throw EngineError.malformedResponse(endpoint: endpoint, reason: "the response head is too long")
            }
        }
        let end = headEnd!
        guard let head = HTTPResponseHead(received[..<end]) else {
            throw EngineError.malformedResponse(
                endpoint: endpoint,
                reason: "not an HTTP response: \(preview(Array(received.prefix(80))))")
        }
        if head.status == 101 || head.status == 200 { return Array(received[end...]) }

        // An error answer: read its body (by Content-Length, or until the engine closes).
        var body = Array(received[end...])
        let expected = head.headers["content-length"].flatMap(Int.init) ?? Int.max
        while body.count < min(expected, 64 * 1024),
            try read(connection, into: &body, deadline: deadline, timeout: timeout, endpoint: endpoint)
        {}
        let message = message(from: body)
        if head.status == 404 { throw EngineError.notFound(message: message, endpoint: endpoint) }
        throw EngineError.api(status: head.status, message: message, endpoint: endpoint)
    }

    /// Appends what arrives next; false at end of stream. Throws `timeout` past the deadline.
    private static func read(
        _ connection: RawConnection, into bytes: inout [UInt8],
        deadline: ContinuousClock.Instant, timeout: Duration, endpoint: String
    ) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            switch try connection.receive(into: &buffer, endpoint: endpoint) {
            case .bytes(let count):
                bytes.append(contentsOf: buffer[..<count])
                return true
            case .endOfStream:
                return false
            case .wouldBlock:
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw EngineError.timeout(endpoint: endpoint, after: timeout) }
                switch connection.wait(timeoutMilliseconds: Int32(clamping: remaining.milliseconds)) {
                case .ready: continue
                case .timedOut: throw EngineError.timeout(endpoint: endpoint, after: timeout)
                case .closed: throw EngineError.connectionClosed(endpoint: endpoint)
                }
            }
        }
    }
}
