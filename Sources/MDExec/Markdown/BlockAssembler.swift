/// Turns the fenced nodes libcmark found into ``CodeBlock``s: fence, end line, closure,
/// container prefix, and recorded results.
struct BlockAssembler {
    let bytes: UnsafeBufferPointer<UInt8>
    let lines: LineTable

    struct Shape {
        var endLine: Int
        var isClosed: Bool
        var fence: String
        var prefix: String
    }

    /// The newest code block, held back until the next fenced node (its recorded result,
    /// perhaps) or the end of the document.
    private var pending: CodeBlock?
    /// Whether `pending` may still take a recorded result (it has none yet).
    private var pendingTakesResult = false
    /// How many code blocks have been made: the next block's index.
    private var count = 0

    init(bytes: UnsafeBufferPointer<UInt8>, lines: LineTable) {
        self.bytes = bytes
        self.lines = lines
    }

    /// Adds the next fenced node in document order: a new code block, or the recorded
    /// result of the block before it. A code block is handed to `emit` once it is
    /// complete, that is when the next code block starts or in ``finish(_:)``.
    mutating func add(_ node: FencedNode, emit: (CodeBlock) -> Void) throws(DocumentError) {
        let shape = shape(of: node)
        if node.followsFencedSibling, pendingTakesResult, let owner = pending, Self.isOutputInfo(node.info),
            owner.info.language != "output", owner.isClosed,
            onlyBlankLines(after: owner.endLine, before: node.startLine)
        {
            let recorded = recordedResult(node, shape)
            pending?.recorded = recorded
            pendingTakesResult = false
            return
        }
        let info = try FenceInfo.parse(node.info, line: node.startLine)
        if let done = pending { emit(done) }
        pending = CodeBlock(
            index: count, line: node.startLine, endLine: shape.endLine, info: info,
            code: node.literal, filenameHint: Self.filenameHint(node.literal),
            isClosed: shape.isClosed, fence: shape.fence, containerPrefix: shape.prefix)
        pendingTakesResult = true
        count += 1
    }

    /// Hands the last code block to `emit`, once every node has been added.
    mutating func finish(_ emit: (CodeBlock) -> Void) {
        if let done = pending { emit(done) }
        pending = nil
        pendingTakesResult = false
    }

    /// Whether the info string's first word is `output`, in any case.
    static func isOutputInfo(_ info: String) -> Bool {
        var utf8 = info.utf8[...]
        while let c = utf8.first, c == 0x20 || c == 0x09 { utf8 = utf8.dropFirst() }
        guard utf8.count >= 6 else { return false }
        for expected in "output".utf8 {
            guard let c = utf8.first, c | 0x20 == expected else { return false }
            utf8 = utf8.dropFirst()
        }
        guard let next = utf8.first else { return true }
        return next == 0x20 || next == 0x09 || next == UInt8(ascii: "{")
    }

    // MARK: - Shape

    private func cursor(_ line: Int) -> LineCursor {
        LineCursor(bytes: bytes, line: line, content: lines.cmarkContentRange(line, in: bytes))
    }

    func shape(of node: FencedNode) -> Shape {
        let opening = lines.cmarkContentRange(node.startLine, in: bytes)
        let fenceStart = min(opening.lowerBound + max(node.startColumn - 1, 0), opening.upperBound)
        var fenceEnd = fenceStart
        let fenceChar = fenceStart < opening.upperBound ? bytes[fenceStart] : UInt8(ascii: "`")
        while fenceEnd < opening.upperBound, bytes[fenceEnd] == fenceChar { fenceEnd += 1 }
        var fenceLength = fenceEnd - fenceStart
        var fence = String(decoding: UnsafeBufferPointer(rebasing: bytes[fenceStart..<fenceEnd]), as: UTF8.self)
        if fenceLength < 3 || (fenceChar != UInt8(ascii: "`") && fenceChar != UInt8(ascii: "~")) {
            (fence, fenceLength) = ("```", 3)
        }

        let frames = node.containers[...]
        let last = min(max(node.cmarkEndLine, node.startLine), max(lines.lineCount, node.startLine))
        var endLine = last
        if last > node.startLine {
            var closing = cursor(last)
            if closing.consume(frames) {
                if Self.isClosingFence(closing, char: fence.utf8.first!, length: fenceLength) {
                    return Shape(endLine: last, isClosed: true, fence: fence, prefix: closing.prefixString)
                }
            } else {
                // libcmark ends an unclosed block on the line that closed its container.
                endLine = last - 1
            }
        }
        var start = cursor(node.startLine)
        var prefix = start.consume(frames) ? start.prefixString : Self.canonicalPrefix(node.containers)
        // The opening line's prefix may not hold on a continuation line (after `>-` the
        // quote takes the space the list item needs): then use the canonical one.
        if !Self.continues(prefix, frames) { prefix = Self.canonicalPrefix(node.containers) }
        return Shape(endLine: endLine, isClosed: false, fence: fence, prefix: prefix)
    }

    static func isClosingFence(_ cursor: LineCursor, char: UInt8, length: Int) -> Bool {
        var cursor = cursor
        let first = cursor.firstNonspace()
        guard first.column - cursor.column <= 3 else { return false }
        var o = first.offset
        while o < cursor.end, cursor.bytes[o] == char { o += 1 }
        guard o - first.offset >= length else { return false }
        while o < cursor.end {
            guard cursor.bytes[o] == 0x20 || cursor.bytes[o] == 0x09 else { return false }
            o += 1
        }
        return true
    }

