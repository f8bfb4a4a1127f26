import Foundation
import Testing

@testable import MDExec

@Suite("Execution pieces: languages, pip, hashes, capture, planning, configuration")
struct ExecutionPiecesTests {
    @Test("the ancestor's language table")
    func languages() {
        let table = LanguageTable()
        #expect(table.interpreter(for: "python")?.command == ["python"])
        #expect(table.interpreter(for: "PY")?.fileExtension == "py")
        #expect(table.interpreter(for: "python3.12")?.command == ["python3.12"])
        #expect(table.interpreter(for: "bash")?.command == ["bash"])
        #expect(table.interpreter(for: "shell")?.command == ["sh"])
        #expect(table.interpreter(for: "ps1")?.fileExtension == "ps1")
        #expect(table.interpreter(for: "json") == nil)
        #expect(table.interpreter(for: nil) == nil)
        let (name, node) = try! #require(LanguageTable.parseOverride("node=node --no-warnings:js"))
        #expect(name == "node" && node.command == ["node", "--no-warnings"] && node.fileExtension == "js")
        #expect(LanguageTable.parseOverride("nonsense") == nil)
        #expect(LanguageTable(overrides: ["sh": node]).interpreter(for: "sh") == node)
    }

    @Test("pip install lines get -qq (the ancestor's silence_pip, but errors still show), unless already quiet")
    func pip() {
        #expect(PipSilencer.silence("pip install numpy\necho", interpreter: "sh") == "pip install -qq numpy\necho")
        #expect(PipSilencer.silence("!pip install x", interpreter: "python") == "!pip install -qq x")
        #expect(PipSilencer.silence("pip install -qqq x", interpreter: "sh") == "pip install -qqq x")
        #expect(PipSilencer.silence("pip install --quiet x", interpreter: "sh") == "pip install --quiet x")
        #expect(PipSilencer.silence("  pip install x", interpreter: "sh") == "  pip install x")
        #expect(PipSilencer.silence("pip install x", interpreter: "node") == "pip install x")
    }

