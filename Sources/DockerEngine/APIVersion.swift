/// A Docker Engine API version such as `1.41`, compared numerically (1.9 < 1.10).
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `"1.41"`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]),
            major >= 0, minor >= 0
        else { return nil }
        self.init(major, minor)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = APIVersion(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not an API version: \(text)"))
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }

    /// The newest version this client speaks.
    public static let clientMaximum = APIVersion(1, 41)
    /// The oldest version this client accepts (`NanoCpus` and `Init` need 1.25; GPUs need 1.40).
    public static let clientMinimum = APIVersion(1, 25)

    /// The version to use with an engine: `min(clientMaximum, daemonMaximum)`, refused when it
    /// falls below what the engine or this client accepts.
    public static func negotiate(
        daemonMaximum: APIVersion, daemonMinimum: APIVersion?,
        host: DockerHost,
        clientMaximum: APIVersion = .clientMaximum,
        clientMinimum: APIVersion = .clientMinimum
    ) throws(EngineError) -> APIVersion {
        let chosen = min(clientMaximum, daemonMaximum)
        let daemonMin = daemonMinimum ?? chosen
        guard chosen >= daemonMin, chosen >= clientMinimum else {
            throw .unsupportedAPIVersion(
                host: host, daemonMinimum: daemonMin, daemonMaximum: daemonMaximum,
                clientMinimum: clientMinimum, clientMaximum: clientMaximum)
        }
        return chosen
    }

    /// The version to use given the engine's `GET /version` answer.
    public static func negotiate(with version: EngineVersion, host: DockerHost) throws(EngineError) -> APIVersion {
        try negotiate(daemonMaximum: version.apiVersion, daemonMinimum: version.minAPIVersion, host: host)
    }
}
