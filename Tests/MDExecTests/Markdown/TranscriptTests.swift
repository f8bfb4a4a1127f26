import Testing

@testable import MDExec

@Suite("Transcripts: which blocks are ones, their prompts, doctest matching")
struct TranscriptTests {
    @Test("recognised by language, or by the first non-blank line's prompt")
    func recognised() {
        #expect(Transcript.parse(code: "$ ls\n", language: "console")?.kind == .console)
        #expect(Transcript.parse(code: "$ ls\n", language: "shell-session")?.kind == .console)
        #expect(Transcript.parse(code: "\n$ ls\n", language: "bash")?.kind == .console)
        #expect(Transcript.parse(code: "echo $ x\n$ ls\n", language: "sh") == nil, "the first line decides")
        #expect(Transcript.parse(code: ">>> 1\n1\n", language: "pycon")?.kind == .pycon)
        #expect(Transcript.parse(code: ">>> 1\n1\n", language: "python")?.kind == .pycon)
        #expect(Transcript.parse(code: "print(1)\n", language: "python") == nil)
        #expect(Transcript.parse(code: "$ ls\n", language: "text") == nil)
    }

    @Test("console: commands, > continuations, expected output, [N], trailing blank lines left out")
    func console() throws {
        let code = "intro\n$ for i in 1 2; do\n>   echo $i\n> done\n1\n2\n\n$ false\n[1]\n$ true\n"
        let steps = try #require(Transcript.parse(code: code, language: "console")).steps
        #expect(steps.count == 3)
        #expect(steps[0].input == "for i in 1 2; do\n  echo $i\ndone")
        #expect(steps[0].expected == "1\n2" && steps[0].line == 1 && steps[0].inputLines == 3)
        #expect(steps[0].outputLines == 2, "the blank line after is a separator, not output")
        #expect(steps[1].expected == "[1]" && steps[1].expectedExit == 1 && steps[1].outputLines == 1)
        #expect(steps[2].expected == "" && steps[2].outputLines == 0 && steps[2].expectedExit == 0)
    }

    @Test("pycon: >>> statements, ... continuations, expected output")
    func pycon() throws {
        let code = ">>> for i in range(2):\n...     print(i)\n...\n0\n1\n>>> x = 1\n>>> x\n1\n"
        let steps = try #require(Transcript.parse(code: code, language: "pycon")).steps
        #expect(steps.map(\.input) == ["for i in range(2):\n    print(i)\n", "x = 1", "x"])
        #expect(steps.map(\.expected) == ["0\n1", "", "1"])
    }

    @Test("a bare >>> is a prompt; a bare ... after a simple statement is wildcard output")
    func bareMarks() throws {
        let steps = try #require(Transcript.parse(code: ">>> x = 1\n>>>\n>>> import this\n...\n", language: "pycon"))
            .steps
        #expect(steps.map(\.input) == ["x = 1", "", "import this"])
        #expect(steps[2].expected == "...")
    }

    @Test("an output that would read back as input is recognised")
    func readBack() {
        #expect(Transcript.wouldReadAsInput(["> quoted"], kind: .console))
        #expect(Transcript.wouldReadAsInput(["ok", "$ no"], kind: .console))
        #expect(!Transcript.wouldReadAsInput(["ok", "> fine later"], kind: .console))
        #expect(Transcript.wouldReadAsInput(["..."], kind: .pycon))
        #expect(Transcript.wouldReadAsInput(["a", ">>>"], kind: .pycon))
        #expect(!Transcript.wouldReadAsInput(["a ... b"], kind: .pycon))
    }

    @Test("matching: as recorded results, with doctest's ... wildcard")
    func matching() {
        #expect(Transcript.matches(expected: "a\nb", actual: "a\nb\n\n"))
        #expect(Transcript.matches(expected: "a  \r\nb", actual: "a\nb"))
        #expect(!Transcript.matches(expected: "a", actual: "b"))
        #expect(Transcript.matches(expected: "start ... end", actual: "start middle end"))
        #expect(Transcript.matches(expected: "one\n...\nfour", actual: "one\ntwo\nthree\nfour\n"))
        #expect(!Transcript.matches(expected: "one\n...\nfive", actual: "one\ntwo\nfour"))
        #expect(!Transcript.matches(expected: "ab...ba", actual: "aba"), "the pieces may not overlap")
        #expect(Transcript.matches(expected: "...", actual: "anything at all"))
    }

    @Test("a traceback in doctest's form: header, ..., exception lines")
    func doctestForm() {
        let traceback =
            "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    1/0\nZeroDivisionError: division by zero\n"
        #expect(
            Transcript.doctestForm(traceback)
                == "Traceback (most recent call last):\n    ...\nZeroDivisionError: division by zero\n")
        #expect(Transcript.doctestForm("plain\n") == "plain\n")
    }
}
