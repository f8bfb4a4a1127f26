/// One `HOST:CONTAINER[:ro|rw]` volume.
public struct VolumeMount: Sendable, Equatable {
    public var host: String
    public var container: String
    public var readOnly: Bool

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, parts[0].hasPrefix("/"), parts[1].hasPrefix("/") else { return nil }
        host = parts[0]
        container = parts[1]
        if parts.count == 3 {
            guard parts[2] == "ro" || parts[2] == "rw" else { return nil }
            readOnly = parts[2] == "ro"
        } else {
            readOnly = false
        }
    }

    /// The engine's bind string.
    public var bind: String { "\(host):\(container):\(readOnly ? "ro" : "rw")" }
}
