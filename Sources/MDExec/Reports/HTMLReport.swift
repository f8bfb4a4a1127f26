import CCmark
import Foundation

/// The report as one self-contained HTML page (`--html`): the annotated report rendered by
/// libcmark's HTML renderer in its safe mode (raw HTML in the document is omitted,
/// dangerous URLs are dropped), each block wrapped with its status (a coloured label with
/// text) and exit code, each executed block's output escaped, and a summary at the top.
/// Nothing loads from the network: the style is inline, there are no scripts, fonts or
/// external images; light and dark colour schemes; readable when printed.
public enum HTMLReport {
    /// The page for `result`, from `report`, the annotated Markdown report of the same run;
    /// `image` gives an image's bytes (from the assets folder), embedded as a `data:` URI.
    public static func render(
        report: [UInt8], result: DocumentResult, image: (BlockImage) -> [UInt8]? = { _ in nil }
    ) -> [UInt8] {
        var page = ""
        page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        page +=
            "<title>\(escaped(result.document)) · mdexec report</title>\n<style>\n\(style)</style>\n</head>\n<body>\n"
        page += summary(result)
        page += "<main class=\"mdexec-document\">\n"
        page += body(report: report, blocks: result.blocks, image: image)
        page += "</main>\n</body>\n</html>\n"
        return Array(page.utf8)
    }

    /// The status as the page's label says it.
    static func label(_ status: BlockStatus) -> String {
        switch status {
        case .passed: "passed"
        case .failed: "failed"
        case .timedOut: "timed out"
        case .skipped: "skipped"
        case .notRun: "not run"
        case .cancelled: "cancelled"
        }
    }

