import Foundation
import Logging
import Synchronization

/// A client for the Docker Engine API over libcurl.
///
/// Calls may be made concurrently from any task: each transfer gets a libcurl handle of its own
/// from a small pool, and idle handles keep their connection to the engine open for the next
/// call. The API version is negotiated once, on the first versioned call. Every call has a
/// deadline (`requestTimeout`) except streams (exec output, pulls, waits), which end when the
/// engine closes them or when the calling task is cancelled.
public final class EngineClient: Sendable {
    /// The engine this client talks to.
    public let host: DockerHost
    /// The deadline for each ordinary call.
    public let requestTimeout: Duration
    /// Receives one debug line per engine call (method, path, status, time).
    let logger: Logger
    let transport: EngineTransport
    private let negotiation = Mutex<Task<Negotiated, any Error>?>(nil)

    /// What `GET /version` said, and the API version chosen with it.
    private struct Negotiated: Sendable {
        var engine: EngineVersion
        var api: APIVersion
    }

    /// Creates a client; nothing is sent until the first call.
    public init(
        host: DockerHost, requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5), logger: Logger = Logger(label: "mdexec.engine")
    ) {
        self.host = host
        self.requestTimeout = requestTimeout
        self.logger = logger
        transport = EngineTransport(host: host, connectTimeout: min(connectTimeout, requestTimeout))
    }

    /// A client for the engine named by `DOCKER_HOST` (or the local socket).
    public convenience init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        requestTimeout: Duration = .seconds(30)
    ) throws(EngineError) {
        self.init(host: try DockerHost.fromEnvironment(environment), requestTimeout: requestTimeout)
    }

    /// The API version used for every call: `min(1.41, engine maximum)`, negotiated once with
    /// `GET /version`. A failed negotiation is retried by the next call.
    public func apiVersion() async throws(EngineError) -> APIVersion {
        try await negotiated().api
    }

    /// The engine's identity and versions, asked once (with the API version's negotiation).
    public func engineVersion() async throws(EngineError) -> EngineVersion {
        try await negotiated().engine
    }

    private func negotiated() async throws(EngineError) -> Negotiated {
        let task = negotiation.withLock { current in
            if let current { return current }
            let made = Task { [self] in
                let engine = try await version()
                let api = try APIVersion.negotiate(with: engine, host: host)
                logger.debug("engine: \(engine.displayName), API \(api) (engine maximum \(engine.apiVersion))")
                return Negotiated(engine: engine, api: api)
            }
            current = made
            return made
        }
        do {
            return try await task.value
        } catch {
            negotiation.withLock { current in if current == task { current = nil } }
            throw EngineError.wrapping(error, endpoint: "GET /version")
        }
    }

    // MARK: - Request helpers

    /// How long a call may take.
    enum Deadline {
        /// `requestTimeout`.
        case standard
        /// `requestTimeout` plus extra time the engine is asked to wait (stop, restart).
        case extended(Duration)
        /// Exactly this long, whatever `requestTimeout` is (a stream the caller bounds).
        case within(Duration)
        /// No deadline: the call is bounded by cancellation.
        case none
    }

    /// Sends a request to a versioned path (`/v1.NN` + `path`).
    func request(
        _ method: EngineRequest.Method, _ path: String, query: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, contentType: String? = nil, deadline: Deadline = .standard,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)? = nil
    ) async throws(EngineError) -> EngineResponse {
        let version = try await apiVersion()
        return try await unversionedRequest(
            method, "/v\(version)" + path, query: query, body: body,
            contentType: contentType, deadline: deadline,
            label: Self.endpoint(method, path, query), sink: sink)
    }

    /// Sends a request to a path as given (for `/_ping` and `/version`).
    func unversionedRequest(
        _ method: EngineRequest.Method, _ path: String,
        query: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, deadline: Deadline = .standard, label: String? = nil,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)? = nil
    ) async throws(EngineError) -> EngineResponse {
        let timeout: Duration? =
            switch deadline {
            case .standard: requestTimeout
            case .extended(let extra): requestTimeout + extra
            case .within(let limit): limit
            case .none: nil
            }
        let request = EngineRequest(
            method, path, query: query, body: body, contentType: contentType,
            timeout: timeout, endpoint: label ?? Self.endpoint(method, path, query))
        let started = ContinuousClock.now
        do {
            let response = try await transport.send(request, sink: sink)
            logCall(request.endpoint, "\(response.status)", since: started)
            return response
        } catch {
            logCall(request.endpoint, "failed (\(error))", since: started)
            throw EngineError.wrapping(error, endpoint: request.endpoint)
        }
    }

    /// One debug line per engine call: `engine: POST /containers/create -> 201 (12 ms)`.
    func logCall(_ endpoint: String, _ outcome: String, since started: ContinuousClock.Instant) {
        logger.debug("engine: \(endpoint) -> \(outcome) (\((ContinuousClock.now - started).milliseconds) ms)")
    }

    /// Throws the engine's error unless the status is 2xx or listed in `accepting`.
    func check(_ response: EngineResponse, accepting: Set<Int> = []) throws(EngineError) {
        if (200..<300).contains(response.status) || accepting.contains(response.status) { return }
        let message = Self.message(from: response.body)
        if response.status == 404 { throw .notFound(message: message, endpoint: response.endpoint) }
        throw .api(status: response.status, message: message, endpoint: response.endpoint)
    }

    /// Checks the answer, then decodes its JSON, turning bad JSON into `malformedResponse`.
    func decode<T: Decodable>(_ type: T.Type, from response: EngineResponse) throws(EngineError) -> T {
        try check(response)
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .malformedResponse(
                endpoint: response.endpoint, reason: "\(Self.describe(error)) in \(Self.preview(response.body))")
        }
    }

    func encode<T: Encodable>(_ value: T) throws(EngineError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .transport(endpoint: "encoding \(T.self)", reason: "\(error)")
        }
    }

    /// The request as shown in messages and logs: method, unversioned path with its
    /// segments unescaped, and readable query.
    static func endpoint(_ method: EngineRequest.Method, _ path: String, _ query: [(name: String, value: String)])
        -> String
    {
        let readable = query.isEmpty ? "" : "?" + query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        return "\(method.rawValue) \(path.removingPercentEncoding ?? path)\(readable)"
    }

    /// The engine's `{"message": ...}`, or the body text when it is not that JSON.
    static func message(from body: [UInt8]) -> String {
        struct Message: Decodable { var message: String }
        if let decoded = try? JSONDecoder().decode(Message.self, from: Data(body)) { return decoded.message }
        let text = String(decoding: body.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : text
    }

    static func preview(_ body: [UInt8]) -> String {
        body.isEmpty ? "an empty body" : "\"\(String(decoding: body.prefix(200), as: UTF8.self))\""
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?: return "invalid JSON (\(context.debugDescription))"
        case .keyNotFound(let key, _)?: return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "unexpected JSON value" : "unexpected value at \"\(path)\""
        default: return "\(error)"
        }
    }

    /// Escapes one path segment (an id or a name).
    static func segment(_ text: String) -> String { EngineRequest.escape(text) }
}
