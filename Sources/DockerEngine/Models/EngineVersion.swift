/// The engine's answer to `GET /version` (unknown fields are ignored).
public struct EngineVersion: Sendable, Hashable, Decodable {
    /// The engine's release, e.g. `20.10.24`.
    public var version: String
    /// The newest API version the engine speaks.
    public var apiVersion: APIVersion
    /// The oldest API version the engine accepts, when it says.
    public var minAPIVersion: APIVersion?
    public var os: String?
    public var arch: String?
    public var kernelVersion: String?

    public init(version: String, apiVersion: APIVersion, minAPIVersion: APIVersion?,
                os: String? = nil, arch: String? = nil, kernelVersion: String? = nil) {
        self.version = version
        self.apiVersion = apiVersion
        self.minAPIVersion = minAPIVersion
        self.os = os
        self.arch = arch
        self.kernelVersion = kernelVersion
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion"
        case os = "Os", arch = "Arch", kernelVersion = "KernelVersion"
    }
}
