import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// Behaviour against the real engine (`DOCKER_HOST` or /var/run/docker.sock) with the local
/// `mdexec-test:bookworm` image. Every container is labelled and removed.
@Suite("Real engine", .serialized)
struct EngineTests {
    @Test("ping, version and negotiation")
    func pingAndVersion() async throws {
        let client = try await EngineGate.client()
        #expect(try await client.ping() == "OK")
        let version = try await client.version()
        #expect(version.apiVersion >= APIVersion(1, 25))
        #expect(try await client.apiVersion() == min(version.apiVersion, APIVersion.clientMaximum))
    }

    @Test("create, start, inspect, exec with separated ordered output and exit code, remove")
    func containerLifecycle() async throws {
        let client = try await EngineGate.client()
        let name = "mdexec-engine-test-\(UUID().uuidString.prefix(8).lowercased())"
        let spec = ContainerSpec(
            image: EngineGate.image, cmd: ["sleep", "infinity"], labels: EngineGate.labels,
            hostConfig: HostConfig(
                networkMode: "none", memory: 256 << 20,
                memorySwap: 256 << 20, pidsLimit: 256, initProcess: true))
        let id = try await client.createContainer(name: name, spec: spec)
        do {
            try await client.startContainer(id)
            let info = try await client.inspectContainer(id)
            #expect(info.name == name && info.state.running && info.state.pid > 0 && info.labels["mdexec"] == "1")
            #expect(try await client.listContainers(labels: ["mdexec.test=engine"]).contains { $0.id == id })

            let log = OutputLog()
            let script =
                "echo out1; sleep 0.05; echo err1 >&2; sleep 0.05; echo out2; sleep 0.05; echo err2 >&2; exit 7"
            let code = try await client.runExec(containerID: id, spec: ExecSpec(cmd: ["sh", "-c", script])) {
                log.append($0, $1)
            }
            #expect(code == 7)
            #expect(log.text(.stdout) == "out1\nout2\n")
            #expect(log.text(.stderr) == "err1\nerr2\n")
            #expect(log.all.map(\.stream) == [.stdout, .stderr, .stdout, .stderr])

            let clock = ContinuousClock()
            let rounds = 10
            let start = clock.now
            for _ in 0..<rounds {
                _ = try await client.runExec(containerID: id, spec: ExecSpec(cmd: ["true"])) { _, _ in }
            }
            let each = (clock.now - start) / rounds
            print("[timing] exec round trip (create+start+inspect of `true`): \(each)")
        } catch {
            try? await client.removeContainer(id)
            throw error
        }
        try await client.removeContainer(id, force: true, volumes: true)
        await #expect(throws: EngineError.self) { try await client.inspectContainer(id) }
        try await client.removeContainer(id)
    }

