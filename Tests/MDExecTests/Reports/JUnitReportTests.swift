import Foundation
import MDExecTestSupport
import Testing

@testable import MDExec

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("JUnitReport")
struct JUnitReportTests {
    static let results = [
        DocumentResult(
            document: "docs/a&b.md", executor: .docker, image: "python:3-slim",
            blocks: [
                BlockResult(
                    index: 0, line: 3, language: "python", filename: nil, status: .passed, exitCode: 0,
                    output: "<ok> & \"fine\"\n", durationMs: 41),
                BlockResult(
                    index: 1, line: 9, language: "sh", filename: nil, status: .failed, exitCode: 2,
                    output: "bad\u{0}\u{1B}[0m\u{FFFE}]]>\r\n", durationMs: 1500, reason: "output differs"),
                BlockResult(
                    index: 2, line: 15, language: "sh", filename: nil, status: .timedOut, exitCode: 124,
                    output: "Timeout", durationMs: 60000),
                BlockResult(
                    index: 3, line: 20, language: "text", filename: nil, status: .skipped, reason: "not executable"),
                BlockResult(
                    index: 4, line: 25, language: "sh", filename: nil, status: .notRun,
                    reason: "an earlier block failed"),
            ]),
        DocumentResult(document: "empty.md", executor: .local, image: nil, blocks: []),
    ]

    /// The XML parsed back into elements with their attributes and text.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String: String] = [:]
        private var current = ""
        private var stack: [String] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((name, attributes))
            stack.append(name + "#\(elements.count - 1)")
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            texts[stack.removeLast()] = current
            current = ""
        }
    }

    func parse(_ bytes: [UInt8]) throws -> Collector {
        let parser = XMLParser(data: Data(bytes))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        try #require(
            ok,
            "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")\n\(String(decoding: bytes, as: UTF8.self))")
        return collector
    }

    @Test("well-formed XML with one testsuite per document and one testcase per executed block")
    func structure() throws {
        let xml = try parse(JUnitReport.render(Self.results))
        let names = xml.elements.map(\.name)
        #expect(
            names == [
                "testsuites", "testsuite", "testcase", "system-out", "testcase", "failure", "testcase", "failure",
                "testsuite",
            ])
        let suite = xml.elements[1].attributes
        #expect(suite["name"] == "docs/a&b.md")
        #expect(suite["tests"] == "3")
        #expect(suite["failures"] == "2")
        #expect(suite["skipped"] == "2")
        let first = xml.elements[2].attributes
        #expect(first["classname"] == "docs/a&b.md")
        #expect(first["name"] == "block 0 (python, line 3)")
        #expect(first["time"] == "0.041")
        #expect(xml.elements[4].attributes["time"] == "1.500")
        #expect(xml.elements[5].attributes["message"] == "exit code 2 (output differs)")
        #expect(xml.elements[5].attributes["type"] == "failed")
        #expect(xml.elements[7].attributes["type"] == "timed-out")
        #expect(xml.elements[7].attributes["message"] == "exit code 124")
        #expect(xml.elements[8].attributes["tests"] == "0")
        #expect(xml.elements[0].attributes["tests"] == "3")
    }

    @Test("output text survives escaping; characters XML forbids are dropped")
    func text() throws {
        let xml = try parse(JUnitReport.render(Self.results))
        #expect(xml.texts["system-out#3"] == "<ok> & \"fine\"\n")
        #expect(xml.texts["failure#5"] == "bad␀]]>\n")
        #expect(xml.texts["failure#7"] == "Timeout")
    }

    @Test("seconds have three decimals")
    func seconds() {
        #expect(JUnitReport.seconds(0) == "0.000")
        #expect(JUnitReport.seconds(41) == "0.041")
        #expect(JUnitReport.seconds(61_005) == "61.005")
    }

    @Test("random outputs always give well-formed XML that keeps the legal characters")
    func randomOutputs() throws {
        var g = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let output =
                ReportOutputs.random(using: &g) + g.pick(["]]>", "<![CDATA[", "&#0;", "\u{FFFF}", "\u{D7FF}\u{E000}"])
            let doc = DocumentResult(
                document: output, executor: .docker, image: nil,
                blocks: [
                    BlockResult(
                        index: 0, line: 1, language: output, filename: nil, status: .failed, exitCode: 1,
                        output: output, reason: output)
                ])
            let xml = try parse(JUnitReport.render([doc]))
            func legal(_ s: String) -> String {
                String(String.UnicodeScalarView(s.unicodeScalars.filter(JUnitReport.isLegalXML)))
            }
            #expect(xml.elements[1].attributes["name"] == legal(output))
            #expect(xml.elements[3].attributes["message"] == "exit code 1 (\(legal(output)))")
            #expect(xml.texts["failure#3"] == legal(ReportText.sanitizedForReport(output)))
        }
    }
}
