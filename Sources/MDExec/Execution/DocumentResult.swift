/// The results of one document: what the JSON results file holds.
public struct DocumentResult: Sendable, Equatable {
    /// The document's path as the user gave it.
    public var document: String
    /// `docker` or `local`.
    public var executor: ExecutorKind
    /// The image the blocks ran in (nil for the local executor).
    public var image: String?
    public var blocks: [BlockResult]
    /// Where and how the results were made (JSON only); nil when not known.
    public var provenance: Provenance?

    public init(
        document: String, executor: ExecutorKind, image: String?, blocks: [BlockResult],
        provenance: Provenance? = nil
    ) {
        self.document = document
        self.executor = executor
        self.image = image
        self.blocks = blocks
        self.provenance = provenance
    }

    /// Counts of blocks by status.
    public var summary: ResultSummary { ResultSummary(blocks) }
}

/// How many blocks ended in each status.
public struct ResultSummary: Sendable, Equatable, Codable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var timedOut = 0
    public var skipped = 0
    public var notRun = 0
    public var cancelled = 0

    public init(_ blocks: [BlockResult]) {
        total = blocks.count
        for block in blocks {
            switch block.status {
            case .passed: passed += 1
            case .failed: failed += 1
            case .timedOut: timedOut += 1
            case .skipped: skipped += 1
            case .notRun: notRun += 1
            case .cancelled: cancelled += 1
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, skipped, cancelled
        case timedOut = "timed_out"
        case notRun = "not_run"
    }
}
