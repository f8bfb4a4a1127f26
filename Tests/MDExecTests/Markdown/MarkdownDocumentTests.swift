import Testing

@testable import MDExec

@Suite("MarkdownDocument: which fenced blocks are extracted")
struct MarkdownDocumentTests {
    @Test func backtickAndTildeFences() throws {
        let document = try parseMarkdown(
            """
            # Title

            ```python
            print(1)
            ```

            ~~~sh
            echo hi
            ~~~

            """)
        #expect(document.blocks.count == 2)
        let python = try #require(document.blocks.first)
        #expect(python.index == 0)
        #expect(python.line == 3)
        #expect(python.endLine == 5)
        #expect(python.code == "print(1)\n")
        #expect(python.info.language == "python")
        #expect(python.fence == "```")
        #expect(python.isClosed)
        #expect(python.containerPrefix == "")
        let shell = document.blocks[1]
        #expect(shell.index == 1)
        #expect((shell.line, shell.endLine) == (7, 9))
        #expect(shell.fence == "~~~")
        #expect(shell.code == "echo hi\n")
    }

    @Test func longerFenceContainsShorterOne() throws {
        let document = try parseMarkdown("````markdown\n```\ninner\n```\n````\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].fence == "````")
        #expect(document.blocks[0].code == "```\ninner\n```\n")
        #expect(document.blocks[0].endLine == 5)
        #expect(document.blocks[0].isClosed)
    }

    @Test func tildeFenceClosedByLongerTildes() throws {
        let document = try parseMarkdown("~~~\n```\n~~~~~  \n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "```\n")
        #expect(document.blocks[0].isClosed)
        #expect(document.blocks[0].endLine == 3)
    }

    @Test func unclosedFenceRunsToEndOfFile() throws {
        let document = try parseMarkdown("text\n\n```sh\necho a\necho b")
        let block = try #require(document.blocks.first)
        #expect(!block.isClosed)
        #expect(block.line == 3)
        #expect(block.endLine == 5)
        #expect(block.code == "echo a\necho b\n")
    }

    @Test func emptyClosedBlock() throws {
        let document = try parseMarkdown("```sh\n```\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "")
        #expect(document.blocks[0].isClosed)
        #expect(document.blocks[0].endLine == 2)
    }

    @Test func openingFenceAloneAtEndIsUnclosed() throws {
        let document = try parseMarkdown("```")
        #expect(document.blocks.count == 1)
        #expect(!document.blocks[0].isClosed)
        #expect(document.blocks[0].endLine == 1)
    }

    @Test func indentedCodeIsNeverExtracted() throws {
        let document = try parseMarkdown(
            """
            para

                indented()

                ```
                still indented
                ```

            ```sh
            real
            ```
            """)
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "real\n")
        #expect(document.blocks[0].line == 9)
    }

    @Test(arguments: [
        "    ```\n", "    ```\n    x\n", "\t```\n", "    ~~~   \n", "- a\n\n      ```\n", "> x\n>\n>     ```\n",
    ])
    func indentedCodeWhoseContentIsAFence(_ text: String) throws {
        #expect(try parseMarkdown(text).blocks.isEmpty)
    }

    @Test func fenceIndentedUpToThreeSpacesIsFenced() throws {
        let document = try parseMarkdown("   ```sh\n   x\n   ```\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "x\n")
        #expect(document.blocks[0].fence == "```")
    }

    @Test func emptyDocument() throws {
        let document = try MarkdownDocument.parse([])
        #expect(document.blocks.isEmpty)
        #expect(document.lineCount == 0)
        #expect(document.lineRange(1) == 0..<0)
    }

    @Test func lineNumbersAndIndices() throws {
        var text = ""
        for index in 0..<5 {
            text += "Paragraph \(index)\n\n```sh\necho \(index)\n```\n\n"
        }
        let document = try parseMarkdown(text)
        #expect(document.blocks.map(\.index) == [0, 1, 2, 3, 4])
        #expect(document.blocks.map(\.line) == [3, 9, 15, 21, 27])
        #expect(document.blocks.map(\.endLine) == [5, 11, 17, 23, 29])
        for block in document.blocks {
            #expect(document.text(ofLine: block.line) == "```sh\n")
        }
    }

    @Test func crlfDocument() throws {
        let document = try parseMarkdown("intro\r\n\r\n```sh\r\necho hi\r\n```\r\nend")
        let block = try #require(document.blocks.first)
        #expect(block.code == "echo hi\n")
        #expect((block.line, block.endLine) == (3, 5))
        #expect(block.isClosed)
        #expect(document.lineCount == 6)
        #expect(document.text(ofLine: 3) == "```sh\r\n")
        #expect(document.text(ofLine: 6) == "end")
        #expect(document.lineRange(1) == 0..<7)
    }

    @Test func lineRangesCoverTheDocument() throws {
        let text = "a\nbb\r\n\rccc\n\nlast"
        let document = try parseMarkdown(text)
        #expect(document.lineCount == 6)
        let lines = (1...document.lineCount).map { document.text(ofLine: $0) }
        #expect(lines == ["a\n", "bb\r\n", "\r", "ccc\n", "\n", "last"])
        #expect(lines.joined() == text)
        #expect(document.lineRange(0).isEmpty)
        #expect(document.lineRange(7) == text.utf8.count..<text.utf8.count)
    }

    @Test func byteOrderMarkIsKeptAndTolerated() throws {
        let document = try MarkdownDocument.parse([0xEF, 0xBB, 0xBF] + Array("```sh\nx\n```\n".utf8))
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].fence == "```")
        #expect(document.blocks[0].isClosed)
        #expect(document.source.count == 3 + 12)
    }

    @Test func filenameHints() throws {
        let document = try parseMarkdown(
            """
            ```python
              # filename:  src/app.py  \nprint(1)
            ```

            ```python
            print(2)
            # filename: late.py
            ```

            ```sh
            #filename: nospace.sh
            ```

            ```sh
            # filename:
            ```
            """)
        #expect(document.blocks.map(\.filenameHint) == ["src/app.py", nil, nil, nil])
    }

    @Test func filenameHintKeepsRawValue() throws {
        let document = try parseMarkdown("```sh\n# filename: ../outside/x.sh\n```\n")
        #expect(document.blocks[0].filenameHint == "../outside/x.sh")
    }

    @Test func tenThousandBlocks() throws {
        var text = ""
        text.reserveCapacity(400_000)
        for index in 0..<10_000 {
            text += "```sh\necho \(index)\n```\n\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let document = try parseMarkdown(text)
        let elapsed = clock.now - start
        #expect(document.blocks.count == 10_000)
        #expect(document.blocks.last?.code == "echo 9999\n")
        #expect(document.blocks.last?.line == 39_997)
        #expect(document.blocks.last?.index == 9_999)
        #expect(elapsed < .seconds(5))
    }

    @Test("forEachBlock hands over the blocks parse gives, recorded results attached, in order")
    func streamedBlocks() throws {
        let text = """
            ```sh
            echo 1
            ```

            ```output
            1
            ```
            exit code: 0

            > ```python
            > print(2)
            > ```

            ~~~sh
            echo unclosed
            """
        var streamed: [CodeBlock] = []
        try MarkdownDocument.forEachBlock(in: Array(text.utf8)) { streamed.append($0) }
        #expect(streamed == (try parseMarkdown(text)).blocks)
        #expect(streamed.map(\.index) == [0, 1, 2])
        #expect(streamed[0].recorded?.output == "1\n" && streamed[0].recorded?.exitCode == 0)
        #expect(streamed[1].containerPrefix == "> " && !streamed[2].isClosed)

        var seen = 0
        #expect(throws: DocumentError.self) {
            try MarkdownDocument.forEachBlock(in: Array("```sh\necho\n```\n\n```sh timeout=x\n```\n".utf8)) { _ in
                seen += 1
            }
        }
        #expect(seen <= 1)
    }
}
