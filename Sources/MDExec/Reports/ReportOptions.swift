/// How the annotated Markdown report is written.
public struct ReportOptions: Sendable, Equatable {
    /// Append ` in N ms` to each exit-code line (`--timings`). Off by default, so that the
    /// report is deterministic.
    public var timings: Bool

    public init(timings: Bool = false) {
        self.timings = timings
    }
}