    /// Whether a continuation line starting with `prefix` stays in all of `frames`, with
    /// exactly `prefix` taken by the containers.
    static func continues(_ prefix: String, _ frames: ArraySlice<ContainerFrame>) -> Bool {
        if frames.isEmpty { return prefix.isEmpty }
        let probe = Array(prefix.utf8) + [UInt8(ascii: "x")]
        return probe.withUnsafeBufferPointer { buffer in
            var cursor = LineCursor(bytes: buffer, line: 0, content: 0..<buffer.count)
            return cursor.consume(frames) && cursor.offset == buffer.count - 1
        }
    }

    static func canonicalPrefix(_ frames: [ContainerFrame]) -> String {
        var prefix: [UInt8] = []
        for frame in frames {
            switch frame.kind {
            case .blockQuote: prefix.append(contentsOf: "> ".utf8)
            case .listItem: prefix.append(contentsOf: repeatElement(0x20, count: frame.itemWidth))
            }
        }
        return String(decoding: prefix, as: UTF8.self)
    }

    // MARK: - Recorded results

    /// Lines strictly between `after` and `before` hold only spaces, tabs and `>`.
    /// (libcmark already put both blocks under the same parent, so nothing but blank
    /// lines, quote markers, or link reference definitions can be between them.)
    func onlyBlankLines(after: Int, before: Int) -> Bool {
        guard after < before else { return false }
        var line = after + 1
        while line < before {
            for byte in bytes[lines.contentRange(line, in: bytes)]
            where byte != 0x20 && byte != 0x09 && byte != UInt8(ascii: ">") {
                return false
            }
            line += 1
        }
        return true
    }

    func recordedResult(_ node: FencedNode, _ shape: Shape) -> RecordedResult {
        var exitCode: Int?
        var lastLine = shape.endLine
        let next = shape.endLine + 1
        if shape.isClosed, next <= lines.lineCount {
            var line = cursor(next)
            if line.consume(node.containers[...]), let code = Self.exitCode(line) {
                exitCode = code
                lastLine = next
                // mdexec's image lines after it belong to the result too.
                while lastLine + 1 <= lines.lineCount {
                    var imageLine = cursor(lastLine + 1)
                    guard imageLine.consume(node.containers[...]), Self.isOwnImageLine(imageLine) else { break }
                    lastLine += 1
                }
            }
        }
        return RecordedResult(output: node.literal, exitCode: exitCode, firstLine: node.startLine, lastLine: lastLine)
    }

    /// `![ALT](PATH)` (or `(<PATH>)`) whose PATH ends in one of mdexec's own image names,
    /// `block-<index>-<n>.<ext>`, then only whitespace.
    static func isOwnImageLine(_ cursor: LineCursor) -> Bool {
        var cursor = cursor
        let first = cursor.firstNonspace()
        guard first.column - cursor.column <= 3 else { return false }
        var text = cursor.bytes[first.offset..<cursor.end]
        while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        guard text.starts(with: "![".utf8), text.last == UInt8(ascii: ")") else { return false }
        // The alt text ends at its first `]` not escaped by a backslash (mdexec escapes `[`,
        // `]` and `\` in it); the target follows in parentheses.
        var at = text.startIndex + 2
        while at < text.endIndex, text[at] != UInt8(ascii: "]") {
            at += text[at] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard at + 1 < text.endIndex, text[at + 1] == UInt8(ascii: "(") else { return false }
        var target = text[(at + 2)..<(text.endIndex - 1)]
        if target.first == UInt8(ascii: "<"), target.last == UInt8(ascii: ">") {
            target = target.dropFirst().dropLast()
        }
        let name = target.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? target[...]
        return BlockImage.isOwnName(Substring(decoding: name, as: UTF8.self))
    }

    /// `exit code: N`, optionally followed by ` (anything)`, then only whitespace;
    /// indented at most 3 columns inside the container.
    static func exitCode(_ cursor: LineCursor) -> Int? {
        var cursor = cursor
        let first = cursor.firstNonspace()
        guard first.column - cursor.column <= 3 else { return nil }
        var text = cursor.bytes[first.offset..<cursor.end]
        while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        let label = "exit code:".utf8
        guard text.starts(with: label) else { return nil }
        text = text.dropFirst(label.count)
        while let c = text.first, c == 0x20 || c == 0x09 { text = text.dropFirst() }
        let digits = text.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        text = text.dropFirst(digits.count)
        if text.isEmpty { return value }
        guard let space = text.first, space == 0x20 || space == 0x09 else { return nil }
        while let c = text.first, c == 0x20 || c == 0x09 { text = text.dropFirst() }
        guard text.first == UInt8(ascii: "("), text.last == UInt8(ascii: ")") else { return nil }
        return value
    }

    // MARK: - Filename hint

    /// The value of a first line `# filename: PATH` (trimmed, not checked), or nil.
    static func filenameHint(_ code: String) -> String? {
        let utf8 = code.utf8
        var start = utf8.startIndex
        while start != utf8.endIndex, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        guard start != utf8.endIndex, utf8[start] == UInt8(ascii: "#") else { return nil }
        let end = utf8[start...].firstIndex(of: 0x0A) ?? utf8.endIndex
        let firstLine = Substring(code[start..<end])
        let marker = "# filename:"
        guard firstLine.hasPrefix(marker) else { return nil }
        let value = firstLine.dropFirst(marker.count).trimmingWhitespace()
        return value.isEmpty ? nil : String(value)
    }
}
