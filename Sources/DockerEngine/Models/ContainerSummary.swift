/// One entry of `GET /containers/json`.
public struct ContainerSummary: Sendable, Hashable, Decodable {
    public var id: String
    /// Names without the leading `/`.
    public var names: [String]
    public var image: String?
    /// `created`, `running`, `exited`, ...
    public var state: String?
    /// Human text such as `Up 2 minutes`.
    public var status: String?
    public var labels: [String: String]

    public init(
        id: String, names: [String], image: String? = nil, state: String? = nil,
        status: String? = nil, labels: [String: String] = [:]
    ) {
        self.id = id
        self.names = names
        self.image = image
        self.state = state
        self.status = status
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case state = "State"
        case status = "Status"
        case labels = "Labels"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        names = (try c.decodeIfPresent([String].self, forKey: .names) ?? [])
            .map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        image = try c.decodeIfPresent(String.self, forKey: .image)
        state = try c.decodeIfPresent(String.self, forKey: .state)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
