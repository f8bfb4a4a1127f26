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
    /// `Platform.Name`: `Docker Engine - Community` for Docker's builds, empty for Debian's,
    /// `linux/amd64/debian-12` for Podman.
    public var platformName: String?
    /// The names of the engine's components (`Engine`, `Podman Engine`, `containerd`, ...).
    public var componentNames: [String]

    public init(
        version: String, apiVersion: APIVersion, minAPIVersion: APIVersion?,
        os: String? = nil, arch: String? = nil, kernelVersion: String? = nil,
        platformName: String? = nil, componentNames: [String] = []
    ) {
        self.version = version
        self.apiVersion = apiVersion
        self.minAPIVersion = minAPIVersion
        self.os = os
        self.arch = arch
        self.kernelVersion = kernelVersion
        self.platformName = platformName
        self.componentNames = componentNames
    }

    /// Which engine this is, from its component and platform names.
    public var kind: EngineKind { EngineKind(platformName: platformName, componentNames: componentNames) }

    /// The engine as messages name it, e.g. `Podman 4.3.1` or `Docker 20.10.24+dfsg1`.
    public var displayName: String { "\(kind.displayName) \(version)" }

    private struct Platform: Decodable {
        var name: String?
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    private struct Component: Decodable {
        var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case os = "Os"
        case arch = "Arch"
        case kernelVersion = "KernelVersion"
        case platform = "Platform"
        case components = "Components"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(String.self, forKey: .version)
        apiVersion = try c.decode(APIVersion.self, forKey: .apiVersion)
        minAPIVersion = try c.decodeIfPresent(APIVersion.self, forKey: .minAPIVersion)
        os = try c.decodeIfPresent(String.self, forKey: .os)
        arch = try c.decodeIfPresent(String.self, forKey: .arch)
        kernelVersion = try c.decodeIfPresent(String.self, forKey: .kernelVersion)
        platformName = (try? c.decodeIfPresent(Platform.self, forKey: .platform))?.name
        componentNames = ((try? c.decodeIfPresent([Component].self, forKey: .components)) ?? []).map(\.name)
    }
}
