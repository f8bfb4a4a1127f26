/// Which session a block runs in: its interpreter command's, under a name or not. Blocks
/// with equal keys share one long-lived interpreter per document (notebook mode).
public struct SessionKey: Sendable, Hashable {
    /// The interpreter's argument vector, e.g. `["python"]`.
    public var command: [String]
    /// The `session=NAME` attribute; nil for the command's default session.
    public var name: String?
    /// The driver that keeps the session.
    public var driver: SessionDriver

    /// The key for a block of `command`, or nil when that interpreter keeps no session.
    public init?(command: [String], name: String? = nil) {
        guard let driver = SessionDriver(command: command) else { return nil }
        self.command = command
        self.name = name
        self.driver = driver
    }

    /// The session's name in reports and JSON: `python`, `sh`, `python:NAME`.
    public var label: String {
        command.joined(separator: " ") + (name.map { ":" + $0 } ?? "")
    }

    /// Whether `text` is a valid session name (`[A-Za-z0-9_-]+`).
    public static func isValidName(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D
            }
    }
}
