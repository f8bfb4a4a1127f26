import MDExecTestSupport
import Testing

@testable import MDExec

@Suite("MarkdownDocument: any bytes parse without crashing")
struct MarkdownRobustnessTests {
    /// Checks what must hold for every document, whatever its bytes.
    func checkInvariants(_ document: MarkdownDocument) {
        var covered = 0
        for line in 0...(document.lineCount + 1) where line >= 1 && line <= document.lineCount {
            let range = document.lineRange(line)
            #expect(range.lowerBound == covered)
            covered = range.upperBound
        }
        #expect(covered == document.source.count)
        for (position, block) in document.blocks.enumerated() {
            #expect(block.index == position)
            #expect(block.line >= 1 && block.line <= block.endLine && block.endLine <= max(document.lineCount, 1))
            if let recorded = block.recorded {
                #expect(recorded.firstLine > block.endLine && recorded.lastLine >= recorded.firstLine)
                #expect(recorded.lastLine <= document.lineCount)
            }
            if position > 0 { #expect(block.line > document.blocks[position - 1].endLine) }
        }
    }

    @Test func randomBytes() {
        var generator = SeededGenerator(seed: 0x6D64_6578_6563)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<400, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let document = try? MarkdownDocument.parse(bytes) {
                #expect(document.source == bytes)
                checkInvariants(document)
            }
        }
    }

    @Test func randomMarkdownishDocuments() throws {
        let prefixes = ["", "", "> ", ">", "- ", "  ", "1. ", "   ", "    ", "\t", "> - ", "  > ", "* "]
        let bodies = [
            "```", "```sh", "````", "~~~", "~~~~ python {timeout=5}", "```output", "exit code: 0",
            "exit code: 1 (failed)", "text", "", "# filename: a.py", "```sh skip", "\u{0}", "\u{FFFD}",
        ]
        let endings = ["\n", "\n", "\r\n", "\r", ""]
        var generator = SeededGenerator(seed: 42)
        var sawBlocks = 0
        var insertions = 0
        for _ in 0..<4_000 {
            var text = ""
            var prefix = ""
            for _ in 0..<Int.random(in: 0..<25, using: &generator) {
                // Lines mostly keep the container of the line before, so fences get closed.
                if Int.random(in: 0..<10, using: &generator) < 3 {
                    prefix = prefixes.randomElement(using: &generator)! + prefixes.randomElement(using: &generator)!
                }
                text += prefix + bodies.randomElement(using: &generator)! + endings.randomElement(using: &generator)!
            }
            let document: MarkdownDocument
            do {
                document = try parseMarkdown(text)
            } catch {
                // Generated info strings like "```sh\texit code: 0" have a bad attribute.
                guard case .badAttribute = error else { throw error }
                continue
            }
            checkInvariants(document)
            sawBlocks += document.blocks.count
            // Inserting an output after a closed block keeps it in its container.
            // (An `output` block never owns a recorded result, and never runs.)
            if let block = document.blocks.first(where: {
                $0.isClosed && $0.recorded == nil && $0.info.language != "output"
            }) {
                insertions += 1
                let report = try MarkdownDocument.parse(
                    document.insertingOutput(after: block, output: "x\n", exitCode: 0))
                let again = try #require(report.blocks.first { $0.line == block.line })
                #expect(again.recorded?.output == "x\n", "\(text.debugDescription)")
                #expect(again.recorded?.exitCode == 0, "\(text.debugDescription)")
                #expect(report.blocks.count == document.blocks.count, "\(text.debugDescription)")
            }
        }
        #expect(sawBlocks > 1_000)
        #expect(insertions > 250)
    }

    @Test func nulByte() throws {
        let document = try MarkdownDocument.parse(Array("```sh\necho a\0b\n```\n".utf8))
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "echo a\u{FFFD}b\n")
        #expect(document.blocks[0].isClosed)
    }

    @Test func invalidUTF8() throws {
        let document = try MarkdownDocument.parse(Array("```sh\n".utf8) + [0xFF, 0xFE, 0x0A] + Array("```\n".utf8))
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].code == "\u{FFFD}\u{FFFD}\n")
        #expect(document.source.count == 13)
    }

    @Test func invalidUTF8InInfoString() throws {
        // libcmark does not take a line with invalid UTF-8 after the fence as an opening
        // fence: it is paragraph text, and the last line opens an (unclosed) block.
        let document = try MarkdownDocument.parse(Array("```sh ".utf8) + [0xC3] + Array("\nx\n```\n".utf8))
        #expect(document.blocks.map(\.line) == [3])
        #expect(document.blocks.first?.isClosed == false)
        let valid = try parseMarkdown("```sh caf\u{E9}\nx\n```\n")
        #expect(valid.blocks.first?.info.language == "sh")
        #expect(valid.blocks.first?.info.attributes == [BlockAttribute(key: "caf\u{E9}", value: nil)])
    }

    @Test func thousandDeepQuotes() throws {
        let prefix = String(repeating: "> ", count: 1_000)
        let document = try parseMarkdown("\(prefix)```sh\n\(prefix)echo deep\n\(prefix)```\n")
        let block = try #require(document.blocks.first)
        #expect(block.code == "echo deep\n")
        #expect(block.isClosed)
        #expect(block.containerPrefix == prefix)
    }

    @Test func thousandDeepLists() throws {
        var text = ""
        for depth in 0..<1_000 {
            text += String(repeating: "  ", count: depth) + "- item\n"
        }
        text += String(repeating: "  ", count: 1_000) + "```sh\n"
        text += String(repeating: "  ", count: 1_000) + "echo deep\n"
        text += String(repeating: "  ", count: 1_000) + "```\n"
        let document = try parseMarkdown(text)
        let block = try #require(document.blocks.first)
        #expect(block.code == "echo deep\n")
        #expect(block.isClosed)
        #expect(block.containerPrefix == String(repeating: " ", count: 2_000))
    }

    @Test func deepNestingWithoutBlocks() throws {
        let document = try parseMarkdown(
            String(repeating: ">", count: 5_000) + " text\n" + String(repeating: "- ", count: 3_000) + "x\n")
        #expect(document.blocks.isEmpty)
        #expect(document.lineCount == 2)
    }
}
