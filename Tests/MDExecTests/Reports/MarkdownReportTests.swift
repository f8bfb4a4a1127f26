import Testing

@testable import MDExec

@Suite("MarkdownReport")
struct MarkdownReportTests {
    func render(_ markdown: String, _ results: [BlockResult], timings: Bool = false) throws -> String {
        let document = try MarkdownDocument.parse(Array(markdown.utf8))
        let bytes = MarkdownReport.render(
            document: document, results: results, options: ReportOptions(timings: timings))
        return String(decoding: bytes, as: UTF8.self)
    }

    func passed(_ index: Int, _ output: String, exit: Int = 0) -> BlockResult {
        BlockResult(
            index: index, line: 1, language: "sh", filename: nil, status: .passed, exitCode: exit, output: output,
            durationMs: 12)
    }

    @Test("a result is inserted after a block that has none")
    func insertsResult() throws {
        let doc = "# T\n\n```python\nprint(\"hi\")\n```\n\nDone.\n"
        let expected = "# T\n\n```python\nprint(\"hi\")\n```\n\n```output\nhi\n```\nexit code: 0\n\nDone.\n"
        #expect(try render(doc, [passed(0, "hi\n")]) == expected)
    }

    @Test("a blank line follows the exit line when the next line is not blank")
    func blankLineAfter() throws {
        let doc = "```sh\necho hi\n```\nText right after.\n"
        let expected = "```sh\necho hi\n```\n\n```output\nhi\n```\nexit code: 0\n\nText right after.\n"
        #expect(try render(doc, [passed(0, "hi\n")]) == expected)
    }

    @Test("a recorded result is replaced; a block that did not run keeps its own")
    func replacesRecorded() throws {
        let doc = """
            ```sh
            echo new
            ```

            ~~~ output
            old
            ~~~
            exit code: 3

            ```sh
            echo later
            ```
            ```output
            kept  \u{0}
            ```
            exit code: 9 (timed out)
            Tail
            """
        let expected = """
            ```sh
            echo new
            ```

            ```output
            new
            ```
            exit code: 0

            ```sh
            echo later
            ```
            ```output
            kept  \u{0}
            ```
            exit code: 9 (timed out)
            Tail
            """
        let notRun = BlockResult(index: 1, line: 10, language: "sh", filename: nil, status: .notRun)
        #expect(try render(doc, [passed(0, "new"), notRun]) == expected)
    }

    @Test("blocks without a result, or that did not run, are left alone")
    func nothingToDo() throws {
        let doc = "```sh\necho a\n```\n\n```sh\necho b\n```\n"
        let skipped = BlockResult(index: 1, line: 5, language: "sh", filename: nil, status: .skipped, reason: "skip")
        #expect(try render(doc, [skipped]) == doc)
        #expect(try render(doc, []) == doc)
    }

    @Test("an unclosed last block is closed before its result; a missing final newline is added")
    func unclosedBlock() throws {
        let expected = "````sh\necho hi\n````\n\n```output\nhi\n```\nexit code: 0\n"
        #expect(try render("````sh\necho hi", [passed(0, "hi\n")]) == expected)
        #expect(try render("````sh\necho hi\n", [passed(0, "hi\n")]) == expected)
    }

    @Test("a closed last block without a final newline gets one before its result")
    func noTrailingNewline() throws {
        #expect(
            try render("```sh\necho hi\n```", [passed(0, "hi")])
                == "```sh\necho hi\n```\n\n```output\nhi\n```\nexit code: 0\n")
    }

    @Test("CRLF documents get CRLF lines")
    func crlf() throws {
        let doc = "Intro\r\n\r\n```sh\r\necho hi\r\n```\r\nNext\r\n"
        let expected =
            "Intro\r\n\r\n```sh\r\necho hi\r\n```\r\n\r\n```output\r\nhi\r\n```\r\nexit code: 0\r\n\r\nNext\r\n"
        #expect(try render(doc, [passed(0, "hi\n")]) == expected)
    }

    @Test("results in a block quote stay in the quote")
    func blockQuote() throws {
        let doc = "> ```sh\n> echo hi\n> ```\nAfter\n"
        let expected = "> ```sh\n> echo hi\n> ```\n>\n> ```output\n> hi\n>\n> \tx\n> ```\n> exit code: 0\n>\nAfter\n"
        #expect(try render(doc, [passed(0, "hi\n\n\tx\n")]) == expected)
    }

    @Test("results in a list item stay in the item")
    func listItem() throws {
        let doc = "- step one\n\n  ```sh\n  echo hi\n  ```\n- step two\n"
        let expected =
            "- step one\n\n  ```sh\n  echo hi\n  ```\n\n  ```output\n  hi\n  ```\n  exit code: 0\n\n- step two\n"
        #expect(try render(doc, [passed(0, "hi\n")]) == expected)
    }

    @Test("the output fence is longer than any backtick or tilde run in the output")
    func fenceLength() throws {
        let output = "a ````` b\n~~~~~~~~\n```\n"
        let fence = String(repeating: "`", count: 9)
        let expected = "```sh\nx\n```\n\n\(fence)output\na ````` b\n~~~~~~~~\n```\n\(fence)\nexit code: 0\n"
        #expect(try render("```sh\nx\n```\n", [passed(0, output)]) == expected)
    }

    @Test("the output is sanitised; an empty output has no content lines")
    func sanitisedAndEmpty() throws {
        #expect(
            try render("```sh\nx\n```\n", [passed(0, "\u{1B}[31mred\u{1B}[0m\r\nbell\u{7}")])
                == "```sh\nx\n```\n\n```output\nred\nbell␇\n```\nexit code: 0\n")
        #expect(try render("```sh\nx\n```\n", [passed(0, "")]) == "```sh\nx\n```\n\n```output\n```\nexit code: 0\n")
    }

    @Test(
        "the exit line says why",
        arguments: [
            (BlockStatus.timedOut, 124, false, nil as Int?, nil as Bool?, "exit code: 124 (timed out)"),
            (.failed, 137, true, nil, nil, "exit code: 137 (out of memory)"),
            (.failed, 1, false, 3, nil, "exit code: 1 (expected 3)"),
            (.passed, 3, false, 3, nil, "exit code: 3"),
            (.failed, 0, false, nil, false, "exit code: 0 (output differs)"),
            (.failed, 2, false, nil, nil, "exit code: 2"),
        ])
    func exitLine(status: BlockStatus, code: Int, oom: Bool, expected: Int?, matched: Bool?, line: String) throws {
        let info = expected.map { " exit=\($0)" } ?? ""
        var result = passed(0, "", exit: code)
        result.status = status
        result.outOfMemory = oom
        result.matched = matched
        #expect(try render("```sh\(info)\nx\n```\n", [result]) == "```sh\(info)\nx\n```\n\n```output\n```\n\(line)\n")
    }

    @Test("timings are added only when asked for")
    func timings() throws {
        #expect(try render("```sh\nx\n```\n", [passed(0, "")], timings: true).hasSuffix("exit code: 0 in 12 ms\n"))
        #expect(try render("```sh\nx\n```\n", [passed(0, "")], timings: false).hasSuffix("exit code: 0\n"))
    }
}
