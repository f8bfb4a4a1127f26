/// One container a block sits in: a block quote or a list item (lists themselves
/// consume nothing on a line).
struct ContainerFrame: Sendable {
    enum Kind: Sendable { case blockQuote, listItem }
    var kind: Kind
    /// 1-based line where the container starts (a list item's marker line).
    var startLine: Int
    /// Columns a continuation line must be indented by (marker offset + padding); list items only.
    var itemWidth: Int = 0
}

/// Matches the container markers at the start of one line the way libcmark does
/// (`parse_block_quote_prefix`, list item continuation and opening), tracking columns
/// with tab stops of 4, and records the bytes it consumed as a prefix that can start
/// new lines in the same container.
struct LineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let lineNumber: Int
    private(set) var offset: Int
    let end: Int
    private(set) var column = 0
    private(set) var partialTab = false
    /// The consumed container bytes, with tabs and list markers turned into spaces of the same width.
    private(set) var prefix: [UInt8] = []

    var prefixString: String { String(decoding: prefix, as: UTF8.self) }

    init(bytes: UnsafeBufferPointer<UInt8>, line: Int, content: Range<Int>) {
        self.bytes = bytes
        self.lineNumber = line
        self.offset = content.lowerBound
        self.end = content.upperBound
    }

    private func peek(_ at: Int) -> UInt8? { at < end ? bytes[at] : nil }

    /// The last first non-space found; still right while `offset` has not passed it
    /// (columns are absolute, so it does not depend on where the scan started).
    private var knownFirstNonspace: (offset: Int, column: Int)?

    /// Byte offset and column of the first non-space, like cmark's `S_find_first_nonspace`.
    /// Remembered, so matching many containers on one line stays linear.
    mutating func firstNonspace() -> (offset: Int, column: Int) {
        if let known = knownFirstNonspace, known.offset >= offset, known.column >= column { return known }
        let found = scanFirstNonspace()
        knownFirstNonspace = found
        return found
    }

    private func scanFirstNonspace() -> (offset: Int, column: Int) {
        var o = offset
        var col = column
        var charsToTab = 4 - (column % 4)
        while let c = peek(o) {
            if c == 0x20 {
                o += 1
                col += 1
                charsToTab -= 1
                if charsToTab == 0 { charsToTab = 4 }
            } else if c == 0x09 {
                o += 1
                col += charsToTab
                charsToTab = 4
            } else {
                break
            }
        }
        return (o, col)
    }

    var indent: Int { mutating get { firstNonspace().column - column } }

    var isBlankFromHere: Bool { mutating get { firstNonspace().offset >= end } }

    /// `S_advance_offset`: by columns (tabs may be consumed partially) or by bytes.
    mutating func advance(_ count: Int, columns: Bool, masked: Bool = false) {
        var n = count
        while n > 0, let c = peek(offset) {
            if c == 0x09 {
                let charsToTab = 4 - (column % 4)
                if columns {
                    partialTab = charsToTab > n
                    let used = min(charsToTab, n)
                    prefix.append(contentsOf: repeatElement(0x20, count: used))
                    column += used
                    if !partialTab { offset += 1 }
                    n -= used
                } else {
                    partialTab = false
                    prefix.append(contentsOf: repeatElement(0x20, count: charsToTab))
                    column += charsToTab
                    offset += 1
                    n -= 1
                }
            } else {
                partialTab = false
                prefix.append(masked ? 0x20 : c)
                offset += 1
                column += 1
                n -= 1
            }
        }
    }

    /// Consumes the containers of `frames` in order; false when one does not continue on this line.
    mutating func consume(_ frames: ArraySlice<ContainerFrame>) -> Bool {
        for frame in frames {
            switch frame.kind {
            case .blockQuote:
                guard consumeBlockQuote() else { return false }
            case .listItem:
                if frame.startLine == lineNumber {
                    guard consumeItemOpening() != nil else { return false }
                } else {
                    guard consumeItemContinuation(width: frame.itemWidth) else { return false }
                }
            }
        }
        return true
    }

    mutating func consumeBlockQuote() -> Bool {
        let first = firstNonspace()
        guard first.column - column <= 3, peek(first.offset) == UInt8(ascii: ">") else { return false }
        advance(first.column - column + 1, columns: true)
        if let c = peek(offset), c == 0x20 || c == 0x09 { advance(1, columns: true) }
        return true
    }

    mutating func consumeItemContinuation(width: Int) -> Bool {
        if indent >= width {
            advance(width, columns: true)
            return true
        }
        if isBlankFromHere {
            advance(firstNonspace().offset - offset, columns: false)
            return true
        }
        return false
    }

    /// Consumes a list marker and its padding, masked as spaces; returns the item's
    /// continuation width (marker offset + padding), or nil when there is no marker.
    mutating func consumeItemOpening() -> Int? {
        let first = firstNonspace()
        let markerOffset = first.column - column
        var o = first.offset
        guard let c = peek(o) else { return nil }
        if c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: "*") {
            o += 1
        } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
            var digits = 0
            while let d = peek(o), d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9"), digits < 9 {
                o += 1
                digits += 1
            }
            guard let delim = peek(o), delim == UInt8(ascii: ".") || delim == UInt8(ascii: ")") else {
                return nil
            }
            o += 1
        } else {
            return nil
        }
        let markerWidth = o - first.offset
        advance(o - offset, columns: false, masked: true)
        let saved = self
        let savedColumn = column
        while column - savedColumn <= 5, let s = peek(offset), s == 0x20 || s == 0x09 {
            advance(1, columns: true, masked: true)
        }
        let spaces = column - savedColumn
        if spaces >= 5 || spaces < 1 || peek(offset) == nil {
            self = saved
            if spaces > 0 { advance(1, columns: true, masked: true) }
            return markerOffset + markerWidth + 1
        }
        return markerOffset + markerWidth + spaces
    }
}
