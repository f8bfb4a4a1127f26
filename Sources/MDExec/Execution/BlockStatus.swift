/// What became of one block.
public enum BlockStatus: String, Sendable, Codable, CaseIterable {
    case passed
    case failed
    case timedOut = "timed-out"
    case skipped
    case notRun = "not-run"
    case cancelled

    /// Whether the block was executed (its recorded result is replaced in the report).
    public var didRun: Bool {
        self == .passed || self == .failed || self == .timedOut
    }
}
