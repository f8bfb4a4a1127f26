import CCurl
import CCurlShims
import Dispatch
import Foundation

/// Sends requests to the engine over libcurl on dedicated threads, so blocking I/O never
/// occupies the Swift concurrency pool, and turns libcurl failures into `EngineError`s.
final class EngineTransport: Sendable {
    let host: DockerHost
    let connectTimeout: Duration
    private let pool: CurlConnectionPool
    private let queue = DispatchQueue(label: "mdexec.engine.transfer", attributes: .concurrent)

    init(host: DockerHost, connectTimeout: Duration) {
        self.host = host
        self.connectTimeout = connectTimeout
        pool = CurlConnectionPool(host: host)
    }

    /// Sends a request; a 2xx body goes to `sink` as it arrives when one is given, otherwise it is
    /// returned whole. Non-2xx answers are returned (with their body), not thrown.
    /// Cancelling the task aborts the transfer promptly and throws `CancellationError` (the
    /// client turns it into `EngineError.cancelled`).
    func send(
        _ request: EngineRequest,
        sink: (@Sendable (UnsafeRawBufferPointer) throws -> Void)? = nil
    ) async throws -> EngineResponse {
        let token = TransferToken()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<EngineResponse, any Error>) in
                queue.async { [self] in
                    continuation.resume(with: Result { try perform(request, token: token, sink: sink) })
                }
            }
        } onCancel: {
            token.cancel()
        }
    }

    private func perform(
        _ request: EngineRequest, token: TransferToken,
        sink: ((UnsafeRawBufferPointer) throws -> Void)?
    ) throws -> EngineResponse {
        let outcome = try pool.withConnection { connection in
            connection.perform(request, connectTimeout: connectTimeout, token: token, sink: sink)
        }
        if outcome.cancelled { throw CancellationError() }
        if let sinkError = outcome.sinkError { throw sinkError }
        guard outcome.code == CURLE_OK else { throw error(for: outcome, request: request) }
        return EngineResponse(status: outcome.status, body: outcome.body, endpoint: request.endpoint)
    }

    private func error(for outcome: CurlConnection.Outcome, request: EngineRequest) -> EngineError {
        switch outcome.code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .unreachable(host: host, reason: Self.reason(errno: outcome.osErrno, fallback: outcome.curlMessage))
        case CURLE_OPERATION_TIMEDOUT:
            if outcome.status == 0 && outcome.connectTimeMicroseconds == 0 {
                return .unreachable(host: host, reason: "no connection within \(connectTimeout)")
            }
            return .timeout(endpoint: request.endpoint, after: request.timeout ?? connectTimeout)
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            return .malformedResponse(endpoint: request.endpoint, reason: outcome.curlMessage)
        case CURLE_WRITE_ERROR:
            return .malformedResponse(endpoint: request.endpoint, reason: "the answer is too large to keep in memory")
        default:
            return .transport(endpoint: request.endpoint, reason: outcome.curlMessage)
        }
    }

    /// A short lower-case reason for a connection failure.
    static func reason(errno code: Int, fallback: String) -> String {
        switch Int32(code) {
        case ENOENT: return "no such socket (the file does not exist)"
        case ECONNREFUSED: return "connection refused"
        case EACCES, EPERM: return "permission denied (is your user allowed to use the engine socket?)"
        case 0: return fallback
        default:
            let text = String(cString: strerror(Int32(code)))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}
