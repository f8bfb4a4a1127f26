/// A picture a block made, copied into the assets folder and linked after its exit line.
public struct BlockImage: Sendable, Equatable, Codable {
    /// The copy's path as the report links it (relative to the report), ending in
    /// `block-<index>-<n>.<ext>`.
    public var path: String
    /// `figure`, `display`, or the workspace path of the image file the block wrote.
    public var source: String
    /// `image/png`, `image/svg+xml`, ...
    public var mediaType: String
    /// The size of the copy.
    public var bytes: Int
    /// The SHA-256 of the copy, in hex.
    public var sha256: String

    public init(path: String, source: String, mediaType: String, bytes: Int, sha256: String) {
        self.path = path
        self.source = source
        self.mediaType = mediaType
        self.bytes = bytes
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case path, source, bytes, sha256
        case mediaType = "media_type"
    }

    /// The extensions of image files, and their media types.
    static let mediaTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "svg": "image/svg+xml", "webp": "image/webp",
    ]

    /// The lowercased extension of `path` when it names an image file, else nil.
    static func imageExtension(_ path: String) -> String? {
        guard let dot = path.lastIndex(of: "."), !path[path.index(after: dot)...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        return mediaTypes[ext] == nil ? nil : ext
    }

    /// Whether `name` (a file name, no folder) is one of mdexec's own: `block-<index>-<n>.<ext>`.
    static func isOwnName(_ name: Substring) -> Bool {
        guard name.hasPrefix("block-"), let ext = imageExtension(String(name)) else { return false }
        let stem = name.dropFirst("block-".count).dropLast(ext.count + 1)
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 9 && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }
    }

    /// The report line for this image: `![ALT](PATH)`.
    func reportLine(alt: String) -> String {
        var escapedAlt = ""
        for c in alt {
            if c == "[" || c == "]" || c == "\\" { escapedAlt.append("\\") }
            escapedAlt.append(c == "\n" || c == "\r" ? " " : c)
        }
        let needsAngle = path.contains { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" }
        return "![\(escapedAlt)](\(needsAngle ? "<\(path)>" : path))"
    }
}
