import Testing

@testable import MDExec

@Suite("MarkdownDocument: recorded results")
struct RecordedResultTests {
    @Test func outputWithExitLine() throws {
        let document = try parseMarkdown("```sh\necho hi\n```\n\n```output\nhi\n```\nexit code: 0\n\nafter\n")
        #expect(document.blocks.count == 1)
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded == RecordedResult(output: "hi\n", exitCode: 0, firstLine: 5, lastLine: 8))
    }

    @Test func exitLineWithReasonAndTrailingSpaces() throws {
        let document = try parseMarkdown("```sh\nsleep 9\n```\n```output\nTimeout\n```\nexit code: 124 (timed out)  \n")
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded.exitCode == 124)
        #expect(recorded.lastLine == 7)
    }

    @Test(arguments: ["exit code: x", "exit code: 1 trailing", "the exit code: 1", "", "exit code:"])
    func notAnExitLine(_ line: String) throws {
        let document = try parseMarkdown("```sh\nx\n```\n\n```output\nout\n```\n\(line)\n")
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded.exitCode == nil)
        #expect(recorded.lastLine == 7)
    }

    @Test func exitLineMustFollowTheFenceDirectly() throws {
        let document = try parseMarkdown("```sh\nx\n```\n\n```output\nout\n```\n\nexit code: 0\n")
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded.exitCode == nil)
        #expect(recorded.lastLine == 7)
    }

    @Test func blankLinesBetweenAndAttributesAndCase() throws {
        let document = try parseMarkdown("```sh\nx\n```\n\n   \n\t\n```Output {timeout=0 exit=x}\nout\n```\n")
        #expect(document.blocks.count == 1)
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded.firstLine == 7)
        #expect(recorded.output == "out\n")
    }

    @Test func inABlockQuote() throws {
        let document = try parseMarkdown("> ```sh\n> echo hi\n> ```\n>\n> ```output\n> hi\n> ```\n> exit code: 2\n")
        #expect(document.blocks.count == 1)
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded == RecordedResult(output: "hi\n", exitCode: 2, firstLine: 5, lastLine: 8))
    }

    @Test func exitLineOutsideTheQuoteDoesNotCount() throws {
        let document = try parseMarkdown("> ```sh\n> x\n> ```\n> ```output\n> hi\n> ```\nexit code: 2\n")
        let recorded = try #require(document.blocks[0].recorded)
        #expect(recorded.exitCode == nil)
        #expect(recorded.lastLine == 6)
    }

    @Test func outputInAnotherContainerIsAnOrdinaryBlock() throws {
        let document = try parseMarkdown("> ```sh\n> x\n> ```\n\n> ```output\n> hi\n> ```\n")
        #expect(document.blocks.count == 2)
        #expect(document.blocks[0].recorded == nil)
        #expect(document.blocks[1].info.language == "output")
        #expect(document.blocks[1].index == 1)
    }

    @Test func outputNotAfterACodeBlockIsAnOrdinaryBlock() throws {
        let document = try parseMarkdown("Intro\n\n```output\nhi\n```\n\n```sh\nx\n```\nText\n\n```output\nho\n```\n")
        #expect(document.blocks.map(\.info.language) == ["output", "sh", "output"])
        #expect(document.blocks.allSatisfy { $0.recorded == nil })
        #expect(document.blocks.map(\.index) == [0, 1, 2])
    }

    @Test func secondOutputIsAnOrdinaryBlock() throws {
        let document = try parseMarkdown("```sh\nx\n```\n```output\na\n```\n```output\nb\n```\n")
        #expect(document.blocks.count == 2)
        #expect(document.blocks[0].recorded?.output == "a\n")
        #expect(document.blocks[1].info.language == "output")
        #expect(document.blocks[1].code == "b\n")
        #expect(document.blocks[1].recorded == nil)
    }

    @Test func indentedCodeDoesNotOwnAnOutput() throws {
        let document = try parseMarkdown("    indented\n\n```output\nhi\n```\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].info.language == "output")
    }

    @Test func outputInAListItem() throws {
        let document = try parseMarkdown("- ```sh\n  x\n  ```\n\n  ```output\n  a\n  ```\n  exit code: 1\n- next\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].recorded == RecordedResult(output: "a\n", exitCode: 1, firstLine: 5, lastLine: 8))
    }

    @Test func indicesSkipRecordedResults() throws {
        let document = try parseMarkdown("```sh\na\n```\n```output\n```\n```sh\nb\n```\n")
        #expect(document.blocks.map(\.index) == [0, 1])
        #expect(document.blocks[1].code == "b\n")
        #expect(document.blocks[0].recorded?.output == "")
    }

    @Test func insertionIsIdempotentThroughReparse() throws {
        let document = try parseMarkdown("```sh\necho hi\n```\n\nText.\n")
        let report = try MarkdownDocument.parse(
            document.insertingOutput(after: document.blocks[0], output: "hi\n", exitCode: 0))
        #expect(
            String(decoding: report.source, as: UTF8.self)
                == "```sh\necho hi\n```\n```output\nhi\n```\nexit code: 0\n\nText.\n")
        #expect(report.blocks.count == 1)
        #expect(report.blocks[0].recorded == RecordedResult(output: "hi\n", exitCode: 0, firstLine: 4, lastLine: 7))
    }
}
