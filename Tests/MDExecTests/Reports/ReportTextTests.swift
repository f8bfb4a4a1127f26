import MDExecTestSupport
import Testing

@testable import MDExec

@Suite("ReportText")
struct ReportTextTests {
    @Test("keeps newlines, tabs and ordinary text")
    func keepsPlainText() {
        let text = "a\tb\nc  d\n\nunicode: é漢😀 \u{FFFD}\n"
        #expect(ReportText.sanitizedForReport(text) == text)
    }

    @Test("CRLF becomes LF, a lone CR becomes ␍")
    func lineEndings() {
        #expect(ReportText.sanitizedForReport("a\r\nb\r\n") == "a\nb\n")
        #expect(ReportText.sanitizedForReport("10%\r50%\r100%\n") == "10%␍50%␍100%\n")
        #expect(ReportText.sanitizedForReport("end\r") == "end␍")
    }

    @Test("control characters become visible symbols")
    func controls() {
        #expect(ReportText.sanitizedForReport("\u{0}x\u{7}y\u{8}\u{B}\u{C}\u{1F}\u{7F}") == "␀x␇y␈␋␌␟␡")
    }

    @Test(
        "CSI sequences (colours, cursor moves) are dropped",
        arguments: [
            ("\u{1B}[31mred\u{1B}[0m", "red"),
            ("\u{1B}[1;32;40mgreen\u{1B}[m!", "green!"),
            ("\u{1B}[2K\u{1B}[1Gline", "line"),
            ("\u{1B}[?25lhidden\u{1B}[?25h", "hidden"),
            ("\u{9B}2Jcleared", "cleared"),
            ("a\u{1B}[", "a"),
            ("a\u{1B}[12\nb", "a\nb"),
        ])
    func csi(input: String, expected: String) {
        #expect(ReportText.sanitizedForReport(input) == expected)
    }

    @Test(
        "OSC and other string sequences are dropped up to BEL or ST",
        arguments: [
            ("\u{1B}]0;title\u{7}after", "after"),
            ("\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\", "link"),
            ("\u{1B}Pdcs\u{1B}\\x", "x"),
            ("\u{1B}]unterminated\nnext", "\nnext"),
        ])
    func osc(input: String, expected: String) {
        #expect(ReportText.sanitizedForReport(input) == expected)
    }

    @Test(
        "two-byte and charset sequences are dropped; a bare ESC is shown",
        arguments: [
            ("\u{1B}7saved\u{1B}8", "saved"),
            ("\u{1B}(Bascii", "ascii"),
            ("\u{1B}cReset", "Reset"),
            ("esc at end\u{1B}", "esc at end␛"),
            ("\u{1B}\u{1B}[0mx", "␛x"),
            ("\u{1B}\né", "␛\né"),
        ])
    func shortSequences(input: String, expected: String) {
        #expect(ReportText.sanitizedForReport(input) == expected)
    }

    @Test("no C0 control other than tab and newline survives sanitising")
    func noControlSurvives() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let s = ReportOutputs.random(using: &generator)
            let clean = ReportText.sanitizedForReport(s)
            let bad = clean.unicodeScalars.filter {
                ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F || $0.value == 0x9B
            }
            #expect(bad.isEmpty, "\(s.debugDescription) -> \(clean.debugDescription)")
            #expect(ReportText.sanitizedForReport(clean) == clean, "sanitising is idempotent")
        }
    }

    @Test("comparison ignores line endings, trailing spaces and trailing blank lines")
    func normalisation() {
        #expect(ReportText.normalizedForComparison("a  \r\nb\t\r\n\r\n\n") == "a\nb")
        #expect(ReportText.normalizedForComparison("a\rb\n") == "a\nb")
        #expect(ReportText.normalizedForComparison("\n\n") == "")
        #expect(ReportText.normalizedForComparison("") == "")
    }

    @Test("comparison keeps leading spaces, inner blank lines and case")
    func normalisationKeepsTheRest() {
        #expect(ReportText.normalizedForComparison("  a\n\nB\n") == "  a\n\nB")
        #expect(ReportText.normalizedForComparison("a\n\nb") != ReportText.normalizedForComparison("a\nb"))
        #expect(ReportText.normalizedForComparison(" a") != ReportText.normalizedForComparison("a"))
        #expect(ReportText.normalizedForComparison("A") != ReportText.normalizedForComparison("a"))
    }

    @Test("fresh output matches the output recorded from it")
    func outputsMatch() {
        #expect(OutputComparison(actual: "\u{1B}[32mok\u{1B}[0m  \r\n", recorded: "ok\n").matches)
        #expect(OutputComparison(actual: "50%\r100%\n", recorded: "50%␍100%\n").matches)
        #expect(!OutputComparison(actual: "ok\n", recorded: "ko\n").matches)
    }
}
