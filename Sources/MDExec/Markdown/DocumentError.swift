/// Why a document cannot be used. Every case is a usage error (exit 2).
public enum DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An attribute of the info string on `line` has a value mdexec cannot use.
    case badAttribute(line: Int, attribute: String, reason: String)

    public var description: String {
        switch self {
        case .badAttribute(let line, let attribute, let reason):
            return "line \(line): bad attribute '\(attribute)': \(reason)"
        }
    }
}
