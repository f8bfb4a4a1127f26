import EngineTestSupport
import Foundation
import MDExec
import Testing

extension DockerTests {
    /// The ancestor's functions: a module written to the workspace and loaded once, with
    /// its pip requirements installed first (the engine has no network here).
    @Suite("functions and requirements")
    struct Functions {
        static let addSource = "def add(a: int, b: int) -> int:\n    \"\"\"Adds two numbers.\"\"\"\n    return a + b\n"
        static let useAdd = "```python\nfrom functions import add\nprint(add(2, 3))\n```\n"

        /// Debian's python refuses pip installs (PEP 668) unless told otherwise; no retries
        /// keeps the offline failure quick. Written by the init command, which runs first.
        static let pipConfig =
            "printf '[global]\\nbreak-system-packages = true\\nretries = 0\\ntimeout = 2\\n' > /etc/pip.conf"

        @Test("functions without requirements are importable from every block", .timeLimit(.minutes(2)))
        func withoutRequirements() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let functions = try scratch.write("f.py", Self.addSource)
            let work = try scratch.directory("work")
            let doc = try scratch.write(
                "f.md", Self.useAdd + "\n```python\nimport functions\nprint(functions.add.__doc__)\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--functions", functions, "--work-dir", work, "--json", json, doc])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let blocks = try Results.document(json).blocks
            #expect(blocks.map(\.output) == ["5\n", "Adds two numbers.\n"])
            #expect(try scratch.read("work/functions.py").contains("return a + b"))

            // Another module name.
            let named = try scratch.write("g.md", "```python\nfrom tools import add\nprint(add(40, 2))\n```\n")
            let renamed = try DockerCLI.runDocument([
                "--functions", functions, "--functions-module", "tools", "--json", json, named,
            ])
            #expect(renamed.status == 0, "stderr: \(renamed.stderr)")
            #expect(try Results.document(json).blocks.first?.output == "42\n")
            try await Leftovers.expectNone()
        }

        @Test("a requirement already installed in the image succeeds offline", .timeLimit(.minutes(2)))
        func installedRequirement() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let functions = try scratch.write("f.py", "import pip\n\n" + Self.addSource)
            let doc = try scratch.write("f.md", Self.useAdd)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument([
                "--init-command", Self.pipConfig, "--functions", functions, "--requirement", "pip", "--json", json, doc,
            ])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(!run.stderr.contains("Pip install failed"))
            #expect(try Results.document(json).blocks.first?.output == "5\n")
            try await Leftovers.expectNone()
        }

        @Test("a requirement that cannot be installed stops the run: Pip install failed.", .timeLimit(.minutes(2)))
        func uninstallableRequirement() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let functions = try scratch.write("f.py", Self.addSource)
            let doc = try scratch.write("f.md", Self.useAdd)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument([
                "--init-command", Self.pipConfig, "--functions", functions,
                "--requirement", "mdexec-no-such-package-\(UUID().uuidString.prefix(6).lowercased())", "--json", json,
                doc,
            ])
            #expect(run.status != 0)
            #expect(run.stderr.contains("Pip install failed."))
            let block = try #require(try Results.document(json).blocks.first)
            #expect(block.status == .notRun)
            #expect(block.exitCode == nil)
            try await Leftovers.expectNone()
        }

        @Test("a functions module that fails to load stops the run: Functions failed to load", .timeLimit(.minutes(2)))
        func brokenModule() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let functions = try scratch.write("f.py", "def broken(:\n    return 1\n")
            let doc = try scratch.write("f.md", "```sh\ntouch ran\n```\n")
            let work = try scratch.directory("work")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--functions", functions, "--work-dir", work, "--json", json, doc])
            #expect(run.status == 1)
            #expect(run.stderr.contains("Functions failed to load"))
            #expect(run.stderr.contains("SyntaxError"))
            #expect(try Results.document(json).blocks.first?.status == .notRun)
            #expect(!scratch.exists("work/ran"))
            try await Leftovers.expectNone()
        }
    }
}
