import CCmark

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fenced code block as libcmark reported it, copied into Swift values.
struct FencedNode: Sendable {
    /// 1-based line and column (bytes) of the opening fence.
    var startLine: Int
    var startColumn: Int
    /// libcmark's end line. For a block that is closed only because its container ended,
    /// libcmark gives the line that ended the container (one past the block).
    var cmarkEndLine: Int
    var info: String
    var literal: String
    /// The containers (outermost first), list item widths filled in.
    var containers: [ContainerFrame]
    /// Whether this block's previous sibling is the fenced block read just before it.
    var followsFencedSibling: Bool
}

/// Walks a libcmark document and hands its fenced code blocks, in document order, to
/// `body`. Every libcmark object is released (with its arena) before `read` returns; no
/// C pointer escapes.
enum FencedNodeReader {
    static func read<E: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, lines: LineTable, _ body: (FencedNode) throws(E) -> Void
    ) throws(E) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try CmarkArena.withMemory { (memory) throws(E) in
            // The parser and the tree live in the arena and go with it: freeing them node
            // by node would only cost time.
            guard let parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, memory) else { return }
            cmark_parser_feed(parser, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), bytes.count)
            guard let document = cmark_parser_finish(parser) else { return }
            try walk(document, bytes: bytes, lines: lines, body)
        }
    }

    /// Depth first over the block nodes only: the inline nodes under paragraphs and
    /// headings (most of a large tree) are never visited.
    private static func walk<E: Error>(
        _ document: OpaquePointer, bytes: UnsafeBufferPointer<UInt8>, lines: LineTable,
        _ body: (FencedNode) throws(E) -> Void
    ) throws(E) {
        var stack: [ContainerFrame] = []
        var widthsKnown = 0
        var lastFenced: OpaquePointer?
        var next = cmark_node_first_child(document)
        while let node = next {
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_ITEM || type == CMARK_NODE_LIST {
                if type != CMARK_NODE_LIST {
                    let kind: ContainerFrame.Kind = type == CMARK_NODE_ITEM ? .listItem : .blockQuote
                    stack.append(ContainerFrame(kind: kind, startLine: Int(cmark_node_get_start_line(node))))
                }
                if let child = cmark_node_first_child(node) {
                    next = child
                    continue
                }
                if type != CMARK_NODE_LIST { leave(&stack, &widthsKnown) }
            } else if type == CMARK_NODE_CODE_BLOCK,
                let fenced = fencedNode(
                    node, stack: &stack, widthsKnown: &widthsKnown,
                    lastFenced: lastFenced, bytes: bytes, lines: lines)
            {
                try body(fenced)
                lastFenced = node
            }
            // The next sibling; at the end of a container, the sibling of the container.
            var current = node
            next = nil
            while true {
                if let sibling = cmark_node_next(current) {
                    next = sibling
                    break
                }
                guard let parent = cmark_node_parent(current), parent != document else { break }
                if cmark_node_get_type(parent) != CMARK_NODE_LIST { leave(&stack, &widthsKnown) }
                current = parent
            }
        }
    }

    private static func leave(_ stack: inout [ContainerFrame], _ widthsKnown: inout Int) {
        stack.removeLast()
        widthsKnown = min(widthsKnown, stack.count)
    }

    /// The code block `node` as a ``FencedNode``, or nil when it is an indented one.
    private static func fencedNode(
        _ node: OpaquePointer, stack: inout [ContainerFrame], widthsKnown: inout Int,
        lastFenced: OpaquePointer?, bytes: UnsafeBufferPointer<UInt8>, lines: LineTable
    ) -> FencedNode? {
        let startLine = Int(cmark_node_get_start_line(node))
        let startColumn = Int(cmark_node_get_start_column(node))
        let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
        let literalPointer = cmark_node_get_literal(node)
        let literal =
            literalPointer.map { UnsafeBufferPointer(start: $0, count: strlen($0)) }
            .map { UnsafeRawBufferPointer($0) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        guard
            isFenced(
                info: info, literal: literal, line: startLine, column: startColumn,
                bytes: bytes, lines: lines)
        else { return nil }
        while widthsKnown < stack.count {
            if stack[widthsKnown].kind == .listItem {
                stack[widthsKnown].itemWidth = itemWidth(stack, at: widthsKnown, bytes: bytes, lines: lines)
            }
            widthsKnown += 1
        }
        let follows = lastFenced != nil && cmark_node_previous(node) == lastFenced
        return FencedNode(
            startLine: startLine, startColumn: startColumn,
            cmarkEndLine: Int(cmark_node_get_end_line(node)), info: info,
            literal: String(decoding: literal, as: UTF8.self),
            containers: stack, followsFencedSibling: follows)
    }

    /// libcmark 0.30 cannot say whether a code block is fenced. It is when its info string
    /// is not empty, or when its start line (from its start column) is a fence and its
    /// text does not begin with that line: an indented block's start column points at
    /// its content, so its text begins with the start line's text.
    static func isFenced(
        info: String, literal: UnsafeRawBufferPointer, line: Int, column: Int,
        bytes: UnsafeBufferPointer<UInt8>, lines: LineTable
    ) -> Bool {
        if !info.isEmpty { return true }
        let content = lines.cmarkContentRange(line, in: bytes)
        let start = min(content.lowerBound + max(column - 1, 0), content.upperBound)
        let text = UnsafeBufferPointer(rebasing: bytes[start..<content.upperBound])
        guard let char = text.first, char == UInt8(ascii: "`") || char == UInt8(ascii: "~") else { return false }
        var run = 0
        while run < text.count, text[run] == char { run += 1 }
        guard run >= 3, text[run...].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return false }
        let firstLineEnd = literal.firstIndex(of: 0x0A) ?? literal.count
        return !literal[..<firstLineEnd].elementsEqual(text)
    }

    /// Continuation width of the list item `stack[index]`, found on its marker line
    /// after the containers around it.
    static func itemWidth(
        _ stack: [ContainerFrame], at index: Int, bytes: UnsafeBufferPointer<UInt8>, lines: LineTable
    ) -> Int {
        let line = stack[index].startLine
        var cursor = LineCursor(bytes: bytes, line: line, content: lines.cmarkContentRange(line, in: bytes))
        guard cursor.consume(stack[..<index]), let width = cursor.consumeItemOpening() else { return 2 }
        return width
    }
}

extension LineTable {
    /// The bytes of `line` as libcmark sees them: without terminator, and without the
    /// byte order mark libcmark skips at the start of the document.
    func cmarkContentRange(_ line: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let range = contentRange(line, in: bytes)
        if line == 1, range.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return 3..<range.upperBound
        }
        return range
    }
}
