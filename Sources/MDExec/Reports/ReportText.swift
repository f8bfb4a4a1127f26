/// Text transformations shared by the reports and by `check`: what the Markdown report
/// shows of an output, and how two outputs are compared.
enum ReportText {
    /// The output as the Markdown report shows it: `\r\n` becomes `\n`, terminal escape
    /// sequences (CSI, OSC and other string sequences, two-byte `ESC x`, C1 CSI `U+009B`)
    /// are dropped, and every other C0 control character is shown as its visible symbol
    /// (U+2400 + code, e.g. `␀`, `␇`, `␍` for a lone CR; `␡` for DEL). `\n` and `\t` stay.
    static func sanitizedForReport(_ s: String) -> String {
        // Most outputs need nothing: no control byte but `\n` and `\t`, no DEL, no C1 CSI.
        let clean = s.utf8.allSatisfy { byte in
            (byte >= 0x20 && byte != 0x7F && byte != 0xC2) || byte == 0x0A || byte == 0x09
        }
        if clean { return s }
        let input = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let c = input[i]
            switch c.value {
            case 0x0A, 0x09:
                out.append(c)
                i += 1
            case 0x0D:
                if i + 1 < input.count, input[i + 1].value == 0x0A {
                    out.append("\n")
                    i += 2
                } else {
                    out.append(visibleSymbol(c))
                    i += 1
                }
            case 0x1B:
                if let end = escapeSequenceEnd(input, escapeAt: i) {
                    i = end
                } else {
                    out.append(visibleSymbol(c))
                    i += 1
                }
            case 0x9B:
                i = controlSequenceEnd(input, from: i + 1)
            case 0x00...0x1F, 0x7F:
                out.append(visibleSymbol(c))
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }

    /// The form `check` compares: line endings (`\r\n`, lone `\r`) become `\n`, trailing
    /// spaces and tabs of every line and trailing blank lines are removed; nothing else.
    static func normalizedForComparison(_ s: String) -> String {
        var lines: [String.UnicodeScalarView] = [String.UnicodeScalarView()]
        var previousWasCR = false
        for c in s.unicodeScalars {
            if c == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = c == "\r"
            if c == "\n" || c == "\r" {
                lines.append(String.UnicodeScalarView())
            } else {
                lines[lines.count - 1].append(c)
            }
        }
        var trimmed = lines.map { line -> String in
            var line = line
            while let last = line.last, last == " " || last == "\t" { line.removeLast() }
            return String(line)
        }
        while let last = trimmed.last, last.isEmpty { trimmed.removeLast() }
        return trimmed.joined(separator: "\n")
    }
    // MARK: - Escape sequences

    private static func visibleSymbol(_ c: Unicode.Scalar) -> Unicode.Scalar {
        c.value == 0x7F ? "\u{2421}" : Unicode.Scalar(0x2400 + c.value)!
    }

    /// The index just past the escape sequence starting with the ESC at `i`, or nil when
    /// the ESC does not start a recognisable sequence (it is then shown as `␛`).
    private static func escapeSequenceEnd(_ s: [Unicode.Scalar], escapeAt i: Int) -> Int? {
        guard i + 1 < s.count else { return nil }
        let next = s[i + 1].value
        switch next {
        case 0x5B:  // ESC [  CSI
            return controlSequenceEnd(s, from: i + 2)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // OSC, DCS, SOS, PM, APC: strings ended by ST/BEL
            return stringSequenceEnd(s, from: i + 2)
        case 0x20...0x2F:  // nF: intermediates then a final byte, e.g. ESC ( B
            var j = i + 1
            while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
            guard j < s.count, (0x30...0x7E).contains(s[j].value) else { return nil }
            return j + 1
        case 0x30...0x7E:  // two-byte sequences: ESC 7, ESC M, ESC c ...
            return i + 2
        default:
            return nil
        }
    }

    /// Past a CSI body: parameter bytes, intermediate bytes, one final byte. A body cut short
    /// by anything else is dropped up to (not including) that character.
    private static func controlSequenceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count, (0x30...0x3F).contains(s[j].value) { j += 1 }
        while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
        if j < s.count, (0x40...0x7E).contains(s[j].value) { return j + 1 }
        return j
    }

    /// Past a string sequence's terminator: BEL, ESC \ or U+009C. An unterminated string
    /// ends before the next line break, which is kept.
    private static func stringSequenceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count {
            switch s[j].value {
            case 0x07, 0x9C: return j + 1
            case 0x1B where j + 1 < s.count && s[j + 1].value == 0x5C: return j + 2
            case 0x0A, 0x0D: return j
            default: j += 1
            }
        }
        return j
    }
}
