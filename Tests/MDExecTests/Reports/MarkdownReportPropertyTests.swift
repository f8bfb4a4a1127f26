import MDExecTestSupport
import Testing

@testable import MDExec

/// Report invariants over a few hundred generated documents and outputs each. A failure
/// names the seed; `ReportCase(seed:)` rebuilds that case.
@Suite("MarkdownReport properties")
struct MarkdownReportPropertyTests {
    static let seeds: [UInt64] = Array(1...300)

    @Test("the report parses into the document's blocks plus one recorded result per executed block")
    func fenceSafety() throws {
        for seed in Self.seeds {
            let c = try ReportCase(seed: seed)
            let report = try MarkdownDocument.parse(c.report)
            try #require(
                report.blocks.count == c.document.blocks.count,
                "seed \(seed): \(report.blocks.count) blocks, expected \(c.document.blocks.count)\n\(c.reportText)")
            for (original, reported) in zip(c.document.blocks, report.blocks) {
                #expect(reported.info == original.info, "seed \(seed) block \(original.index)")
                #expect(reported.code == original.code, "seed \(seed) block \(original.index)")
                if let result = c.executed[original.index] {
                    let recorded = try #require(
                        reported.recorded, "seed \(seed) block \(original.index)\n\(c.reportText)")
                    #expect(
                        recorded.output == ReportCase.expectedRecordedOutput(result.output),
                        "seed \(seed) block \(original.index)\n\(c.reportText)")
                    #expect(
                        recorded.exitCode == result.exitCode
                            ?? (result.status == .timedOut ? 124 : result.status == .passed ? 0 : 1))
                } else {
                    #expect(
                        reported.recorded?.output == original.recorded?.output, "seed \(seed) block \(original.index)")
                    #expect(
                        reported.recorded?.exitCode == original.recorded?.exitCode,
                        "seed \(seed) block \(original.index)")
                    if let before = original.recorded, let after = reported.recorded {
                        #expect(
                            Bool(
                                c.bytes(c.source, c.document, before.firstLine...before.lastLine)
                                    == c.bytes(c.report, report, after.firstLine...after.lastLine)),
                            "seed \(seed): a block that did not run keeps its recorded result byte for byte")
                    }
                }
            }
        }
    }

    @Test("removing the written results gives back the document's bytes")
    func bytePreservation() throws {
        for seed in Self.seeds {
            let c = try ReportCase(seed: seed)
            let stripped = try c.strippedReport()
            #expect(
                Bool(stripped == c.source), "seed \(seed)\n--- document\n\(c.sourceText)\n--- report\n\(c.reportText)")
        }
    }

    @Test("rendering the report again with the same results gives the same bytes")
    func idempotence() throws {
        for seed in Self.seeds {
            let c = try ReportCase(seed: seed)
            let again = MarkdownReport.render(document: try MarkdownDocument.parse(c.report), results: c.results)
            #expect(
                Bool(again == c.report),
                "seed \(seed)\n--- first\n\(c.reportText)\n--- second\n\(String(decoding: again, as: UTF8.self))")
        }
    }

    @Test("without timings the report does not depend on durations")
    func determinism() throws {
        for seed in Self.seeds.prefix(100) {
            let c = try ReportCase(seed: seed)
            let retimed = c.results.map { r -> BlockResult in
                var r = r
                r.durationMs = r.durationMs.map { $0 * 7 + 3 }
                return r
            }
            #expect(Bool(MarkdownReport.render(document: c.document, results: retimed) == c.report), "seed \(seed)")
            #expect(Bool(MarkdownReport.render(document: c.document, results: c.results) == c.report), "seed \(seed)")
        }
    }

    @Test("every inserted and replaced line starts with the block's container prefix")
    func containerPrefix() throws {
        for seed in Self.seeds {
            let c = try ReportCase(seed: seed)
            let report = try MarkdownDocument.parse(c.report)
            for block in report.blocks where c.executed[block.index] != nil {
                guard let recorded = block.recorded else { continue }
                for line in recorded.firstLine...recorded.lastLine {
                    let text = String(decoding: c.report[report.lineRange(line)], as: UTF8.self)
                    let prefix = ReportDocuments.trimmed(block.containerPrefix)
                    #expect(text.hasPrefix(prefix), "seed \(seed) line \(line): \(text.debugDescription)")
                }
            }
        }
    }
}

/// One generated document, its results and its report.
struct ReportCase {
    let source: [UInt8]
    let document: MarkdownDocument
    let results: [BlockResult]
    let executed: [Int: BlockResult]
    let report: [UInt8]

    init(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        source = Array(ReportDocuments.random(using: &g).utf8)
        document = try MarkdownDocument.parse(source)
        results = ReportDocuments.results(for: document.blocks, using: &g)
        executed = Dictionary(results.filter(\.wasExecuted).map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        report = MarkdownReport.render(document: document, results: results)
    }

    var sourceText: String { String(decoding: source, as: UTF8.self) }
    var reportText: String { String(decoding: report, as: UTF8.self) }

    static func expectedRecordedOutput(_ output: String) -> String {
        let clean = ReportText.sanitizedForReport(output)
        return clean.isEmpty || clean.hasSuffix("\n") ? clean : clean + "\n"
    }

    func bytes(_ bytes: [UInt8], _ doc: MarkdownDocument, _ lines: ClosedRange<Int>) -> [UInt8] {
        Array(bytes[doc.lineRange(lines.lowerBound).lowerBound..<doc.lineRange(lines.upperBound).upperBound])
    }

    /// The report with mdexec's own lines taken out again: replaced results swapped back for
    /// the document's, inserted results (with their blank lines and the closing fence of an
    /// unclosed block) removed. Worked out from the report's own parse.
    func strippedReport() throws -> [UInt8] {
        let parsed = try MarkdownDocument.parse(report)
        var edits: [(ClosedRange<Int>, [UInt8])] = []
        for (original, reported) in zip(document.blocks, parsed.blocks) where executed[original.index] != nil {
            let recorded = try #require(reported.recorded)
            if let old = original.recorded {
                // A result that had no exit line gets a blank line after the new one when
                // text follows (so that text is not absorbed into the exit-line paragraph).
                var last = recorded.lastLine
                let next = old.lastLine + 1
                if old.exitCode == nil, next <= document.lineCount,
                    !source[document.lineRange(next)].allSatisfy({ [0x20, 0x09, 0x3E, 0x0A, 0x0D].contains($0) })
                {
                    last += 1
                }
                edits.append((recorded.firstLine...last, bytes(source, document, old.firstLine...old.lastLine)))
            } else {
                let first = original.isClosed ? reported.endLine + 1 : reported.endLine
                var last = recorded.lastLine
                let next = original.endLine + 1
                if next <= document.lineCount,
                    !source[document.lineRange(next)].allSatisfy({ [0x20, 0x09, 0x3E, 0x0A, 0x0D].contains($0) })
                {
                    last += 1
                }
                edits.append((first...last, []))
            }
        }
        var out: [UInt8] = []
        var line = 1
        for (range, replacement) in edits {
            out += report[parsed.lineRange(line).lowerBound..<parsed.lineRange(range.lowerBound).lowerBound]
            out += replacement
            line = range.upperBound + 1
        }
        out += report[parsed.lineRange(line).lowerBound...]
        let endsWithTerminator = source.last == 0x0A || source.last == 0x0D
        if !endsWithTerminator, out.count > source.count {
            if out.suffix(2) == [0x0D, 0x0A] { out.removeLast(2) } else if out.last == 0x0A { out.removeLast() }
        }
        return out
    }
}
