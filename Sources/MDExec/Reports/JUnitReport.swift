/// The JUnit XML results (`--junit PATH`): one `<testsuite>` per document and one
/// `<testcase>` per executed block (passed, failed, timed out). Failed and timed-out blocks
/// carry a `<failure>` with the output; passed ones a `<system-out>` with it. The output is
/// shown as in the Markdown report (escape sequences dropped, control characters visible).
///
/// Counts per suite: `tests` is the number of testcases (executed blocks), `failures` the
/// failed and timed-out ones, `skipped` the document's blocks that did not run (skipped,
/// not-run, cancelled), which have no testcase. Characters XML 1.0 forbids are dropped.
public enum JUnitReport {
    /// The JUnit XML for `results`, one `<testsuite>` per document, in order.
    public static func render(_ results: [DocumentResult]) -> [UInt8] {
        var suites: [String] = []
        var totalTests = 0
        var totalFailures = 0
        var totalMs = 0
        for result in results {
            let executed = result.blocks.filter(\.wasExecuted)
            let failures = executed.filter { $0.status != .passed }.count
            let skipped = result.blocks.count - executed.count
            let ms = executed.reduce(0) { $0 + ($1.durationMs ?? 0) }
            totalTests += executed.count
            totalFailures += failures
            totalMs += ms
            var suite =
                "  <testsuite name=\"\(attribute(result.document))\" tests=\"\(executed.count)\""
                + " failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
                + " time=\"\(seconds(ms))\">\n"
            for block in executed {
                suite += testcase(block, document: result.document)
            }
            suite += "  </testsuite>\n"
            suites.append(suite)
        }
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\""
            + " time=\"\(seconds(totalMs))\">\n"
            + suites.joined()
            + "</testsuites>\n"
        return Array(xml.utf8)
    }

    private static func testcase(_ block: BlockResult, document: String) -> String {
        let name = "block \(block.index) (\(block.language ?? "no language"), line \(block.line))"
        var xml =
            "    <testcase classname=\"\(attribute(document))\" name=\"\(attribute(name))\""
            + " time=\"\(seconds(block.durationMs ?? 0))\">\n"
        let shown = ReportText.sanitizedForReport(block.output)
        if block.status == .passed {
            xml += "      <system-out>\(text(shown))</system-out>\n"
        } else {
            var message = "exit code \(block.exitCode.map(String.init) ?? "none")"
            if let reason = block.reason { message += " (\(reason))" }
            xml +=
                "      <failure message=\"\(attribute(message))\" type=\"\(block.status.rawValue)\">"
                + "\(text(shown))</failure>\n"
        }
        return xml + "    </testcase>\n"
    }

    // MARK: - XML text

    /// `ms` as seconds with three decimals, e.g. `0.041`.
    static func seconds(_ ms: Int) -> String {
        let ms = max(0, ms)
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Character data: `&`, `<`, `>` escaped, `\r` kept as `&#13;`, characters illegal in
    /// XML 1.0 dropped.
    static func text(_ s: String) -> String { escaped(s, inAttribute: false) }

    /// An attribute value in double quotes: also `"` escaped and tab/newline as references so
    /// attribute normalisation does not turn them into spaces.
    static func attribute(_ s: String) -> String { escaped(s, inAttribute: true) }

    private static func escaped(_ s: String, inAttribute: Bool) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars where isLegalXML(c) {
            switch c {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            case "\"" where inAttribute: out.append(contentsOf: "&quot;".unicodeScalars)
            case "\n" where inAttribute: out.append(contentsOf: "&#10;".unicodeScalars)
            case "\t" where inAttribute: out.append(contentsOf: "&#9;".unicodeScalars)
            default: out.append(c)
            }
        }
        return String(out)
    }

    /// XML 1.0 `Char`: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    static func isLegalXML(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
