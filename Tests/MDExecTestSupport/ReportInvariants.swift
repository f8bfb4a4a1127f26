import MDExec

/// The report invariants of docs/reference.md, checked with the public API only: used by the tests,
/// the bounded mutation test and the libFuzzer target alike.
public enum ReportInvariants {
    /// What a recorded result holds for `output`: the sanitised text, with a final newline.
    public static func recordedText(for output: String) -> String {
        let shown = MarkdownReport.shown(output)
        if shown.isEmpty { return "" }
        return shown.hasSuffix("\n") ? shown : shown + "\n"
    }

    /// Every broken invariant of `report`, the report of `original` (parsed as `document`) for
    /// `results`:
    /// - it re-parses into the same blocks (same info string, same code) with one recorded
    ///   result per executed block, holding exactly the sanitised output and the exit code;
    /// - blocks that did not run keep their recorded result;
    /// - every byte of the original outside the replaced recorded results is kept, in order,
    ///   and only mdexec's recorded results (plus blank lines and a closing fence) are added;
    /// - rendering the report again with the same results gives the same bytes.
    public static func problems(
        original: [UInt8], document: MarkdownDocument, report: [UInt8], results: [BlockResult]
    ) -> [String] {
        var problems: [String] = []
        let reparsed: MarkdownDocument
        do {
            reparsed = try MarkdownDocument.parse(report)
        } catch {
            return ["the report does not parse: \(error)"]
        }
        guard reparsed.blocks.count == document.blocks.count else {
            return [
                "the report parses into \(reparsed.blocks.count) blocks, the document into \(document.blocks.count)"
            ]
        }
        var byIndex: [Int: BlockResult] = [:]
        for result in results where byIndex[result.index] == nil { byIndex[result.index] = result }
        for (before, after) in zip(document.blocks, reparsed.blocks) {
            let label = "block \(before.index) (line \(before.line))"
            if before.info.raw != after.info.raw {
                problems.append(
                    "\(label): info string \(before.info.raw.debugDescription) became \(after.info.raw.debugDescription)"
                )
            }
            if before.code != after.code {
                problems.append(
                    "\(label): code \(ReportInvariants.short(before.code.debugDescription, 200)) became \(ReportInvariants.short(after.code.debugDescription, 200))"
                )
            }
            if let result = byIndex[before.index], result.wasExecuted {
                guard let recorded = after.recorded else {
                    problems.append("\(label) was executed but has no recorded result in the report")
                    continue
                }
                let expected = recordedText(for: result.output)
                if recorded.output != expected {
                    problems.append(
                        "\(label): recorded output \(ReportInvariants.short(recorded.output.debugDescription, 300)) != \(ReportInvariants.short(expected.debugDescription, 300))"
                    )
                }
                if recorded.exitCode != result.exitCode {
                    problems.append(
                        "\(label): recorded exit code \(String(describing: recorded.exitCode)) != \(String(describing: result.exitCode))"
                    )
                }
            } else if before.recorded?.output != after.recorded?.output
                || before.recorded?.exitCode != after.recorded?.exitCode
            {
                problems.append("\(label) did not run but its recorded result changed")
            }
        }
        problems += keptBytesProblems(original: original, document: document, report: report, results: byIndex)
        let again = MarkdownReport.render(document: reparsed, results: results)
        if again != report {
            problems.append(
                "not idempotent: rendering the report again changes it (\(report.count) -> \(again.count) bytes, first difference at \(firstDifference(report, again)))"
            )
        }
        return problems
    }

    /// The original's bytes, cut where recorded results are replaced or inserted, must appear in
    /// the report in order, the first at its start and the last at its end.
    public static func keptBytesProblems(
        original: [UInt8], document: MarkdownDocument, report: [UInt8], results: [Int: BlockResult]
    ) -> [String] {
        var cuts: [Range<Int>] = []
        for block in document.blocks {
            guard let result = results[block.index], result.wasExecuted else { continue }
            if let recorded = block.recorded {
                cuts.append(
                    document.lineRange(recorded.firstLine).lowerBound..<document.lineRange(recorded.lastLine).upperBound
                )
            } else {
                let at = document.lineRange(block.endLine).upperBound
                cuts.append(at..<at)
            }
        }
        cuts.sort { $0.lowerBound < $1.lowerBound }
        var segments: [ArraySlice<UInt8>] = []
        var cursor = 0
        for cut in cuts where cut.lowerBound >= cursor {
            segments.append(original[cursor..<cut.lowerBound])
            cursor = cut.upperBound
        }
        segments.append(original[cursor...])
        let first = segments[0]
        guard segments.count > 1 else {
            return report.elementsEqual(first) ? [] : ["nothing was executed, yet the report differs from the document"]
        }
        let last = segments[segments.count - 1]
        guard report.starts(with: first) else {
            return ["the report does not start with the document's first \(first.count) bytes"]
        }
        guard report.count >= first.count + last.count, report.suffix(last.count).elementsEqual(last) else {
            return ["the report does not end with the document's last \(last.count) bytes"]
        }
        let end = report.count - last.count
        var position = first.count
        for (i, segment) in segments.enumerated().dropFirst().dropLast() where !segment.isEmpty {
            guard let found = find(segment, in: report, from: position), found + segment.count <= end else {
                return [
                    "segment \(i) of the document (\(segment.count) bytes from offset \(segment.startIndex)) is missing from the report, or out of order"
                ]
            }
            position = found + segment.count
        }
        return []
    }

    private static func find(_ needle: ArraySlice<UInt8>, in haystack: [UInt8], from start: Int) -> Int? {
        guard let head = needle.first, needle.count <= haystack.count - start else { return nil }
        var i = start
        let lastStart = haystack.count - needle.count
        while i <= lastStart {
            guard let at = haystack[i...lastStart].firstIndex(of: head) else { return nil }
            if haystack[at..<(at + needle.count)].elementsEqual(needle) { return at }
            i = at + 1
        }
        return nil
    }

    public static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    }

    /// `text` cut to `limit` characters, for messages.
    public static func short(_ text: String, _ limit: Int = 600) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "… (\(text.count) characters)"
    }
}
