import Synchronization

/// Idle libcurl connections, handed out one transfer at a time so no handle is ever used by two
/// threads at once; a long stream (an exec's output) does not block short calls, which get
/// another connection. A checked-out connection belongs to one thread until it is checked in.
final class CurlConnectionPool: Sendable {
    private let host: DockerHost
    private let idle = Mutex<[CurlConnection]>([])
    private let maximumIdle: Int

    init(host: DockerHost, maximumIdle: Int = 4) {
        self.host = host
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` with a connection of its own, then keeps the connection for reuse.
    func withConnection<T>(_ body: (CurlConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> CurlConnection {
        if let reused = idle.withLock({ $0.popLast() }) { return reused }
        guard let fresh = CurlConnection(host: host) else {
            throw EngineError.transport(endpoint: "libcurl setup", reason: "libcurl could not create a handle")
        }
        return fresh
    }

    private func checkIn(_ connection: CurlConnection) {
        idle.withLock { idle in
            if idle.count < maximumIdle { idle.append(connection) }
        }
    }
}
