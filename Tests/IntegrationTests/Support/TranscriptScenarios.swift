import Foundation
import Testing

@testable import MDExec

/// Console and pycon transcripts, run by the real binary: the same scenarios with the local
/// executor (`LocalTranscriptTests`) and in the container (`DockerTests.Transcripts`).
/// `mdexec` runs a subcommand with the executor's options (executor, image) first.
struct TranscriptScenarios {
    /// Runs `mdexec SUBCOMMAND` with the executor's options and `arguments`.
    let mdexec: @Sendable (_ subcommand: String, _ arguments: [String]) throws -> CLI.Result

    static let tutorial = """
        # A tutorial written as transcripts

        ```console
        $ echo hello
        hello
        $ greet() { echo "hi $1"; }; x=42; cd sub
        $ echo "x is $x in ${PWD##*/}"
        x is 41 in sub
        $ false
        [1]
        $ for i in 1 2; do
        >   echo "i=$i"
        > done
        i=1
        ...
        $ cat
        $ ls /no/such/dir >/dev/null 2>&1
        [2]
        $ echo "a line with ... inside"
        a line ... inside
        ```

        ```bash
        greet "$x"; echo "${PWD##*/}"
        ```

        - In a list:

          ```console
          $ echo in-list
          wrong
          ```

        > ```console
        > $ echo quoted
        > wrong
        > ```

        ```pycon
        >>> y = 2 + 3
        >>> y * 10
        50
        >>> for i in range(2):
        ...     print(i)
        0
        1
        >>> print("")

        >>> print("value"); None
        value
        >>> 1 / 0
        Traceback (most recent call last):
          ...
        ZeroDivisionError: division by zero
        >>> "wrong"
        'right'
        ```

        ```python
        print("y was", y)
        ```

        """

    /// The tutorial as `run` rewrites it: only the outputs that no longer match.
    static let rewritten =
        tutorial
        .replacingOccurrences(of: "x is 41 in sub", with: "x is 42 in sub")
        .replacingOccurrences(of: "  $ echo in-list\n  wrong\n", with: "  $ echo in-list\n  in-list\n")
        .replacingOccurrences(of: "> $ echo quoted\n> wrong\n", with: "> $ echo quoted\n> quoted\n")
        .replacingOccurrences(of: "'right'", with: "'wrong'")

    /// A scratch folder with the tutorial and its work dir (with the `sub` folder it enters).
    func tutorialWorkspace() throws -> (scratch: Scratch, work: String, doc: String) {
        let scratch = try Scratch()
        let work = try scratch.directory("work")
        _ = try scratch.directory("work/sub")
        return (scratch, work, try scratch.write("t.md", Self.tutorial))
    }

    func runRewritesOnlyWhatDiffers() throws {
        let (scratch, work, doc) = try tutorialWorkspace()
        let report = scratch.path + "/report.md"
        let json = scratch.path + "/r.json"
        let run = try mdexec("run", ["--quiet", "--work-dir", work, "-o", report, "--json", json, doc])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        let expected =
            Self.rewritten
            .replacingOccurrences(
                of: "```bash\ngreet \"$x\"; echo \"${PWD##*/}\"\n```\n",
                with: "```bash\ngreet \"$x\"; echo \"${PWD##*/}\"\n```\n\n```output\nhi 42\nsub\n```\nexit code: 0\n"
            )
            .replacingOccurrences(
                of: "```python\nprint(\"y was\", y)\n```\n",
                with: "```python\nprint(\"y was\", y)\n```\n\n```output\ny was 5\n```\nexit code: 0\n")
        #expect(text == expected, "prompts, commands and matching outputs kept byte for byte")
        let blocks = try Results.document(json).blocks
        #expect(blocks.map(\.status) == [.passed, .passed, .passed, .passed, .passed, .passed])
        let console = try #require(blocks[0].steps)
        #expect(console.count == 8)
        #expect(console.map(\.exitCode) == [0, 0, 0, 1, 0, 0, 2, 0])
        #expect(console.map(\.matched) == [true, true, false, true, true, true, true, true])
        #expect(console[2].input == "echo \"x is $x in ${PWD##*/}\"" && console[2].output == "x is 42 in sub\n")
        #expect(console[3].expected == "[1]" && console[3].output == "[1]\n")
        #expect(console[4].input == "for i in 1 2; do\n  echo \"i=$i\"\ndone")
        #expect(
            console[5].input == "cat" && console[5].output == "", "stdin is empty: cat ends, the transcript goes on")
        #expect(console[2].line == 7)
        #expect(blocks[0].exitCode == 0, "the last command's")
        let pycon = try #require(blocks[4].steps)
        #expect(pycon.map(\.matched) == [true, true, true, true, true, true, false])
        #expect(pycon[5].output.hasPrefix("Traceback (most recent call last):\n    ...\nZeroDivisionError"))
        #expect(blocks[5].stdout == "y was 5\n", "state shared with the next python block")

        // The report run again: nothing changes.
        let again = try mdexec("run", ["--quiet", "--work-dir", work, "-o", report, report])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == text)
    }

    func checkShowsDiffs() throws {
        let (scratch, work, doc) = try tutorialWorkspace()
        let json = scratch.path + "/r.json"
        let check = try mdexec("check", ["--work-dir", work, "--json", json, doc])
        #expect(check.status == 1)
        #expect(
            check.stderr.contains("block 1, line 7: echo \"x is $x in ${PWD##*/}\": output differs"), "\(check.stderr)")
        #expect(check.stderr.contains("-x is 41 in sub\n+x is 42 in sub"))
        #expect(check.stderr.contains("-'right'\n+'wrong'"))
        #expect(check.stderr.contains("console line 3 differs"))
        #expect(!check.stderr.contains("block 1, line 4"), "a matching prompt is not listed")
        let blocks = try Results.document(json).blocks
        #expect(blocks.map(\.matched) == [false, nil, false, false, false, nil])
        #expect(try String(contentsOfFile: doc, encoding: .utf8) == Self.tutorial, "check changes nothing")

        try scratch.write("fixed.md", Self.rewritten)
        let fixed = try mdexec("check", ["--quiet", "--work-dir", work, scratch.path + "/fixed.md"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    func wrongExitTimeoutAndFresh() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "t.md",
            """
            ```console
            $ exit 3
            $ echo after
            after
            ```

            ```console timeout=1
            $ sleep 5
            $ echo never
            never
            ```

            ```pycon fresh
            >>> z = 1
            >>> z
            1
            ```

            """)
        let json = scratch.path + "/r.json"
        let run = try mdexec("run", ["--quiet", "--keep-going", "--json", json, "-o", scratch.path + "/out.md", doc])
        #expect(run.status == 1)
        let blocks = try Results.document(json).blocks
        #expect(blocks[0].status == .failed && blocks[0].reason == "command 1 exited 3, expected 0")
        #expect(blocks[0].steps?.map(\.exitCode) == [3, 0], "the transcript goes on after a failed command")
        #expect(blocks[1].status == .timedOut)
        #expect(blocks[1].steps?.map(\.exitCode) == [124, nil], "after a timeout the rest does not run")
        #expect(blocks[2].status == .passed)
        #expect(
            blocks[2].steps?.last?.output.contains("NameError") == true, "fresh: each prompt in its own interpreter")
        let out = try scratch.read("out.md")
        #expect(out.contains("$ exit 3\n[3]\n$ echo after\nafter\n"), "\(out)")
        #expect(out.contains("$ echo never\nnever\n"), "a prompt that did not run keeps its recorded output")
    }
}
