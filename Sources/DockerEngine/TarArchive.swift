import Foundation

/// Builds a POSIX ustar archive in memory, for `EngineClient.uploadArchive`: regular files and
/// directories, with names longer than ustar allows written as GNU long-name entries.
public struct TarArchive: Sendable {
    /// Entries that cannot be written.
    public enum BuildError: Error, Sendable, Equatable, CustomStringConvertible {
        case emptyName
        case fileTooLarge(String)

        public var description: String {
            switch self {
            case .emptyName: return "A tar entry needs a non-empty name."
            case .fileTooLarge(let name): return "File \(name) is too large for a tar archive (8 GiB at most)."
            }
        }
    }

    private var data: [UInt8] = []
    /// Owner ids written on every entry (the container's user should own uploaded files).
    public var userID: Int
    public var groupID: Int
    /// Modification time written on every entry, in seconds since 1970.
    public var modificationTime: Int

    public init(
        userID: Int = 0, groupID: Int = 0,
        modificationTime: Int = Int(Date().timeIntervalSince1970)
    ) {
        self.userID = userID
        self.groupID = groupID
        self.modificationTime = modificationTime
    }

    /// Adds a regular file. `path` is relative to the upload directory, e.g. `src/main.py`.
    public mutating func addFile(path: String, contents: [UInt8], mode: Int = 0o644) throws(BuildError) {
        guard contents.count < 0o77777777777 else { throw .fileTooLarge(path) }
        try addEntry(name: Self.clean(path), type: UInt8(ascii: "0"), mode: mode, size: contents.count)
        data.append(contentsOf: contents)
        pad()
    }

    /// Adds a directory entry.
    public mutating func addDirectory(path: String, mode: Int = 0o755) throws(BuildError) {
        let name = Self.clean(path)
        try addEntry(name: name.hasSuffix("/") ? name : name + "/", type: UInt8(ascii: "5"), mode: mode, size: 0)
    }

    /// The finished archive, ending with the two zero blocks tar expects.
    public var bytes: [UInt8] {
        data + [UInt8](repeating: 0, count: 1024)
    }

    // MARK: - Headers

    private mutating func addEntry(name: String, type: UInt8, mode: Int, size: Int) throws(BuildError) {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, name != "/" else { throw .emptyName }
        var header = [UInt8](repeating: 0, count: 512)
        if nameBytes.count <= 100 {
            header.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        } else if let (prefix, rest) = Self.splitForUstar(nameBytes) {
            header.replaceSubrange(0..<rest.count, with: rest)
            header.replaceSubrange(345..<(345 + prefix.count), with: prefix)
        } else {
            try addLongName(nameBytes)
            header.replaceSubrange(0..<100, with: nameBytes.prefix(100))
        }
        writeHeaderFields(&header, type: type, mode: mode, size: size)
        data.append(contentsOf: header)
    }

    /// A GNU `././@LongLink` entry carrying the full name for the entry that follows.
    private mutating func addLongName(_ name: [UInt8]) throws(BuildError) {
        var header = [UInt8](repeating: 0, count: 512)
        let marker = Array("././@LongLink".utf8)
        header.replaceSubrange(0..<marker.count, with: marker)
        writeHeaderFields(&header, type: UInt8(ascii: "L"), mode: 0o644, size: name.count + 1)
        data.append(contentsOf: header)
        data.append(contentsOf: name)
        data.append(0)
        pad()
    }

    private func writeHeaderFields(_ header: inout [UInt8], type: UInt8, mode: Int, size: Int) {
        Self.octal(&header, at: 100, width: 8, value: mode & 0o7777)
        Self.octal(&header, at: 108, width: 8, value: userID)
        Self.octal(&header, at: 116, width: 8, value: groupID)
        Self.octal(&header, at: 124, width: 12, value: size)
        Self.octal(&header, at: 136, width: 12, value: modificationTime)
        header[156] = type
        header.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        header.replaceSubrange(263..<265, with: Array("00".utf8))
        // The checksum is computed with its own field set to spaces.
        header.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        let sum = header.reduce(0) { $0 + Int($1) }
        Self.octal(&header, at: 148, width: 7, value: sum)
        header[155] = 0x20
    }

    /// Writes `value` as zero-padded octal digits followed by NUL in `width` bytes.
    private static func octal(_ header: inout [UInt8], at offset: Int, width: Int, value: Int) {
        let digits = Array(String(max(0, value), radix: 8).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
        header.replaceSubrange(offset..<(offset + width - 1), with: padded.suffix(width - 1))
        header[offset + width - 1] = 0
    }

    /// Splits a long name at a `/` into a prefix (≤ 155 bytes) and a name (≤ 100 bytes).
    private static func splitForUstar(_ name: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        guard name.count <= 256 else { return nil }
        for index in name.indices where name[index] == UInt8(ascii: "/") {
            let prefix = Array(name[..<index])
            let rest = Array(name[(index + 1)...])
            if prefix.count <= 155, rest.count <= 100, !rest.isEmpty, !prefix.isEmpty { return (prefix, rest) }
        }
        return nil
    }

    private mutating func pad() {
        let remainder = data.count % 512
        if remainder != 0 { data.append(contentsOf: [UInt8](repeating: 0, count: 512 - remainder)) }
    }

    /// Strips leading `/` and `./` so entries extract inside the target directory.
    private static func clean(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("/") || result.hasPrefix("./") {
            result = result.hasPrefix("/") ? result.dropFirst() : result.dropFirst(2)
        }
        return String(result)
    }
}
