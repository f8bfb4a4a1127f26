/// One line of an image pull's progress stream.
public struct PullProgress: Sendable, Hashable, Decodable {
    /// What the engine is doing, e.g. `Downloading` or `Pull complete`.
    public var status: String?
    /// The layer (or tag) the line is about.
    public var id: String?
    /// The engine's progress bar text.
    public var progress: String?
    /// Bytes done and expected for the layer, when known.
    public var current: Int64?
    public var total: Int64?
    /// Set when the engine reports a failure inside the stream.
    public var error: String?

    public init(
        status: String? = nil, id: String? = nil, progress: String? = nil,
        current: Int64? = nil, total: Int64? = nil, error: String? = nil
    ) {
        self.status = status
        self.id = id
        self.progress = progress
        self.current = current
        self.total = total
        self.error = error
    }

    private struct Detail: Decodable {
        var current: Int64?
        var total: Int64?
        var message: String?
    }

    enum CodingKeys: String, CodingKey {
        case status, id, progress, progressDetail, error, errorDetail
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        progress = try c.decodeIfPresent(String.self, forKey: .progress)
        let detail = try? c.decodeIfPresent(Detail.self, forKey: .progressDetail)
        current = detail?.current
        total = detail?.total
        let errorDetail = try? c.decodeIfPresent(Detail.self, forKey: .errorDetail)
        let errorText = try? c.decodeIfPresent(String.self, forKey: .error)
        error = errorDetail?.message ?? errorText
    }
}
