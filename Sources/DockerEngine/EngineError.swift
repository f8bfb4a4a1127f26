import Foundation

/// Everything that can go wrong talking to an engine (Docker, Podman); each message is a sentence a user can act on.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `DOCKER_HOST` (or another host string) could not be understood.
    case invalidHost(String, reason: String)
    /// No connection could be made to the engine.
    case unreachable(host: DockerHost, reason: String)
    /// The engine's API version range does not overlap the versions this client speaks.
    case unsupportedAPIVersion(
        host: DockerHost, daemonMinimum: APIVersion, daemonMaximum: APIVersion,
        clientMinimum: APIVersion, clientMaximum: APIVersion)
    /// The engine answered with an error status; `message` is the engine's own.
    case api(status: Int, message: String, endpoint: String)
    /// The engine answered 404 (no such container, image or exec); `message` is the engine's own.
    case notFound(message: String, endpoint: String)
    /// The call did not complete before its deadline.
    case timeout(endpoint: String, after: Duration)
    /// The engine's answer could not be understood (bad JSON, truncated stream, bad framing).
    case malformedResponse(endpoint: String, reason: String)
    /// The engine reported an error inside a successful (200) stream.
    case streamError(endpoint: String, message: String)
    /// An image could not be pulled.
    case pullFailed(image: String, message: String)
    /// The connection failed in a way not covered above.
    case transport(endpoint: String, reason: String)
    /// The raw (hijacked) connection was already closed.
    case connectionClosed(endpoint: String)
    /// The calling task was cancelled, and the call with it.
    case cancelled(endpoint: String)

    public var description: String {
        switch self {
        case .invalidHost(let value, let reason):
            return "DOCKER_HOST \"\(value)\" is not a valid engine address: \(reason)."
        case .unreachable(let host, let reason):
            return "Cannot reach the engine at \(host): \(reason). Is dockerd (or podman system service) running? "
                + "Set DOCKER_HOST to use another engine."
        case .unsupportedAPIVersion(let host, let dMin, let dMax, let cMin, let cMax):
            return "The engine at \(host) speaks API versions \(dMin) to \(dMax), "
                + "but this client speaks \(cMin) to \(cMax). Use an engine that supports API \(cMax)."
        case .api(let status, let message, let endpoint):
            return "The engine failed \(endpoint) (HTTP \(status)): \(Self.sentence(message))"
        case .notFound(let message, let endpoint):
            return "The engine found nothing for \(endpoint): \(Self.sentence(message))"
        case .timeout(let endpoint, let after):
            return "The engine did not answer \(endpoint) within \(Self.seconds(after)). "
                + "The engine may be overloaded or hung."
        case .malformedResponse(let endpoint, let reason):
            return "The engine sent an answer to \(endpoint) that could not be understood: "
                + "\(Self.sentence(reason))"
        case .streamError(let endpoint, let message):
            return "The engine reported an error during \(endpoint): \(Self.sentence(message))"
        case .pullFailed(let image, let message):
            return "Cannot pull image \(image): \(Self.sentence(message)) "
                + "Check the image name, or build or load the image locally."
        case .transport(let endpoint, let reason):
            return "The connection to the engine failed during \(endpoint): \(Self.sentence(reason))"
        case .connectionClosed(let endpoint):
            return "The connection to the engine for \(endpoint) is already closed."
        case .cancelled(let endpoint):
            return "The call \(endpoint) was cancelled."
        }
    }

    /// Any failure of the call `endpoint` as the engine error it is: cancellation included.
    static func wrapping(_ error: any Error, endpoint: String) -> EngineError {
        switch error {
        case let error as EngineError: error
        case is CancellationError: .cancelled(endpoint: endpoint)
        default: .transport(endpoint: endpoint, reason: "\(error)")
        }
    }

    /// The HTTP status when the engine answered with one.
    public var status: Int? {
        switch self {
        case .api(let status, _, _): return status
        case .notFound: return 404
        default: return nil
        }
    }

    private static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last else { return "(no message)." }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        return total == total.rounded() ? "\(Int(total)) s" : String(format: "%.1f s", total)
    }
}
