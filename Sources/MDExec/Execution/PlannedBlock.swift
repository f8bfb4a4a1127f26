/// What mdexec would do with one block, decided before anything runs: the plan that
/// `mdexec blocks` prints.
public struct PlannedBlock: Sendable, Equatable {
    public var index: Int
    public var line: Int
    /// The block's language (lowercased first word of the info string), if any.
    public var language: String?
    /// The workspace-relative file the block is written to (hint, `file=`, or the
    /// `tmp_code_<sha256>.<ext>` default); nil when the block is not written.
    public var filename: String?
    public var attributes: [BlockAttribute]
    /// Whether the block would be executed.
    public var runs: Bool
    /// The session it would run in (`python`, `sh`, `python:NAME`); nil: a process of its own.
    public var session: String?
    /// Why it would not run (or, for a `file=` block of a non-executable language, that it
    /// is only written).
    public var reason: String?

    public init(
        index: Int, line: Int, language: String?, filename: String?,
        attributes: [BlockAttribute], runs: Bool, reason: String?
    ) {
        self.index = index
        self.line = line
        self.language = language
        self.filename = filename
        self.attributes = attributes
        self.runs = runs
        self.reason = reason
    }
}
