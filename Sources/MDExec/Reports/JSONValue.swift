/// A JSON value whose objects keep their keys in the order they were written, and its
/// serialisation in the layout of docs/reference.md: two-space indentation, `"key": value`, small
/// objects (the summary, block attributes) on one line, slashes not escaped.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A finite number, written as Swift prints it (`1.5`, `2.0`).
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// An object laid out over several lines.
    case object([(String, JSONValue)])
    /// An object of scalars laid out on one line: `{"a": 1, "b": 2}`.
    case inlineObject([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    static func optional(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
    static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }

    /// The serialised text, without a final newline.
    func serialized() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// The serialised text as UTF-8, without a final newline.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: 0)
        return out
    }

    /// Appends the serialised text, as if the value started at column `indent`.
    func write(to out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out.appendLiteral("null")
        case .bool(let b): out.appendLiteral(b ? "true" : "false")
        case .int(let n): out.appendDecimal(n)
        case .double(let x): out.append(contentsOf: Array((x.isFinite ? "\(x)" : "null").utf8))
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out.appendLiteral("[]")
                return
            }
            out.appendLiteral("[\n")
            for (i, item) in items.enumerated() {
                out.appendSpaces(indent + 2)
                item.write(to: &out, indent: indent + 2)
                out.appendLiteral(i + 1 < items.count ? ",\n" : "\n")
            }
            out.appendSpaces(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else {
                out.appendLiteral("{}")
                return
            }
            out.appendLiteral("{\n")
            for (i, (key, value)) in members.enumerated() {
                out.appendSpaces(indent + 2)
                JSONValue.writeString(key, to: &out)
                out.appendLiteral(": ")
                value.write(to: &out, indent: indent + 2)
                out.appendLiteral(i + 1 < members.count ? ",\n" : "\n")
            }
            out.appendSpaces(indent)
            out.append(UInt8(ascii: "}"))
        case .inlineObject(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.appendLiteral(", ") }
                JSONValue.writeString(key, to: &out)
                out.appendLiteral(": ")
                value.write(to: &out, indent: indent)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, ... or
    /// `\u00XX`; every other character (slashes, non-ASCII) written as is. Runs that need
    /// no escaping are copied in bulk, so long outputs cost linear time.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            for (i, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                switch byte {
                case UInt8(ascii: "\""): out.appendLiteral("\\\"")
                case UInt8(ascii: "\\"): out.appendLiteral("\\\\")
                case 0x0A: out.appendLiteral("\\n")
                case 0x0D: out.appendLiteral("\\r")
                case 0x09: out.appendLiteral("\\t")
                case 0x08: out.appendLiteral("\\b")
                case 0x0C: out.appendLiteral("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.appendLiteral("\\u00")
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's bytes (cheaper than the generic `+= text.utf8` on hot paths).
    mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func appendSpaces(_ count: Int) {
        for _ in 0..<count { append(UInt8(ascii: " ")) }
    }

    /// Appends `n` in decimal, as `String(n)` would write it.
    mutating func appendDecimal(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var digits = 1
        var probe = n.magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var rest = n.magnitude
        var i = count - 1
        while rest > 0 {
            self[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            i -= 1
        }
    }
}
