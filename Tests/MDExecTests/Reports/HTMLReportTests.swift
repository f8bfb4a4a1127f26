import Foundation
import Testing

@testable import MDExec

@Suite("HTMLReport: the self-contained page")
struct HTMLReportTests {
    static let text = """
        # A page

        Raw HTML <script>document.title = 'pwned'</script> stays out, and so does [this](javascript:alert(1)).

        ```python
        print("<script>alert(1)</script>")
        ```

        ```output
        an old recorded output
        ```
        exit code: 0

        > ```sh
        > exit 3
        > ```

        ```sh skip
        echo never
        ```

        ```sh
        sleep 9
        ```

        """

    static func page() throws -> (html: String, result: DocumentResult) {
        let document = try MarkdownDocument.parse(Array(text.utf8))
        let blocks = document.blocks
        let results = [
            BlockResult(
                index: 0, line: blocks[0].line, language: "python", filename: "a.py", status: .passed, exitCode: 0,
                stdout: "<script>alert(1)</script>\n", output: "<script>alert(1)</script>\n", durationMs: 40,
                session: "python"),
            BlockResult(
                index: 1, line: blocks[1].line, language: "sh", filename: "b.sh", status: .failed, exitCode: 3,
                durationMs: 5, session: "sh"),
            BlockResult(
                index: 2, line: blocks[2].line, language: "sh", filename: nil, status: .skipped, reason: "marked skip"),
            BlockResult(
                index: 3, line: blocks[3].line, language: "sh", filename: "d.sh", status: .timedOut, exitCode: 124,
                output: "Timeout", durationMs: 1000, reason: "timed out after 1 s", session: "sh"),
        ]
        let result = DocumentResult(document: "doc.md", executor: .docker, image: "python:3-slim", blocks: results)
        let report = MarkdownReport.render(document: document, results: results, options: ReportOptions())
        return (String(decoding: HTMLReport.render(report: report, result: result), as: UTF8.self), result)
    }

    @Test("every block has its status label and exit code; outputs are escaped, raw HTML omitted")
    func labelsAndEscaping() throws {
        let (html, _) = try Self.page()
        for (status, label) in [
            ("passed", "passed"), ("failed", "failed"), ("skipped", "skipped"), ("timed-out", "timed out"),
        ] {
            #expect(html.contains("<span class=\"mdexec-label status-\(status)\">\(label)</span>"), "\(label)")
        }
        #expect(html.contains("<span class=\"mdexec-exit\">exit code 3</span>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>"), "the output, escaped")
        #expect(!html.lowercased().contains("<script"), "no script element at all")
        #expect(!html.contains("javascript:"), "unsafe URLs dropped")
        #expect(!html.contains("an old recorded output"), "the run's output replaces the recorded one")
        #expect(!html.contains("exit code: 0"), "the report's exit lines become labels")
        #expect(html.contains("<blockquote>\n<section class=\"mdexec-block status-failed\""), "blocks keep their place")
        #expect(html.contains("4 blocks: <span class=\"mdexec-label status-passed\">1 passed</span>"))
    }

    @Test("self-contained and well formed: no external URL, every tag closed")
    func wellFormed() throws {
        let (html, _) = try Self.page()
        for external in ["src=", "<link", "@import", "url(", "http://", "https://"] {
            #expect(!html.contains(external), "\(external)")
        }
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]
        var open: [String] = []
        var rest = Substring(html)
        while let start = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: start)...]
            guard let end = rest.firstIndex(of: ">") else { break }
            let tag = rest[..<end]
            rest = rest[rest.index(after: end)...]
            if tag.hasPrefix("!") { continue }
            let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            if tag.hasPrefix("/") {
                #expect(open.last == name, "</\(name)> closes <\(open.last ?? "nothing")>")
                if open.last == name { open.removeLast() }
            } else if !void.contains(name) {
                open.append(name)
            }
        }
        #expect(open.isEmpty, "left open: \(open)")
    }
}
