import Foundation
import Testing

@testable import MDExec

/// Reproducible by default and an honest `check`, with the local executor: unnamed block
/// files out of sight, a `#!` line picking the shell, `--language` keeping a known
/// extension, truncation at a line boundary, timed-out blocks kept, and the summary line.
@Suite("reproducible runs and an honest check (local executor)", .serialized)
struct ReproducibleRunTests {
    func run(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["run", "--executor", "local"] + arguments)
    }

    @Test("ls shows only the document's files; unnamed blocks go to .mdexec/ with 12 hex digits")
    func unnamedFilesOutOfSight() throws {
        let scratch = try Scratch()
        let work = try scratch.directory("work")
        let doc = try scratch.write(
            "doc.md",
            """
            ```python fresh
            open("data.txt", "w").write("x")
            import helper
            ```

            ```sh
            ls; echo "$0"
            ```

            ```python fresh
            import helper, sys
            print(helper.NAME, __file__.split("/.mdexec/")[1][:9], len(__file__.split("tmp_code_")[1]))
            ```

            """)
        try scratch.write("work/helper.py", "NAME = 'helper'\n")
        let json = scratch.path + "/r.json"
        let result = try run(["--quiet", "--keep-going", "--work-dir", work, "--json", json, doc])
        #expect(result.status == 0, "\(result.stderr)")
        let blocks = try Results.document(json).blocks
        #expect(blocks[1].stdout.split(separator: "\n").dropLast() == ["data.txt", "helper.py"], "\(blocks[1].stdout)")
        #expect(blocks[1].filename?.hasPrefix(".mdexec/tmp_code_") == true)
        #expect(blocks[1].filename?.count == ".mdexec/tmp_code_".count + 12 + 3)
        #expect(blocks[2].stdout == "helper tmp_code_ 15\n", "a fresh python block imports the workspace's modules")
    }

    @Test("a #! line picks the shell; --language shell=bash keeps .sh")
    func shebangAndExtension() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md",
            """
            ```sh
            #!/bin/bash
            [[ 1 == 1 ]] && echo "bash ${BASH_VERSION%%.*}"
            ```

            ```sh
            #!/usr/bin/env bash
            echo "${BASH_VERSION:+bash}"
            ```

            ```sh
            echo "${BASH_VERSION:-plain sh}"
            ```

            ```shell
            echo "[[ ok ]]"
            ```

            """)
        let json = scratch.path + "/r.json"
        let result = try run(["--quiet", "--json", json, doc])
        #expect(result.status == 0, "\(result.stderr)")
        let blocks = try Results.document(json).blocks
        #expect(blocks[0].stdout.hasPrefix("bash "), "\(blocks[0].output)")
        #expect(blocks[1].stdout == "bash\n")
        #expect(blocks[2].stdout == "plain sh\n")
        let plan = try CLI.run(["blocks", "--json", "--language", "shell=bash", doc])
        #expect(plan.status == 0)
        #expect(plan.stdout.contains(#""filename": ".mdexec/tmp_code_"#))
        #expect(!plan.stdout.contains(".shell\""), "shell=bash writes .sh: \(plan.stdout)")
        let custom = try CLI.run(["blocks", "--json", "--language", "shell=bash:bsh", doc])
        #expect(custom.stdout.contains(".bsh\""), "an explicit :EXT still wins")
    }

    @Test("--max-output cuts at a line boundary")
    func truncationAtLineBoundary() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md", "```python\nfor i in range(2000):\n    print('line', i, 'x' * 20)\n```\n")
        let json = scratch.path + "/r.json"
        let result = try run(["--quiet", "--max-output", "1000", "--json", json, doc])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try Results.document(json).blocks[0].output
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines.dropLast(2).allSatisfy { $0.hasPrefix("line ") && $0.hasSuffix(String(repeating: "x", count: 20)) })
        #expect(lines.dropLast().last?.hasPrefix("[mdexec: output truncated: ") == true, "\(output.suffix(200))")
    }

    @Test("check: a timed-out block stays timed-out; the summary line counts compared and unrecorded blocks")
    func honestCheck() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md",
            """
            ```sh
            echo one
            ```

            ```output
            one
            ```
            exit code: 0

            ```sh
            echo two
            ```

            ```sh timeout=1
            sleep 5
            ```

            ```output
            recorded
            ```

            """)
        let json = scratch.path + "/r.json"
        let check = try CLI.run(["check", "--executor", "local", "--json", json, doc])
        #expect(check.status == 1)
        let result = try Results.document(json)
        #expect(result.blocks.map(\.status) == [.passed, .passed, .timedOut])
        #expect(result.summary.timedOut == 1)
        #expect(result.blocks[2].matched == nil, "a timed-out block is not compared")
        #expect(check.stderr.contains("line 14 timed-out (exit 124)"), "\(check.stderr)")
        #expect(!check.stderr.contains("output differs"))
        #expect(check.stderr.contains("doc.md: 3 blocks: 2 passed, 1 timed out in "))
        #expect(check.stderr.contains("; 1 compared, 1 with no recorded output\n"), "\(check.stderr)")

        let nothing = try scratch.write("nothing.md", "```sh\necho hi\n```\n")
        let empty = try CLI.run(["check", "--executor", "local", "--quiet", nothing])
        #expect(empty.status == 0)
        #expect(empty.stderr.isEmpty, "--quiet and all passed: no summary")
        let told = try CLI.run(["check", "--executor", "local", nothing])
        #expect(told.stderr.contains("nothing was compared: no block that ran has a recorded output"), "\(told.stderr)")
    }

    @Test("check: a differing block says differs, with a diff naming its line; --quiet keeps the summary of a failure")
    func differs() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md", "```sh\necho new\n```\n\n```output\nold\n```\nexit code: 0\n\n```sh\nexit 3\n```\n")
        let check = try CLI.run(["check", "--executor", "local", "--quiet", "--keep-going", doc])
        #expect(check.status == 1)
        #expect(check.stderr.contains("doc.md:1 recorded output"), "\(check.stderr)")
        #expect(check.stderr.contains("-old\n+new"))
        #expect(check.stderr.contains("doc.md: 2 blocks: 2 failed in "), "\(check.stderr)")
        #expect(check.stderr.contains("; 1 compared (1 differs), 1 with no recorded output"))
        let loud = try CLI.run(["check", "--executor", "local", "--keep-going", doc])
        #expect(loud.stderr.contains("[1/2] sh line 1 differs "), "exit 0 is not repeated: \(loud.stderr)")
        #expect(loud.stderr.contains("[2/2] sh line 10 failed (exit 3)"))
    }

    @Test("in GitHub Actions a failed, timed-out or differing block gets an ::error annotation on its line")
    func githubAnnotations() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md",
            "```sh\necho new\n```\n\n```output\nold\n```\nexit code: 0\n\n```sh\nexit 3\n```\n\n```sh\necho fine\n```\n"
        )
        let run = try CLI.run(
            ["check", "--executor", "local", "--quiet", "--keep-going", doc], environment: ["GITHUB_ACTIONS": "true"])
        #expect(run.status == 1)
        let file = doc.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        let annotations = run.stderr.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(
            annotations == [
                "::error file=\(file),line=1,title=mdexec%3A output differs::block 1 (sh) at line 1: exit code 0: output differs",
                "::error file=\(file),line=10,title=mdexec%3A block failed::block 2 (sh) at line 10: exit code 3",
            ], "\(run.stderr)")
        let plain = try CLI.run(["check", "--executor", "local", "--quiet", "--keep-going", doc])
        #expect(!plain.stderr.contains("::error"), "no annotations outside GitHub Actions")
    }

    @Test(".pre-commit-hooks.yaml offers mdexec check on Markdown files, and its entry works as pre-commit calls it")
    func preCommitHook() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let hooks = try String(contentsOf: root.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        #expect(hooks.contains("- id: mdexec-check\n"))
        let entry = try #require(
            hooks.split(separator: "\n").first {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("entry: mdexec check")
            })
        let words = entry.split(separator: " ").dropFirst(2).map(String.init)
        #expect(words == ["check", "--quiet"])
        #expect(hooks.contains(#"files: \.(md|markdown)$"#))
        let scratch = try Scratch()
        let good = try scratch.write("good.md", "```sh\necho ok\n```\n\n```output\nok\n```\nexit code: 0\n")
        let bad = try scratch.write("bad.md", "```sh\necho new\n```\n\n```output\nold\n```\nexit code: 0\n")
        #expect(try CLI.run(words + ["--executor", "local", good]).status == 0)
        #expect(
            try CLI.run(words + ["--executor", "local", good, bad]).status == 1, "pre-commit passes the files last")
    }
}