    @Test("SHA-256 matches known digests")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array(String(repeating: "a", count: 1000).utf8)
        #expect(SHA256.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(SHA256.hex(utf8: "abc") == SHA256.hex(Array("abc".utf8)))
    }

    /// Inputs around the padding boundaries (the tail takes one block up to 55 bytes, two
    /// from 56); digests from Python's hashlib.
    @Test(
        "SHA-256 at the padding boundaries",
        arguments: [
            (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
            (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
            (57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"),
            (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
            (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
            (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
            (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
            (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
            (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
        ])
    func sha256Padding(length: Int, digest: String) {
        let input = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
        #expect(SHA256.hex(input) == digest)
    }

    @Test("capture keeps at most the limit, cut at a line boundary, counts the rest, and notes it")
    func capture() {
        let capture = OutputCapture(limit: 12)
        capture.append(.stdout, Array("12\n34".utf8))
        capture.append(.stderr, Array("ab\ncdefgh\n".utf8))
        capture.append(.stdout, Array("zzzz\n".utf8))
        let text = capture.text()
        #expect(text.stdout == "12\n", "the line 34... did not end within the limit")
        #expect(text.stderr == "ab\n")
        #expect(capture.droppedBytes == 7 + 5)
        #expect(text.output.hasPrefix("12\n34ab\n[mdexec: output truncated: 12 more bytes dropped"), "\(text.output)")
        let partial = OutputCapture(limit: 8)
        partial.append(.stdout, Array("one\ntw".utf8))
        partial.append(.stdout, Array("o three\n".utf8))
        #expect(
            partial.text().output.hasPrefix("one\n[mdexec: output truncated: 10 more bytes"),
            "a line begun earlier is cut back")
        let oneLine = OutputCapture(limit: 4)
        oneLine.append(.stdout, Array("abcdefgh".utf8))
        #expect(
            oneLine.text().output.hasPrefix("abcd\n[mdexec: output truncated: 4 more bytes"),
            "a first line over the limit keeps its start")
        let invalid = OutputCapture(limit: 100)
        invalid.append(.stdout, [0x61, 0xFF, 0x62])
        #expect(invalid.text().stdout == "a\u{FFFD}b")
        #expect(OutputCapture(limit: 5).text(timedOut: true).output == "Timeout")
    }

    @Test("the planner: hints, file=, skips, refusals, default names")
    func planner() throws {
        let planner = BlockPlanner()
        func block(_ info: String, _ code: String) throws -> CodeBlock {
            let document = try MarkdownDocument.parse(Array("```\(info)\n\(code)```\n".utf8))
            return try #require(document.blocks.first)
        }
        let hinted = try block("python", "# filename: src/a.py\nprint(1)\n")
        #expect(
            planner.action(for: hinted)
                == .run(
                    file: "src/a.py", code: "# filename: src/a.py\nprint(1)\n",
                    interpreter: .init(command: ["python"], fileExtension: "py"),
                    session: SessionKey(command: ["python"])))
        let escaped = try block("python", "# filename: ../a.py\nprint(1)\n")
        #expect(planner.action(for: escaped) == .refuse(reason: "Filename is not in the workspace"))
        #expect(planner.action(for: try block("json", "{}\n")) == .skip(reason: "language 'json' does not run"))
        #expect(planner.action(for: try block("", "x\n")) == .skip(reason: "no language"))
        #expect(planner.action(for: try block("sh skip", "x\n")) == .skip(reason: "marked skip"))
        #expect(
            planner.action(for: try block("text file=notes/a.txt", "hello\n"))
                == .write(file: "notes/a.txt", code: "hello\n"))
        let code = "echo hi\n"
        if case .run(let file, _, _, _) = planner.action(for: try block("sh", code)) {
            #expect(file == ".mdexec/tmp_code_\(SHA256.hex(Array(code.utf8)).prefix(12)).sh")
        } else {
            Issue.record("an sh block must run")
        }
    }

    @Test("configuration: JSON is read with defaults for what it omits, and bad values are refused")
    func configuration() throws {
        // (Every key through yaml() and back: DockerTests.Configuration.)
        let json = #"{"image": "x", "timeout": 3, "extra_hosts": {"h": "1.2.3.4"}}"#
        let parsed = try ExecutorConfiguration.parse(json)
        #expect(parsed.image == "x" && parsed.timeout == 3 && parsed.extraHosts == ["h": "1.2.3.4"])
        #expect(parsed.network == "none" && parsed.autoRemove)
        for bad in [
            "timeout: 0", "functions_module: 1bad", "memory: lots", "extra_volumes: [relative:/x]", "timeout: [1]",
        ] {
            #expect(throws: ConfigurationError.self) { try ExecutorConfiguration.parse(bad) }
        }
        #expect(MemorySize.bytes("512m") == 512 << 20)
        // A null keeps the default.
        let nulls = try ExecutorConfiguration.parse("timeout: null\nauto_remove: ~\ndevice_requests: null\nimage: x")
        #expect(nulls.timeout == 60 && nulls.autoRemove && nulls.deviceRequests.isEmpty && nulls.image == "x")
        #expect(MemorySize.bytes("2g") == 2 << 30)
        #expect(MemorySize.bytes("-1") == nil)
    }

    @Test("configuration: flags win over the file key by key, and --add-host entries join the file's hosts")
    func layers() throws {
        let file = NSTemporaryDirectory() + "mdexec-layers-\(UUID().uuidString).yaml"
        try "timeout: 5\nimage: from-file\nextra_hosts: {db: 10.0.0.1, cache: 10.0.0.2}\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let resolved = try ExecutorConfiguration.resolve(
            file: file, flags: [.image: "from-flag", .extraHosts: ["db": "10.9.9.9", "api": "10.0.0.3"]])
        #expect(resolved.image == "from-flag" && resolved.timeout == 5)
        #expect(resolved.extraHosts == ["db": "10.9.9.9", "cache": "10.0.0.2", "api": "10.0.0.3"])
        #expect(try ExecutorConfiguration.resolve(file: nil) == ExecutorConfiguration())
    }
}