    /// Text made safe for HTML content and attribute values.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func summary(_ result: DocumentResult) -> String {
        let counts = result.summary
        let milliseconds = result.blocks.compactMap(\.durationMs).reduce(0, +)
        let parts: [(String, Int, BlockStatus)] = [
            ("passed", counts.passed, .passed), ("failed", counts.failed, .failed),
            ("timed out", counts.timedOut, .timedOut), ("skipped", counts.skipped, .skipped),
            ("not run", counts.notRun, .notRun), ("cancelled", counts.cancelled, .cancelled),
        ]
        var html = "<header class=\"mdexec-summary\">\n"
        html += "<p class=\"mdexec-title\"><strong>\(escaped(result.document))</strong>"
        html += " · \(result.image.map(escaped) ?? "local executor")</p>\n<p class=\"mdexec-counts\">"
        html += "\(counts.total) block\(counts.total == 1 ? "" : "s"): "
        html +=
            parts.filter { $0.1 > 0 }.map { name, count, status in
                "<span class=\"mdexec-label \(cssClass(status))\">\(count) \(name)</span>"
            }.joined(separator: " ")
        html += " · \(seconds(milliseconds)) in blocks</p>\n</header>\n"
        return html
    }

    private static func seconds(_ milliseconds: Int) -> String {
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    private static func cssClass(_ status: BlockStatus) -> String { "status-\(status.rawValue)" }

    /// The report's HTML, with each block wrapped in a section that carries its status and,
    /// when it ran, its output in place of the report's `output` fence and exit line.
    private static func body(report: [UInt8], blocks: [BlockResult], image: (BlockImage) -> [UInt8]?) -> String {
        guard
            let document = report.withUnsafeBufferPointer({ buffer in
                cmark_parse_document(
                    UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), buffer.count,
                    CMARK_OPT_DEFAULT)
            })
        else { return "" }
        defer { cmark_node_free(document) }
        // Which code nodes are blocks is extraction's rule: the report's blocks, by their lines.
        let lines = ((try? MarkdownDocument.parse(report))?.blocks ?? []).map(\.line)
        let resultsByLine = Dictionary(zip(lines, blocks), uniquingKeysWith: { first, _ in first })
        var found: [(OpaquePointer, BlockResult)] = []
        if let iterator = cmark_iter_new(document) {
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                    cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK,
                    let result = resultsByLine[Int(cmark_node_get_start_line(node))]
                else { continue }
                found.append((node, result))
            }
            cmark_iter_free(iterator)
        }
        // Wrapped after the walk: wrapping moves and frees nodes.
        for (node, result) in found { wrap(node, result, image: image) }
        guard let rendered = cmark_render_html(document, CMARK_OPT_DEFAULT) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Puts `node` in a section with its status; an executed block's output fence and exit
    /// line, which the report placed right after it, are replaced by the escaped output.
    private static func wrap(_ node: OpaquePointer, _ result: BlockResult, image: (BlockImage) -> [UInt8]?) {
        guard let section = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { return }
        var head = "<section class=\"mdexec-block \(cssClass(result.status))\" id=\"block-\(result.index + 1)\">\n"
        head += "<div class=\"mdexec-head\"><span class=\"mdexec-label \(cssClass(result.status))\">"
        head += label(result.status) + "</span>"
        if result.wasExecuted, let code = result.exitCode {
            head += " <span class=\"mdexec-exit\">exit code \(code)</span>"
        }
        var notes: [String] = []
        if let language = result.language { notes.append(language) }
        notes.append("line \(result.line)")
        if let session = result.session { notes.append("session \(session)") }
        if result.sessionRestarted { notes.append("session restarted") }
        if result.outOfMemory { notes.append("out of memory") }
        head += " · <span class=\"mdexec-meta\">\(escaped(notes.joined(separator: " · ")))</span>"
        if let reason = result.reason, !result.wasExecuted || result.status != .passed {
            head += " · <span class=\"mdexec-reason\">\(escaped(reason))</span>"
        }
        head += "</div>"
        cmark_node_set_on_enter(section, head)
        cmark_node_set_on_exit(section, "</section>")
        cmark_node_insert_before(node, section)
        // A transcript's outputs are in its own text; nothing follows it.
        if result.wasExecuted, result.steps == nil, let outputFence = cmark_node_next(node),
            cmark_node_get_type(outputFence) == CMARK_NODE_CODE_BLOCK
        {
            if let exitLine = cmark_node_next(outputFence), cmark_node_get_type(exitLine) == CMARK_NODE_PARAGRAPH,
                plainText(exitLine).hasPrefix("exit code:")
            {
                cmark_node_free(exitLine)
            }
            cmark_node_free(outputFence)
        }
        cmark_node_unlink(node)
        cmark_node_append_child(section, node)
        guard result.wasExecuted, result.steps == nil, let output = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else {
            return
        }
        let text = result.output.isEmpty ? "" : escaped(result.output)
        cmark_node_set_on_enter(
            output,
            "<pre class=\"mdexec-output\" aria-label=\"output of block \(result.index + 1)\">\(text)</pre>")
        cmark_node_set_on_exit(output, "")
        cmark_node_append_child(section, output)
        // The report's image lines went with its exit line's paragraph: the page embeds them.
        for (picture, alt) in zip(result.images, RecordedResultText.imageAlts(result)) {
            guard let figure = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { continue }
            if let bytes = image(picture) {
                let uri = "data:\(picture.mediaType);base64,\(Data(bytes).base64EncodedString())"
                cmark_node_set_on_enter(
                    figure,
                    "<figure class=\"mdexec-image\"><img alt=\"\(escaped(alt))\" src=\"\(uri)\"><figcaption>\(escaped(alt))</figcaption></figure>"
                )
            } else {
                cmark_node_set_on_enter(
                    figure, "<p class=\"mdexec-missing\">image \(escaped(picture.path)) is missing</p>")
            }
            cmark_node_set_on_exit(figure, "")
            cmark_node_append_child(section, figure)
        }
    }

    /// The text of a paragraph's inline children.
    private static func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            if let literal = cmark_node_get_literal(current) { text += String(cString: literal) }
            child = cmark_node_next(current)
        }
        return text
    }

    private static let style = """
        :root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --code: #f6f8fa;
          --border: #d1d9e0; --passed: #1a7f37; --failed: #cf222e; --timed-out: #9a6700; --other: #59636e; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --code: #161b22; --border: #3d444d;
            --passed: #3fb950; --failed: #f85149; --timed-out: #d29922; --other: #9198a1; } }
        body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: var(--fg); background: var(--bg);
          font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
        pre, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
        pre { background: var(--code); border: 1px solid var(--border); border-radius: 6px; padding: 0.75rem;
          overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
        .mdexec-summary { border-bottom: 1px solid var(--border); margin-bottom: 1.5rem; }
        .mdexec-block { border-left: 4px solid var(--other); padding-left: 0.75rem; margin: 1rem 0; }
        .mdexec-block.status-passed { border-color: var(--passed); }
        .mdexec-block.status-failed { border-color: var(--failed); }
        .mdexec-block.status-timed-out { border-color: var(--timed-out); }
        .mdexec-head { font-size: 0.9em; color: var(--muted); }
        .mdexec-label { display: inline-block; border-radius: 1em; padding: 0 0.6em; font-weight: 600;
          color: #ffffff; background: var(--other); }
        .mdexec-label.status-passed { background: var(--passed); }
        .mdexec-label.status-failed { background: var(--failed); }
        .mdexec-label.status-timed-out { background: var(--timed-out); }
        .mdexec-output { border-style: dashed; }
        .mdexec-output:empty::before { content: "(no output)"; color: var(--muted); }
        img { max-width: 100%; }
        .mdexec-image { margin: 0.5rem 0; } .mdexec-image figcaption { font-size: 0.85em; color: var(--muted); }
        @media print { body { max-width: none; padding: 0; } pre { white-space: pre-wrap; border-color: #999; }
          .mdexec-label { color: #000; background: none; border: 1px solid #000; } }

        """
}
