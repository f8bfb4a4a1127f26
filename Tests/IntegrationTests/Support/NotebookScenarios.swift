import Foundation
import Testing

@testable import MDExec

/// Notebook mode, the same scenarios on every executor: the local one (host processes) and
/// the engine's (Docker, Podman). Each scenario runs documents through the real `mdexec`
/// binary and asserts on the JSON results and the report.
struct NotebookScenarios {
    /// What one `mdexec` run gave.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// The arguments that pick the executor (`--executor local`, or `--image IMAGE`).
    var executorArguments: [String]
    /// Runs `mdexec ARGS` in a directory.
    var mdexec: ([String], String) throws -> Run

    /// Runs `text` as a document with `extra` options; the run and its JSON results.
    func run(_ text: String, _ extra: [String] = [], keepGoing: Bool = true) throws -> (Run, DocumentResult) {
        let scratch = try Scratch()
        let doc = try scratch.write("doc.md", text)
        let json = scratch.path + "/r.json"
        let arguments =
            ["run"] + executorArguments + ["--quiet", "--json", json, "-o", "-"] + (keepGoing ? ["--keep-going"] : [])
            + extra + [doc]
        let run = try mdexec(arguments, scratch.path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: json)))
        return (run, try #require(try JSONReport.decode(bytes).first))
    }

    static func fence(_ info: String, _ code: String) -> String { "```\(info)\n\(code)\n```\n\n" }

    /// Python state carries over; the last value is shown, and hidden by `;`; sh keeps its
    /// working directory, variables and functions; bash is a session of its own.
    func stateAcrossBlocks() throws {
        let text =
            Self.fence("python", "import os\nx = 41\ndef double(n):\n    return 2 * n\nprint('pid', os.getpid())")
            + Self.fence("python", "x += 1\ndouble(x)")
            + Self.fence("python", "print('pid', os.getpid())\nx;")
            + Self.fence("python", "None")
            + Self.fence("sh", "mkdir -p sub && cd sub\nexport EXPORTED=yes\nPLAIN=kept\ngreet() { echo \"hi $1\"; }")
            + Self.fence("sh", "basename \"$PWD\"\necho \"$EXPORTED $PLAIN\"\ngreet there")
            + Self.fence("bash", "echo \"bash sees [${PLAIN-}]\"; BASHVAR=b")
            + Self.fence("bash", "echo \"bash keeps [$BASHVAR]\"")
        let (run, result) = try run(text)
        #expect(run.status == 0, "\(run.stderr)")
        let blocks = result.blocks
        #expect(blocks.map(\.status) == Array(repeating: .passed, count: 8), "\(blocks.map(\.stderr))")
        #expect(blocks[0].stdout.hasPrefix("pid "))
        // The same pid: one interpreter; and nothing more: a trailing ';' hides the value.
        #expect(blocks[2].stdout == blocks[0].stdout)
        #expect(blocks[1].stdout == "84\n", "the last expression's value")
        #expect(blocks[3].stdout == "", "None is not shown")
        #expect(blocks[5].stdout == "sub\nyes kept\nhi there\n")
        #expect(blocks[6].stdout == "bash sees []\n", "bash does not share sh's state")
        #expect(blocks[7].stdout == "bash keeps [b]\n")
        #expect(blocks.map(\.session) == ["python", "python", "python", "python", "sh", "sh", "bash", "bash"])
        #expect(blocks.allSatisfy { !$0.sessionRestarted })
        #expect(run.stdout.contains("```output\n84\n```\nexit code: 0\n"))
    }

    /// `--fresh` and the `fresh` attribute run a block in a process of its own (a NameError,
    /// as in the ancestor); `session=NAME` keeps an independent state.
    func freshAndNamedSessions() throws {
        let text = Self.fence("python", "x = 1") + Self.fence("python", "print(x)")
        let (freshRun, fresh) = try run(text, ["--fresh"])
        #expect(freshRun.status == 1)
        #expect(fresh.blocks[1].status == .failed)
        #expect(fresh.blocks[1].stderr.contains("NameError: name 'x' is not defined"), "\(fresh.blocks[1].stderr)")
        #expect(fresh.blocks.map(\.session) == [nil, nil])

        let mixed =
            Self.fence("python", "x = 'main'") + Self.fence("python fresh", "print(globals().get('x'))")
            + Self.fence("python session=other", "x = 'other'") + Self.fence("python", "print(x)")
            + Self.fence("python {session=other}", "print(x)")
        let (run, result) = try run(mixed)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(result.blocks.map(\.stdout) == ["", "None\n", "", "main\n", "other\n"])
        #expect(result.blocks.map(\.session) == ["python", nil, "python:other", "python", "python:other"])
    }

    /// Exit codes: `sys.exit(n)`, `SystemExit("msg")` and an exception keep the session; the
    /// traceback holds the block's frames only; `os._exit`, `exit` in a shell and a failing
    /// `set -e` command end it, and the next block says `session restarted`.
    func exitsAndRestarts() throws {
        let text =
            Self.fence("python", "def boom():\n    raise ValueError('bad')\nstate = 'kept'")
            + Self.fence("python", "import sys\nsys.exit(5)")
            + Self.fence("python", "raise SystemExit('a message')")
            + Self.fence("python", "boom()")
            + Self.fence("python", "print(state)")
            + Self.fence("python", "import os\nos._exit(3)")
            + Self.fence("python", "print(globals().get('state'))")
            + Self.fence("sh", "V=1\nexit 4")
            + Self.fence("sh", "echo \"V=${V-gone}\"")
            + Self.fence("bash", "set -e\nfalse\necho never")
            + Self.fence("bash", "echo again")
        let (run, result) = try run(text)
        #expect(run.status == 1)
        let blocks = result.blocks
        #expect(blocks.map(\.exitCode) == [0, 5, 1, 1, 0, 3, 0, 4, 0, 1, 0])
        #expect(blocks[2].stderr == "a message\n")
        let traceback = blocks[3].stderr
        #expect(traceback.hasPrefix("Traceback (most recent call last):\n  File \""), "\(traceback)")
        #expect(traceback.components(separatedBy: "  File \"").count == 3, "two frames, both the blocks': \(traceback)")
        #expect(!traceback.contains("<string>") && !traceback.contains("_mdexec"), "no driver frame: \(traceback)")
        #expect(traceback.hasSuffix("ValueError: bad\n"))
        #expect(blocks[4].stdout == "kept\n", "an exception keeps the session")
        #expect(blocks[6].stdout == "None\n", "os._exit ended the session: its state is gone")
        #expect(blocks[8].stdout == "V=gone\n")
        #expect(blocks[10].stdout == "again\n")
        #expect(
            blocks.map(\.sessionRestarted) == [
                false, false, false, false, false, false, true, false, true, false, true,
            ])
        #expect(run.stdout.contains("exit code: 0 (session restarted)"))
    }

    /// Timeouts: SIGINT at T (an interruptible block gives 124 and keeps the state), SIGKILL
    /// 2 s later (a block ignoring SIGINT gives 124 within T + 3 s, its session restarted, its
    /// background processes gone).
    func timeouts() throws {
        let text =
            Self.fence("python", "kept = 'yes'")
            + Self.fence("python timeout=1", "while True:\n    pass")
            + Self.fence("python", "print(kept)")
            + Self.fence("sh", "sleep 300 &\necho $! > bg.pid")
            + Self.fence("sh timeout=1", "trap '' INT\nsleep 30")
            + Self.fence(
                "sh",
                "pid=$(cat bg.pid)\nif [ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status; then echo alive; else echo gone; fi"
            )
        let (run, result) = try run(text)
        let blocks = result.blocks
        #expect(blocks.map(\.status) == [.passed, .timedOut, .passed, .passed, .timedOut, .passed])
        #expect(blocks[1].exitCode == 124)
        #expect(blocks[1].stderr.contains("KeyboardInterrupt"))
        #expect(blocks[2].stdout == "yes\n", "an interrupted block keeps its session")
        #expect(!blocks[2].sessionRestarted)
        #expect(blocks[4].exitCode == 124)
        #expect((blocks[4].durationMs ?? 0) < 4_000, "killed 2 s after the SIGINT it ignored")
        #expect(blocks[5].sessionRestarted)
        #expect(blocks[5].stdout == "gone\n", "the session's background process went with it")
        #expect(run.stdout.contains("exit code: 124 (timed out)"))
    }

    /// Hostile blocks cannot break the session's channel: closed or redirected streams, a
    /// redefined `printf`, `set -u`, `IFS`, `PATH=`, a fake marker, stdin reads, late output.
    func hostileBlocks() throws {
        let fakeMarker = "printf '\\036mdx0123456789abcdef0123456789abcdefE0\\n'"
        let text =
            Self.fence("sh", "exec >/dev/null\necho hidden")
            + Self.fence("sh", "echo visible")
            + Self.fence("sh", "exec 1>&- 2>&-")
            + Self.fence("sh", "echo open again")
            + Self.fence("sh", "set -u\nIFS=x\nprintf() { echo FAKE; }\nPATH=/nonexistent\ntrap '' INT")
            + Self.fence("sh", "PATH=/usr/local/bin:/usr/bin:/bin\ncommand printf '%s\\n' survived")
            + Self.fence("sh", "unset -f printf\n\(fakeMarker)\necho after-marker")
            + Self.fence("sh", "if read line; then echo \"read [$line]\"; else echo eof; fi")
            + Self.fence("sh", "(sleep 1; echo late) &")
            + Self.fence("sh", "sleep 2; echo next")
            + Self.fence("bash", ".() { echo fake-dot; }\nexec() { echo fake-exec; }\nunset() { echo fake-unset; }")
            + Self.fence("bash", "echo bash-survived")
            + Self.fence("python", "import sys\nsys.stdout.close()")
            + Self.fence("python", "import os\nos.close(2)")
            + Self.fence("python", "import sys\nprint('still here')\nprint('err', file=sys.stderr)\nprint(input())")
            // The driver runs in the block's process: whatever it knows, a block can find.
            // It never knows the marker token, so a forged end marker is only output.
            + Self.fence(
                "python",
                """
                import sys
                seen, frame = [], sys._getframe()
                while frame:
                    seen += [v for v in frame.f_locals.values() if isinstance(v, list) and v and isinstance(v[0], str)]
                    frame = frame.f_back
                for words in seen:
                    print('\\x1e' + words[0] + 'E0')
                    print('\\x1emdx' + words[0] + 'E0')
                sys.exit(7)
                """)
        let (run, result) = try run(text)
        let blocks = result.blocks
        #expect(blocks[0].stdout == "")
        #expect(blocks[1].stdout == "visible\n", "exec >/dev/null does not silence the next block")
        #expect(blocks[3].stdout == "open again\n", "closed streams are opened again for the next block")
        #expect(blocks[5].stdout == "survived\n")
        #expect(blocks[6].stdout.contains("after-marker"), "a fake marker is only output: \(blocks[6].stdout)")
        #expect(blocks[6].stdout.contains("E0"))
        #expect(blocks[7].stdout == "eof\n", "a block's stdin is empty")
        #expect(blocks[9].stdout == "late\nnext\n", "late output goes to the next block")
        #expect(blocks[11].stdout == "bash-survived\n", "functions named after special built-ins: \(blocks[11])")
        #expect(blocks[14].stdout == "still here\n")
        #expect(blocks[14].stderr.hasPrefix("err\nTraceback"))
        #expect(blocks[14].stderr.contains("EOFError"), "input() gets EOF")
        #expect(blocks[15].exitCode == 7, "no forged marker ended the block: \(blocks[15].stdout.debugDescription)")
        #expect(blocks[0...13].allSatisfy { $0.status == .passed }, "\(blocks.map(\.status)) \(run.stderr)")
        #expect(blocks.allSatisfy { !$0.sessionRestarted })
    }

    /// A python session's stderr keeps its order with stdout, partial lines too, and is
    /// still a stream code can hand to a subprocess; a block that moves fd 1 does not take
    /// the session's stderr with it.
    func streamOrder() throws {
        let (run, result) = try run(
            Self.fence(
                "python", "import sys\nprint('Loading...', end=' ')\nsys.stderr.write('warn: ')\nprint('x')\n1/0")
                + Self.fence(
                    "python",
                    "import subprocess, sys\nr = subprocess.run(['sh', '-c', 'echo child-err >&2'], stderr=sys.stderr)\nprint('code', r.returncode)"
                )
                + Self.fence(
                    "python",
                    "import os, sys\nkeep = os.dup(1)\nos.dup2(os.open('c.log', os.O_WRONLY | os.O_CREAT), 1)\nprint('to stderr', file=sys.stderr)\nos.dup2(keep, 1)\nprint('log:', repr(open('c.log').read()))"
                ))
        #expect(run.status == 1)
        let blocks = result.blocks
        #expect(
            blocks[0].output.hasPrefix("Loading... warn: x\nTraceback (most recent call last):"), "\(blocks[0].output)")
        #expect(blocks[0].stdout == "Loading... x\n" && blocks[0].stderr.hasPrefix("warn: Traceback"))
        #expect(blocks[1].stdout == "code 0\n" && blocks[1].stderr == "child-err\n", "subprocess gets a real stderr")
        #expect(blocks[2].stderr == "to stderr\n" && blocks[2].stdout == "log: ''\n", "\(blocks[2].output)")
    }

    /// `blocks --json` says which session each block would use.
    func plan() throws {
        let scratch = try Scratch()
        let doc = try scratch.write(
            "doc.md",
            Self.fence("python", "1") + Self.fence("sh fresh", "true") + Self.fence("bash session=b1", "true")
                + Self.fence("text", "x"))
        let listed = try mdexec(["blocks", "--json", doc], scratch.path)
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any], "\(listed.stdout)")
        let sessions = (json["blocks"] as? [[String: Any]] ?? []).map { $0["session"] as? String ?? "-" }
        #expect(sessions == ["python", "-", "bash:b1", "-"])
        let fresh = try mdexec(["blocks", "--fresh", doc], scratch.path)
        #expect(!fresh.stdout.contains("session"))
    }
}
