extension TarArchive {
    /// The contents of the archive's first entry when it is a regular file; nil when that
    /// entry is anything else (a link, a directory) or the archive is malformed. PAX and GNU
    /// long-name entries before it are passed over.
    public static func firstRegularFile(in archive: [UInt8]) -> [UInt8]? {
        var offset = 0
        while offset + 512 <= archive.count {
            let header = archive[offset..<offset + 512]
            guard header.contains(where: { $0 != 0 }), let size = octal(header.dropFirst(124).prefix(12)) else {
                return nil
            }
            let start = offset + 512
            guard start + size <= archive.count else { return nil }
            switch header[offset + 156] {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                return Array(archive[start..<start + size])
            case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
                offset = start + (size + 511) / 512 * 512
            default:
                return nil
            }
        }
        return nil
    }

    /// An octal header field (digits, then NUL or space padding), or nil.
    private static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var digits = 0
        for byte in field {
            if byte == 0 || byte == 0x20 {
                if digits > 0 { break } else { continue }
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
