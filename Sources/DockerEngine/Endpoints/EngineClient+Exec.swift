import Foundation
import Synchronization

extension EngineClient {
    /// Creates an exec in a running container (`POST /containers/{id}/exec`) and returns its id.
    public func createExec(containerID: String, spec: ExecSpec) async throws(EngineError) -> String {
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        let response = try await request(
            .post, "/containers/\(Self.segment(containerID))/exec",
            body: try encode(spec), contentType: "application/json")
        return try decode(Created.self, from: response).id
    }

    /// Starts an exec and delivers its output live, demultiplexed, until the process ends and the
    /// engine closes the stream. `tty` must match the exec's `Tty`: it alone decides the framing.
    /// Cancelling the task aborts the transfer promptly (the process keeps running in the
    /// container) and throws `EngineError.cancelled`. With a `timeout`, a transfer still open
    /// after it is aborted (`EngineError.timeout`); without one it lasts as long as the process.
    /// The exit code comes from `inspectExec` afterwards.
    public func startExec(
        _ id: String, tty: Bool = false, timeout: Duration? = nil,
        onOutput: @escaping @Sendable (StreamKind, [UInt8]) -> Void
    ) async throws(EngineError) {
        let path = "/exec/\(Self.segment(id))/start"
        let endpoint = Self.endpoint(.post, path, [])
        let decoder = Mutex(StreamFrameDecoder(multiplexed: !tty))
        let body = try encode(ExecStartBody(detach: false, tty: tty))
        let response = try await request(
            .post, path, body: body,
            contentType: "application/json", deadline: timeout.map { .within($0) } ?? .none
        ) { chunk in
            let frames = try decoder.withLock { decoder throws(EngineError) in
                do { return try decoder.feed(chunk) } catch {
                    throw .malformedResponse(endpoint: endpoint, reason: "\(error)")
                }
            }
            for frame in frames { onOutput(frame.stream, frame.bytes) }
        }
        try check(response)
        try decoder.withLock { decoder throws(EngineError) in
            do { try decoder.finish() } catch {
                throw .malformedResponse(endpoint: endpoint, reason: "\(error)")
            }
        }
    }

    /// The exec's state; `exitCode` is set once it has ended (`GET /exec/{id}/json`).
    public func inspectExec(_ id: String) async throws(EngineError) -> ExecInfo {
        let response = try await request(.get, "/exec/\(Self.segment(id))/json")
        return try decode(ExecInfo.self, from: response)
    }

    /// Runs a command to completion: create, start (output delivered live), inspect.
    /// Returns the exit code (-1 if the engine reports none). `timeout` bounds the output's
    /// transfer as in `startExec` (nil: as long as the process runs).
    public func runExec(
        containerID: String, spec: ExecSpec, timeout: Duration? = nil,
        onOutput: @escaping @Sendable (StreamKind, [UInt8]) -> Void
    ) async throws(EngineError) -> Int {
        let id = try await createExec(containerID: containerID, spec: spec)
        try await startExec(id, tty: spec.tty, timeout: timeout, onOutput: onOutput)
        return try await inspectExec(id).exitCode ?? -1
    }
}

/// The body of `POST /exec/{id}/start`.
struct ExecStartBody: Encodable {
    var detach: Bool
    var tty: Bool
    enum CodingKeys: String, CodingKey {
        case detach = "Detach"
        case tty = "Tty"
    }
}
