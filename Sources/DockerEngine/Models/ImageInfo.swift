/// What mdexec reads of `GET /images/{name}/json`.
public struct ImageInfo: Sendable, Hashable, Decodable {
    /// The image's id, e.g. `sha256:5047...`.
    public var id: String
    /// `name@sha256:...` for each registry the image came from; empty for a local import.
    public var repoDigests: [String]

    public init(id: String, repoDigests: [String] = []) {
        self.id = id
        self.repoDigests = repoDigests
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case repoDigests = "RepoDigests"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        repoDigests = try c.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
    }
}
