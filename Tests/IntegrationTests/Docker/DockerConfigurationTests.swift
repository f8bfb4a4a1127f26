import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import Testing

extension DockerTests {
    /// The ancestor's options as a file: every key survives a round trip, and a `--config`
    /// file's values take effect on a real run, flags winning over them.
    @Suite("executor configuration")
    struct Configuration {
        /// A configuration with every key set, some to values YAML likes to reinterpret.
        static var everyKey: ExecutorConfiguration {
            var c = ExecutorConfiguration()
            c.image = "registry.example:5000/team/python:3.12-slim"
            c.containerName = "doc-runner-1"
            c.timeout = 42
            c.workDir = "/tmp/mdexec work"
            c.bindDir = "/host/mdexec-work"
            c.autoRemove = false
            c.stopContainer = false
            c.deviceRequests = [
                DeviceRequest(driver: "nvidia", count: -1, deviceIDs: ["0", "1"], capabilities: [["gpu", "utility"]]),
                DeviceRequest(count: 2),
            ]
            c.functions = ["/src/tools.py", "/src/more tools.py"]
            c.requirements = ["numpy>=1.26", "pandas==2.2.0", "yes"]
            c.functionsModule = "agent_tools"
            c.extraVolumes = ["/data:/data:ro", "/cache:/root/.cache"]
            c.extraHosts = [
                "db": "10.0.0.2", "cache.local": "10.0.0.3", "queue": "10.0.0.4", "api.internal": "10.0.0.5",
            ]
            c.initCommand = "pip install -r requirements.txt && echo 'ready: yes' # done\nls -la"
            c.deleteTmpFiles = true
            c.network = "bridge"
            c.memory = "512m"
            c.cpus = 1.5
            c.pidsLimit = 128
            c.user = "1000:1000"
            c.readOnly = true
            c.fresh = true
            c.assetsDir = "figures"
            c.mergeStreams = true
            return c
        }

        @Test("every key set -> yaml() -> parse gives the same configuration")
        func yamlRoundTrip() throws {
            let original = Self.everyKey
            // Guard against a key the test forgot: every field differs from the default.
            let defaults = ExecutorConfiguration()
            let mirrorA = Mirror(reflecting: original).children.map { "\($0.value)" }
            let mirrorB = Mirror(reflecting: defaults).children.map { "\($0.value)" }
            #expect(zip(mirrorA, mirrorB).allSatisfy { $0 != $1 })

            let yaml = try original.yaml()
            let parsed = try ExecutorConfiguration.parse(yaml)
            #expect(parsed == original, "YAML was:\n\(yaml)")
            for key in [
                "container_name", "work_dir", "bind_dir", "auto_remove", "stop_container", "device_requests",
                "functions_module", "extra_volumes", "extra_hosts", "init_command", "delete_tmp_files", "merge_streams",
            ] {
                #expect(yaml.contains(key + ":"), "the ancestor's key \(key) is missing from:\n\(yaml)")
            }
            // Equal configurations give the same text (a config file kept in git must not churn):
            // ten separately built copies, whose dictionaries hash in different orders.
            let texts = Set(try (0..<10).map { _ in try Self.everyKey.yaml() } + [try parsed.yaml()])
            #expect(texts.count == 1, "yaml() gave \(texts.count) different texts for equal configurations")
            // JSON is read too.
            let json = String(decoding: try JSONEncoder().encode(original), as: UTF8.self)
            #expect(try ExecutorConfiguration.parse(json) == original)
            // An empty file is the defaults.
            #expect(try ExecutorConfiguration.parse("") == defaults)
        }

        @Test("a --config file's values take effect on a real run; a flag wins over the file", .timeLimit(.minutes(2)))
        func configFile() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let data = try scratch.directory("data")
            try scratch.write("data/in.txt", "mounted\n")
            let functions = try scratch.write("f.py", "def twice(x):\n    return 2 * x\n")
            let config = try scratch.write(
                "mdexec.yaml",
                """
                # The ancestor's keys.
                image: mdexec-missing-image:never   # the --image flag wins
                timeout: 1
                work_dir: \(work)
                init_command: echo from-config > init.txt
                functions: [\(functions)]
                functions_module: helpers
                extra_volumes:
                  - \(data):/data:ro
                extra_hosts:
                  db.internal: 10.1.2.3
                delete_tmp_files: true

                """)
            let doc = try scratch.write(
                "c.md",
                """
                ```python
                from helpers import twice
                print(open("init.txt").read().strip(), twice(21), open("/data/in.txt").read().strip())
                ```

                ```sh
                grep db.internal /etc/hosts | tr -s ' \\t' ' '
                ```

                ```sh
                echo slow; sleep 5
                ```

                """)
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--config", config, "--json", json, doc])
            #expect(run.status == 1, "stderr: \(run.stderr)")
            let result = try Results.document(json)
            #expect(result.image == EngineGate.image)
            #expect(result.blocks.map(\.status) == [.passed, .passed, .timedOut])
            #expect(result.blocks[0].output == "from-config 42 mounted\n")
            #expect(result.blocks[1].output == "10.1.2.3 db.internal\n")
            #expect(result.blocks[2].output == "slow\nTimeout")
            // work_dir from the file, delete_tmp_files too: only the init and functions files remain.
            #expect(scratch.files(in: "work").filter { $0 != "__pycache__" } == [".mdexec", "helpers.py", "init.txt"])
            #expect(scratch.files(in: "work/.mdexec").isEmpty)

            // Flags win over the file: a longer timeout, another init command.
            let flags = try DockerCLI.runDocument(
                [
                    "--config", config, "--timeout", "20", "--init-command", "echo from-flag > init.txt", "--json",
                    json, doc,
                ])
            #expect(flags.status == 0, "stderr: \(flags.stderr)")
            let overridden = try Results.document(json)
            #expect(overridden.blocks.map(\.status) == [.passed, .passed, .passed])
            #expect(overridden.blocks[0].output == "from-flag 42 mounted\n")

            // Without the --image flag the file's image is used: it is missing, exit 3 naming it.
            let fileImage = try DockerCLI.run(["run", "--quiet", "--config", config, doc])
            #expect(fileImage.status == 3)
            #expect(fileImage.stderr.contains("mdexec-missing-image:never"))
            try await Leftovers.expectNone()
        }
    }
}
