import Testing

@testable import MDExec

@Suite("FenceInfo: language and attributes")
struct FenceInfoTests {
    @Test func languageOnly() throws {
        let info = try FenceInfo.parse("Python", line: 1)
        #expect(info == FenceInfo(raw: "Python", language: "python"))
    }

    @Test func emptyInfo() throws {
        let info = try FenceInfo.parse("", line: 1)
        #expect(info.language == nil)
        #expect(info.attributes.isEmpty)
    }

    @Test func bareAttributes() throws {
        let info = try FenceInfo.parse("sh skip", line: 1)
        #expect(info.language == "sh")
        #expect(info.skip)
        #expect(info.attributes == [BlockAttribute(key: "skip", value: nil)])
    }

    @Test func bracedAttributes() throws {
        let info = try FenceInfo.parse("python {timeout=5 exit=1}", line: 1)
        #expect(info.language == "python")
        #expect(info.timeout == 5)
        #expect(info.expectedExit == 1)
        #expect(!info.skip)
        #expect(
            info.attributes == [BlockAttribute(key: "timeout", value: "5"), BlockAttribute(key: "exit", value: "1")])
    }

    @Test("fresh and session=NAME pick how a block runs; a bad session name is an error")
    func sessionAttributes() throws {
        #expect(try FenceInfo.parse("python fresh", line: 1).fresh)
        #expect(try !FenceInfo.parse("python fresh=no", line: 1).fresh)
        #expect(try FenceInfo.parse("python {session=setup-2_b}", line: 1).session == "setup-2_b")
        for bad in ["python session=", "python session=a/b", "python session=\"a b\"", "sh fresh=maybe"] {
            #expect(throws: DocumentError.self, "\(bad)") { try FenceInfo.parse(bad, line: 4) }
        }
        #expect(FenceInfo.parseLeniently("output session=a/b").session == nil)
    }

    @Test("the interpreters that keep a session, and the session's label")
    func sessionKeys() {
        #expect(SessionDriver(command: ["python"]) == .python)
        #expect(SessionDriver(command: ["/usr/bin/python3.11", "-X", "dev"]) == .python)
        #expect(SessionDriver(command: ["bash"]) == .shell)
        #expect(SessionDriver(command: ["pwsh"]) == nil)
        #expect(SessionKey(command: ["python"])?.label == "python")
        #expect(SessionKey(command: ["python"], name: "a")?.label == "python:a")
        #expect(SessionKey(command: ["node"]) == nil)
        #expect(SessionKey(command: ["sh"]) != SessionKey(command: ["bash"]))
    }

    @Test func bracesAttachedToTheLanguage() throws {
        let info = try FenceInfo.parse("sh{skip}", line: 1)
        #expect(info.language == "sh")
        #expect(info.skip)
    }

    @Test func fileAttributePlainAndQuoted() throws {
        #expect(try FenceInfo.parse("python file=out/a.py", line: 1).file == "out/a.py")
        let quoted = try FenceInfo.parse(#"python file="a b.py" timeout=2"#, line: 1)
        #expect(quoted.file == "a b.py")
        #expect(quoted.timeout == 2)
        #expect(try FenceInfo.parse(#"python {file="say \"hi\".py"}"#, line: 1).file == #"say "hi".py"#)
    }

    @Test func unknownAttributesAreKept() throws {
        let info = try FenceInfo.parse("sh .class #id key=value", line: 1)
        #expect(info.attributes.map(\.key) == [".class", "#id", "key"])
        #expect(info.attributes.last?.value == "value")
        #expect(!info.skip && info.timeout == nil && info.expectedExit == nil && info.file == nil)
    }

    @Test func exitBounds() throws {
        #expect(try FenceInfo.parse("sh exit=0", line: 1).expectedExit == 0)
        #expect(try FenceInfo.parse("sh exit=255", line: 1).expectedExit == 255)
    }

    @Test(arguments: [
        ("sh timeout=0", "timeout=0"), ("sh timeout=x", "timeout=x"), ("sh timeout", "timeout"),
        ("sh timeout=-1", "timeout=-1"), ("sh exit=256", "exit=256"), ("sh exit=x", "exit=x"),
        ("sh {exit=}", "exit="), ("sh file=", "file="), (#"sh file="""#, #"file="""#),
        (#"sh file="open"#, #"file="open"#), ("sh skip=maybe", "skip=maybe"),
        ("sh timeout=99999999999999999999", "timeout=99999999999999999999"),
    ])
    func badValuesThrowNamingTheLine(_ raw: String, _ attribute: String) {
        #expect {
            try FenceInfo.parse(raw, line: 42)
        } throws: { error in
            guard case DocumentError.badAttribute(let line, let name, _) = error else { return false }
            return line == 42 && name == attribute
        }
    }

    @Test func errorMessageNamesTheLine() {
        do {
            _ = try FenceInfo.parse("sh timeout=0", line: 7)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("line 7"))
            #expect(error.description.contains("timeout=0"))
        }
    }

    @Test func lenientParsingNeverThrows() {
        let info = FenceInfo.parseLeniently(#"output timeout=0 exit=x file="open"#)
        #expect(info.language == "output")
        #expect(info.timeout == nil)
        #expect(info.attributes.count == 3)
    }

    @Test func documentReportsTheBadBlockLine() {
        #expect(
            throws: DocumentError.badAttribute(
                line: 5, attribute: "timeout=0",
                reason: "the timeout must be a whole number of seconds, at least 1")
        ) {
            try parseMarkdown("```sh\nok\n```\n\n```sh timeout=0\nx\n```\n")
        }
    }

    @Test func attributesOfRecordedOutputsAreIgnored() throws {
        let document = try parseMarkdown("```sh\nx\n```\n```output timeout=0\ny\n```\n")
        #expect(document.blocks.count == 1)
        #expect(document.blocks[0].recorded?.output == "y\n")
    }

    @Test func attributesOfAStandaloneOutputBlockAreChecked() {
        #expect(throws: DocumentError.self) {
            try parseMarkdown("Text\n\n```output timeout=0\ny\n```\n")
        }
    }
}