    @Test("an exec that fails to start reports the engine's message")
    func execMissingCommand() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { id async throws in
            let log = OutputLog()
            let code = try await client.runExec(containerID: id, spec: ExecSpec(cmd: ["/nonexistent-binary"])) {
                log.append($0, $1)
            }
            #expect(code != 0)
            #expect(!(log.text(.stdout) + log.text(.stderr) + log.text(.systemError)).isEmpty)
        }
    }

    @Test("a missing image is reported missing, and pulling it fails naming it")
    func missingImage() async throws {
        let client = try await EngineGate.client()
        #expect(try await client.imageExists(EngineGate.image))
        #expect(try await !client.imageExists("mdexec-no-such-image:never"))
        let error = await #expect(throws: EngineError.self) { try await client.pullImage("mdexec-no-such-image:never") }
        #expect(error?.description.contains("mdexec-no-such-image:never") == true)
        let create = await #expect(throws: EngineError.self) {
            try await client.createContainer(
                spec: ContainerSpec(image: "mdexec-no-such-image:never", labels: EngineGate.labels))
        }
        #expect(create?.status == 404)
    }

    @Test("removing a missing container succeeds")
    func removeMissing() async throws {
        let client = try await EngineGate.client()
        try await client.removeContainer("mdexec-definitely-missing-\(UUID())", force: true, volumes: true)
    }

    @Test("cancelling a long exec stream returns promptly")
    func cancelStartExec() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { id async throws in
            let exec = try await client.createExec(containerID: id, spec: ExecSpec(cmd: ["sleep", "30"]))
            let task = Task { try await client.startExec(exec) { _, _ in } }
            try await Task.sleep(for: .milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            // Typed: a cancelled call is EngineError.cancelled, naming the call.
            await #expect(throws: EngineError.cancelled(endpoint: "POST /exec/\(exec)/start")) { try await task.value }
            let elapsed = clock.now - start
            print("[timing] startExec cancellation took \(elapsed)")
            #expect(elapsed < .milliseconds(500))
        }
    }

    @Test("several long exec streams do not hold up short calls")
    func concurrentStreams() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { id async throws in
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Duration.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        _ = try await client.runExec(containerID: id, spec: ExecSpec(cmd: ["sleep", "1.5"])) { _, _ in }
                        return clock.now - start
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let quick = clock.now
                _ = try await client.inspectContainer(id)
                #expect(clock.now - quick < .milliseconds(500))
                for try await elapsed in group { #expect(elapsed < .seconds(10)) }
            }
        }
    }

    @Test("a tar uploaded into a volume is visible to execs")
    func upload() async throws {
        let client = try await EngineGate.client()
        let spec = ContainerSpec(
            image: EngineGate.image, cmd: ["sleep", "infinity"], labels: EngineGate.labels,
            volumes: ["/workspace"], hostConfig: HostConfig(networkMode: "none", initProcess: true))
        try await withTestContainer(client, spec: spec) { id async throws in
            var tar = TarArchive()
            try tar.addDirectory(path: "pkg")
            try tar.addFile(path: "pkg/run.sh", contents: Array("#!/bin/sh\necho uploaded\n".utf8), mode: 0o755)
            try await client.uploadArchive(containerID: id, path: "/workspace", tar: tar.bytes)
            let log = OutputLog()
            let code = try await client.runExec(containerID: id, spec: ExecSpec(cmd: ["/workspace/pkg/run.sh"])) {
                log.append($0, $1)
            }
            #expect(code == 0 && log.text(.stdout) == "uploaded\n")
            // Into a directory that does not exist: Docker refuses; Podman makes it (mdexec
            // uploads only into /workspace, which exists, so either is fine for it).
            if try await client.engineVersion().kind == .podman {
                try await client.uploadArchive(containerID: id, path: "/no/such/dir", tar: tar.bytes)
                let made = try await client.runExec(
                    containerID: id, spec: ExecSpec(cmd: ["test", "-x", "/no/such/dir/pkg/run.sh"])
                ) { _, _ in }
                #expect(made == 0, "Podman made the directory and unpacked the archive into it")
            } else {
                let missing = await #expect(throws: EngineError.self) {
                    try await client.uploadArchive(containerID: id, path: "/no/such/dir", tar: tar.bytes)
                }
                #expect(missing?.status != nil)
            }
        }
    }

    @Test("wait returns the main process's exit code")
    func wait() async throws {
        let client = try await EngineGate.client()
        let spec = ContainerSpec(
            image: EngineGate.image, cmd: ["sh", "-c", "exit 4"], labels: EngineGate.labels,
            hostConfig: HostConfig(networkMode: "none"))
        try await withTestContainer(client, spec: spec) { id async throws in
            #expect(try await client.waitContainer(id) == 4)
            #expect(try await client.inspectContainer(id).state.exitCode == 4)
        }
    }

    /// Docker keeps the request and fails the start without an NVIDIA runtime; Podman's
    /// service drops `DeviceRequests` at create, which is why mdexec reads them back.
    @Test("a GPU request without a GPU runtime: refused at start (Docker) or dropped at create (Podman)")
    func gpus() async throws {
        let client = try await EngineGate.client()
        let kind = try await client.engineVersion().kind
        let spec = ContainerSpec(
            image: EngineGate.image, cmd: ["true"], labels: EngineGate.labels,
            hostConfig: HostConfig(networkMode: "none", deviceRequests: [.allGPUs]))
        let id = try await client.createContainer(name: nil, spec: spec)
        let kept = try await client.inspectContainer(id).deviceRequests
        if kind == .podman {
            #expect(kept.isEmpty, "Podman 4 drops DeviceRequests")
        } else {
            #expect(kept == [DeviceRequest(driver: "", count: -1, capabilities: [["gpu"]])])
            let error = await #expect(throws: EngineError.self) { try await client.startContainer(id) }
            #expect(error?.status == 500)
        }
        try await client.removeContainer(id, force: true, volumes: true)
    }
}

@Suite("Unreachable engine")
struct UnreachableEngineTests {
    @Test("a missing socket fails within 2 s with a message naming it")
    func missingSocket() async throws {
        let client = EngineClient(host: try DockerHost(parsing: "unix:///tmp/nonexistent.sock"))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: EngineError.self) { try await client.ping() }
        #expect(clock.now - start < .seconds(2))
        let message = try #require(error).description
        #expect(message.hasPrefix("Cannot reach the engine at unix:///tmp/nonexistent.sock: "))
        #expect(
            message.hasSuffix("Is dockerd (or podman system service) running? Set DOCKER_HOST to use another engine."))
        await #expect(throws: EngineError.self) { try await client.attachExec("x") }
    }
}
