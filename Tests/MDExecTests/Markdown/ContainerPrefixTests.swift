import Testing

@testable import MDExec

@Suite("MarkdownDocument: blocks in lists and block quotes")
struct ContainerPrefixTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var prefix: String
        var code: String
        var testDescription: String { text.debugDescription }
    }

    static let cases: [Case] = [
        Case(text: "- item\n\n  ```sh\n  echo a\n  ```\n", prefix: "  ", code: "echo a\n"),
        Case(text: "- ```sh\n  echo a\n  ```\n", prefix: "  ", code: "echo a\n"),
        Case(text: "1. ```sh\n   echo a\n   ```\n", prefix: "   ", code: "echo a\n"),
        Case(text: "10) ```sh\n    echo a\n    ```\n", prefix: "    ", code: "echo a\n"),
        Case(text: "-   ```sh\n    echo a\n    ```\n", prefix: "    ", code: "echo a\n"),
        Case(text: "> ```sh\n> echo a\n> ```\n", prefix: "> ", code: "echo a\n"),
        Case(text: ">```sh\n>echo a\n>```\n", prefix: ">", code: "echo a\n"),
        Case(text: "> 1. ```sh\n>    echo a\n>    ```\n", prefix: ">    ", code: "echo a\n"),
        Case(text: "> > ```sh\n> > echo a\n> > ```\n", prefix: "> > ", code: "echo a\n"),
        Case(text: "- > ```sh\n  > echo a\n  > ```\n", prefix: "  > ", code: "echo a\n"),
        Case(text: "- a\n  - b\n\n    ```sh\n    echo a\n    ```\n", prefix: "    ", code: "echo a\n"),
        Case(text: "- - ```sh\n    echo a\n    ```\n", prefix: "    ", code: "echo a\n"),
        Case(text: "*\t```sh\n\techo a\n\t```\n", prefix: "    ", code: "echo a\n"),
    ]

    @Test(arguments: cases)
    func closedBlockInContainer(_ example: Case) throws {
        let document = try parseMarkdown(example.text)
        let block = try #require(document.blocks.first)
        #expect(document.blocks.count == 1)
        #expect(block.code == example.code)
        #expect(block.isClosed)
        #expect(block.containerPrefix == example.prefix)
    }

    @Test(arguments: cases)
    func insertedOutputStaysInTheSameContainer(_ example: Case) throws {
        let document = try parseMarkdown(example.text)
        let block = try #require(document.blocks.first)
        let report = try MarkdownDocument.parse(document.insertingOutput(after: block, output: "a\n\nb\n", exitCode: 3))
        #expect(report.blocks.count == 1)
        let again = try #require(report.blocks.first)
        #expect(again.code == block.code)
        #expect(again.containerPrefix == block.containerPrefix)
        let recorded = try #require(again.recorded)
        #expect(recorded.output == "a\n\nb\n")
        #expect(recorded.exitCode == 3)
        #expect(recorded.firstLine == block.endLine + 1)
        #expect(recorded.lastLine == block.endLine + 6)
    }

    @Test func unclosedBlockEndsWithItsListItem() throws {
        let document = try parseMarkdown("- ```sh\n  echo a\n\nafter\n")
        let block = try #require(document.blocks.first)
        #expect(!block.isClosed)
        #expect(block.endLine == 3)
        #expect(block.containerPrefix == "  ")
    }

    @Test func unclosedBlockEndsWithItsBlockQuote() throws {
        let document = try parseMarkdown("> ```sh\n> echo a\nafter\n")
        let block = try #require(document.blocks.first)
        #expect(!block.isClosed)
        #expect(block.endLine == 2)
        #expect(block.containerPrefix == "> ")
        #expect(block.code == "echo a\n")
    }

    @Test func fenceOutsideTheItemDoesNotCloseIt() throws {
        let document = try parseMarkdown("- ```sh\n  echo a\n```\n")
        #expect(document.blocks.count == 2)
        #expect(!document.blocks[0].isClosed)
        #expect(document.blocks[0].endLine == 2)
        #expect(document.blocks[1].line == 3)
        #expect(!document.blocks[1].isClosed)
    }

    @Test func closingFenceWithExtraIndentKeepsContainerPrefixOnly() throws {
        let document = try parseMarkdown("- ```sh\n  echo a\n     ```\n")
        let block = try #require(document.blocks.first)
        #expect(block.isClosed)
        #expect(block.containerPrefix == "  ")
    }

    @Test func deeplyNestedQuoteAndList() throws {
        let document = try parseMarkdown("> - > 1. ```sh\n>   >    echo a\n>   >    ```\n")
        let block = try #require(document.blocks.first)
        #expect(block.code == "echo a\n")
        #expect(block.isClosed)
        #expect(block.containerPrefix == ">   >    ")
    }

    @Test func unclosedBlockOnItsItemLineGetsSpacesForTheMarker() throws {
        let document = try parseMarkdown("> 1. ```sh\n>    echo a\n")
        let block = try #require(document.blocks.first)
        #expect(!block.isClosed)
        #expect(block.containerPrefix == ">    ")
    }
}
