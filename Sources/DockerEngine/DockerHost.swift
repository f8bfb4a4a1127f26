import Foundation

/// Where the Docker engine listens: a Unix socket or a plain TCP address, as in `DOCKER_HOST`.
public struct DockerHost: Sendable, Hashable, CustomStringConvertible {
    /// The transport to the engine.
    public enum Endpoint: Sendable, Hashable {
        /// A Unix domain socket at this path.
        case unix(path: String)
        /// A plain (non-TLS) TCP address.
        case tcp(host: String, port: Int)
    }

    /// The default engine socket, used when `DOCKER_HOST` is not set.
    public static let defaultSocketPath = "/var/run/docker.sock"

    public let endpoint: Endpoint

    public init(_ endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    /// The engine on the local default socket.
    public static var local: DockerHost { DockerHost(.unix(path: defaultSocketPath)) }

    /// Parses a `DOCKER_HOST` value: `unix:///path` or `tcp://host:port` (`tcp://host` means port 2375).
    public init(parsing value: String) throws(EngineError) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("unix://") {
            let path = String(trimmed.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw EngineError.invalidHost(
                    value, reason: "a unix socket path must be absolute, as in unix:///var/run/docker.sock")
            }
            self.init(.unix(path: path))
        } else if trimmed.hasPrefix("tcp://") {
            var rest = String(trimmed.dropFirst("tcp://".count))
            if rest.hasSuffix("/") { rest.removeLast() }
            let (host, port) = try Self.splitHostPort(rest, original: value)
            self.init(.tcp(host: host, port: port))
        } else {
            throw EngineError.invalidHost(value, reason: "only unix:// and tcp:// addresses are supported")
        }
    }

    /// The host named by the `DOCKER_HOST` environment variable, or the local socket when it is absent or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(EngineError) -> DockerHost
    {
        guard let value = environment["DOCKER_HOST"], !value.isEmpty else { return .local }
        return try DockerHost(parsing: value)
    }

    /// True when the engine is reached over the network (its files are not the local files).
    public var isRemote: Bool {
        if case .tcp = endpoint { return true }
        return false
    }

    /// The address as written in `DOCKER_HOST`, for messages.
    public var description: String {
        switch endpoint {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port):
            return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }

    /// The URL prefix libcurl is given; for a Unix socket the host part is ignored by the engine.
    var baseURL: String {
        switch endpoint {
        case .unix: return "http://localhost"
        case .tcp(let host, let port):
            return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        }
    }

    /// The `Host` header value for raw (hijacked) requests.
    var hostHeader: String {
        switch endpoint {
        case .unix: return "localhost"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    private static func splitHostPort(_ text: String, original: String) throws(EngineError) -> (String, Int) {
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw EngineError.invalidHost(original, reason: "an IPv6 address must be closed with ]")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = String(after.dropFirst())
            } else if !after.isEmpty {
                throw EngineError.invalidHost(original, reason: "unexpected text after the address")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, !host.contains("/") else {
            throw EngineError.invalidHost(original, reason: "expected tcp://HOST:PORT")
        }
        guard let portText else { return (host, 2375) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw EngineError.invalidHost(original, reason: "the port must be a number between 1 and 65535")
        }
        return (host, port)
    }
}
