import Foundation
import Synchronization

extension EngineClient {
    /// True when the engine has the image locally (`GET /images/{name}/json`; 404 is false).
    public func imageExists(_ reference: String) async throws(EngineError) -> Bool {
        try await inspectImage(reference) != nil
    }

    /// The image's id and repository digests (`GET /images/{name}/json`); nil when the
    /// engine does not have it.
    public func inspectImage(_ reference: String) async throws(EngineError) -> ImageInfo? {
        let path = "/images/\(Self.imagePath(reference))/json"
        let response = try await request(.get, path)
        if response.status == 404 { return nil }
        return try decode(ImageInfo.self, from: response)
    }

    /// Pulls an image (`POST /images/create`), reporting each progress line as it arrives.
    /// Fails with `EngineError.pullFailed` naming the image, whether the engine refuses the call
    /// or reports an error inside its 200 stream. Bounded by cancellation, not by a deadline.
    public func pullImage(
        _ reference: String,
        progress: @escaping @Sendable (PullProgress) -> Void = { _ in }
    ) async throws {
        let (name, tag) = Self.splitReference(reference)
        var query: [(name: String, value: String)] = [("fromImage", name)]
        if let tag { query.append(("tag", tag)) }
        let decoder = Mutex(PullStreamDecoder(endpoint: Self.endpoint(.post, "/images/create", query)))
        do {
            let response = try await request(.post, "/images/create", query: query, deadline: .none) { chunk in
                try decoder.withLock { try $0.feed(chunk, progress) }
            }
            try check(response)
            try decoder.withLock { try $0.finish(progress) }
        } catch let error as EngineError {
            switch error {
            case .api(_, let message, _), .notFound(let message, _), .streamError(_, let message):
                throw EngineError.pullFailed(image: Self.displayName(name: name, tag: tag), message: message)
            default:
                throw error
            }
        }
    }

    /// Splits `repo[:tag]` or `repo@digest`; `host:port/repo` keeps its port. No tag means `latest`.
    static func splitReference(_ reference: String) -> (name: String, tag: String?) {
        if reference.contains("@") { return (reference, nil) }
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, "latest")
    }

    static func displayName(name: String, tag: String?) -> String {
        tag.map { "\(name):\($0)" } ?? name
    }

    /// An image reference as a path: slashes stay (the engine's route accepts them), the rest is escaped.
    static func imagePath(_ reference: String) -> String {
        reference.split(separator: "/", omittingEmptySubsequences: false)
            .map { segment(String($0)) }.joined(separator: "/")
    }
}
