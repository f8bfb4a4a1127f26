/// The info string of a fenced block: the language (its first word) and the attributes
/// after it (`skip`, `timeout=N`, `exit=N`, `file=PATH`, `fresh`, `session=NAME`, bare or
/// inside `{ }`).
public struct FenceInfo: Sendable, Equatable {
    /// The info string as written.
    public var raw: String
    /// The first word, lowercased; nil when the info string is empty.
    public var language: String?
    /// Every attribute, in order, including ones mdexec does not know.
    public var attributes: [BlockAttribute]
    /// `skip`: do not run this block.
    public var skip: Bool
    /// `timeout=N`: seconds for this block (>= 1).
    public var timeout: Int?
    /// `exit=N`: the exit code this block is expected to end with.
    public var expectedExit: Int?
    /// `file=PATH`: where to write the block's text in the workspace.
    public var file: String?
    /// `fresh`: run this block in a process of its own, not in its language's session.
    public var fresh: Bool
    /// `session=NAME`: run this block in the named session of its interpreter.
    public var session: String?

    public init(
        raw: String, language: String?, attributes: [BlockAttribute] = [], skip: Bool = false,
        timeout: Int? = nil, expectedExit: Int? = nil, file: String? = nil, fresh: Bool = false,
        session: String? = nil
    ) {
        self.fresh = fresh
        self.session = session
        self.raw = raw
        self.language = language
        self.attributes = attributes
        self.skip = skip
        self.timeout = timeout
        self.expectedExit = expectedExit
        self.file = file
    }
}

/// One attribute of an info string: `key=value`, or a bare word (value nil).
public struct BlockAttribute: Sendable, Equatable, Codable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}
