/// `check`'s comparison of a block's fresh output with its recorded output, and the diff it
/// prints: the one place the rule lives. The recorded output was sanitised when its report
/// was written, so the fresh output is sanitised the same way; both are then normalised
/// (line endings to `\n`, trailing spaces and trailing blank lines dropped), nothing else.
public struct OutputComparison: Sendable, Equatable {
    /// The recorded output, normalised.
    public let expected: String
    /// The fresh output, sanitised and normalised.
    public let actual: String

    public init(actual: String, recorded: String) {
        expected = ReportText.normalizedForComparison(recorded)
        self.actual = ReportText.normalizedForComparison(ReportText.sanitizedForReport(actual))
    }

    public var matches: Bool { expected == actual }

    /// A unified diff from the recorded to the fresh output; empty when they match.
    public func diff(expectedLabel: String = "expected", actualLabel: String = "actual") -> String {
        UnifiedDiff.render(expected: expected, actual: actual, expectedLabel: expectedLabel, actualLabel: actualLabel)
    }
}
