extension FenceInfo {
    /// Parses an info string: the language is its first word (lowercased, up to
    /// whitespace or `{`), then attributes as `key=value` or bare words, optionally inside
    /// `{ }`; a value may be double-quoted (`\"` and `\\` escape inside quotes).
    /// Known keys (matched case-insensitively): `skip`, `timeout=N` (N >= 1),
    /// `exit=N` (0...255), `file=PATH` (non-empty), `fresh`, `session=NAME`
    /// (`[A-Za-z0-9_-]+`). Unknown attributes are kept in
    /// ``attributes`` and otherwise ignored. When a key repeats, the last one wins.
    ///
    /// Throws ``DocumentError/badAttribute(line:attribute:reason:)`` naming `line` for a
    /// known attribute with a bad value, or an unterminated quote.
    public static func parse(_ raw: String, line: Int) throws(DocumentError) -> FenceInfo {
        try parse(raw, line: line, strict: true)
    }

    /// Like ``parse(_:line:)`` but never throws: bad values are kept in ``attributes``
    /// and ignored. Used for recorded `output` blocks, whose attributes mean nothing.
    public static func parseLeniently(_ raw: String) -> FenceInfo {
        (try? parse(raw, line: 0, strict: false)) ?? FenceInfo(raw: raw, language: firstWord(of: raw))
    }

    /// The lowercased first word of an info string (up to whitespace or `{`), or nil.
    static func firstWord(of raw: String) -> String? {
        var scanner = InfoScanner(Array(raw.utf8))
        return scanner.language()
    }

    private static func parse(_ raw: String, line: Int, strict: Bool) throws(DocumentError) -> FenceInfo {
        if !raw.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "{") }) {
            return FenceInfo(raw: raw, language: raw.isEmpty ? nil : raw.lowercased())
        }
        var scanner = InfoScanner(Array(raw.utf8))
        var info = FenceInfo(raw: raw, language: scanner.language())
        while let token = scanner.nextAttribute() {
            if token.unterminated, strict {
                throw .badAttribute(line: line, attribute: token.text, reason: "the quoted value is not closed")
            }
            let attribute = BlockAttribute(key: token.key, value: token.value)
            info.attributes.append(attribute)
            do throws(AttributeProblem) {
                try info.apply(attribute)
            } catch {
                if strict { throw .badAttribute(line: line, attribute: token.text, reason: error.reason) }
            }
        }
        return info
    }

    private struct AttributeProblem: Error { var reason: String }

    private mutating func apply(_ attribute: BlockAttribute) throws(AttributeProblem) {
        switch attribute.key.lowercased() {
        case "skip":
            switch attribute.value?.lowercased() {
            case nil, "true", "yes", "1": skip = true
            case "false", "no", "0": skip = false
            default: throw AttributeProblem(reason: "skip takes no value, or true or false")
            }
        case "timeout":
            guard let seconds = Self.integer(attribute.value), seconds >= 1 else {
                throw AttributeProblem(reason: "the timeout must be a whole number of seconds, at least 1")
            }
            timeout = seconds
        case "exit":
            guard let code = Self.integer(attribute.value), (0...255).contains(code) else {
                throw AttributeProblem(reason: "the expected exit code must be a whole number from 0 to 255")
            }
            expectedExit = code
        case "file":
            guard let path = attribute.value, !path.isEmpty else {
                throw AttributeProblem(reason: "file needs a path, as in file=hello.py")
            }
            file = path
        case "fresh":
            switch attribute.value?.lowercased() {
            case nil, "true", "yes", "1": fresh = true
            case "false", "no", "0": fresh = false
            default: throw AttributeProblem(reason: "fresh takes no value, or true or false")
            }
        case "session":
            guard let name = attribute.value, SessionKey.isValidName(name) else {
                throw AttributeProblem(
                    reason: "session needs a name of letters, digits, '_' and '-', as in session=setup")
            }
            session = name
        default:
            break
        }
    }

    /// ASCII digits only (no sign, no spaces), at most 9 of them.
    private static func integer(_ text: String?) -> Int? {
        guard let text, !text.isEmpty, text.utf8.count <= 9,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}

/// Splits an info string into its language and attribute tokens.
private struct InfoScanner {
    struct Token {
        var key: String
        var value: String?
        /// The attribute as written, for error messages.
        var text: String
        var unterminated = false
    }

    let bytes: [UInt8]
    var position = 0
    var braceDepth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    mutating func language() -> String? {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        let start = position
        while position < bytes.count, !Self.isSpace(bytes[position]), bytes[position] != UInt8(ascii: "{") {
            position += 1
        }
        return start == position ? nil : string(start..<position).lowercased()
    }

    /// Whether `byte` ends a bare key or value here: whitespace, and `}` inside braces.
    private func endsWord(_ byte: UInt8) -> Bool {
        Self.isSpace(byte) || (braceDepth > 0 && byte == UInt8(ascii: "}"))
    }

    mutating func nextAttribute() -> Token? {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "{") {
                braceDepth += 1
                position += 1
            } else if byte == UInt8(ascii: "}") {
                braceDepth = max(braceDepth - 1, 0)
                position += 1
            } else {
                break
            }
        }
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count, !endsWord(bytes[position]), bytes[position] != UInt8(ascii: "=") {
            position += 1
        }
        let key = string(start..<position)
        guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
            return Token(key: key, value: nil, text: key)
        }
        position += 1
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            position += 1
            var value: [UInt8] = []
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count,
                    bytes[position + 1] == UInt8(ascii: "\"") || bytes[position + 1] == UInt8(ascii: "\\")
                {
                    position += 1
                }
                value.append(bytes[position])
                position += 1
            }
            let unterminated = position >= bytes.count
            if !unterminated { position += 1 }
            return Token(
                key: key, value: String(decoding: value, as: UTF8.self),
                text: string(start..<position), unterminated: unterminated)
        }
        let valueStart = position
        while position < bytes.count, !endsWord(bytes[position]) { position += 1 }
        return Token(key: key, value: string(valueStart..<position), text: string(start..<position))
    }
}
