import EngineTestSupport
import Foundation
import MDExec
import Testing

extension ReliabilityTests {
    /// The engine fails: unreachable, the container removed from outside, the image missing,
    /// the engine gone mid-block, a malformed stream, a truncated answer. Each ends with exit 3,
    /// a message, the partial report and JSON written, and no hang. The real dockerd is never
    /// stopped: an in-test Unix-socket proxy in front of it fails instead.
    @Suite("A failing engine", .timeLimit(.minutes(3)))
    struct FailingEngine {
        /// A block that says when it has started (a flag file in the work dir), then sleeps.
        static let sleeper = """
            ```sh
            echo started
            touch started.flag
            sleep 30
            echo done
            ```

            ```sh
            echo second
            ```

            """

        struct Files {
            let doc: String
            let report: String
            let json: String
            let workDir: String
            var flag: String { (workDir as NSString).appendingPathComponent("started.flag") }

            init(_ scratch: Scratch, text: String = FailingEngine.sleeper) throws {
                doc = try scratch.write("doc.md", text)
                report = Rel.path("report.md", in: scratch)
                json = Rel.path("results.json", in: scratch)
                workDir = try Rel.directory("work", in: scratch)
            }

            var outputs: [String] { ["-o", report, "--json", json, "--work-dir", workDir] }
        }

        /// The partial results: the report is the document (no block finished), the JSON
        /// says which block failed and why, and that the rest did not run.
        func expectPartialResults(_ files: Files, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let results = try Rel.results(files.json, sourceLocation: sourceLocation)
            #expect(results.blocks.count == 2, sourceLocation: sourceLocation)
            #expect(
                results.blocks.first?.status == .failed || results.blocks.first?.status == .notRun,
                sourceLocation: sourceLocation)
            #expect(
                results.blocks.first?.reason?.isEmpty == false,
                "a reason: \(String(describing: results.blocks.first?.reason))", sourceLocation: sourceLocation)
            #expect(results.blocks.last?.status == .notRun, sourceLocation: sourceLocation)
            #expect(
                Rel.bytes(files.report) == Rel.bytes(files.doc), "the partial report (no block finished) is written",
                sourceLocation: sourceLocation)
        }

        /// Exit 3 with one `mdexec: DOC: ...` line saying what failed.
        func expectInfrastructureFailure(
            _ outcome: RelProcess.Outcome, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(
                outcome.status == 3 && !outcome.signalled, "exit 3, got \(outcome.status): \(outcome.stderr)",
                sourceLocation: sourceLocation)
            let message = outcome.stderrLines.joined(separator: "\n")
            #expect(!message.isEmpty, sourceLocation: sourceLocation)
            for word in words {
                #expect(
                    message.contains(word), "the message mentions \(word): \(message)", sourceLocation: sourceLocation)
            }
        }

        @Test("Engine unreachable at start: exit 3 at once, the message names it")
        func unreachable() async throws {
            let scratch = try Scratch()
            let files = try Files(scratch)
            let socket = "/tmp/mdexec-rel-nosock-\(UUID().uuidString.prefix(8)).sock"
            for host in ["unix://" + socket, "tcp://127.0.0.1:9"] {
                let outcome = try await Rel.run(
                    Rel.dockerRun(RelContainers.name("unreachable"), files.outputs + [files.doc]),
                    in: scratch.path, environment: ["DOCKER_HOST": host], inputs: [files.doc], limit: 30)
                expectInfrastructureFailure(outcome, mentioning: [host.hasPrefix("unix") ? socket : "127.0.0.1:9"])
                #expect(outcome.seconds < 10, "fast: \(outcome.seconds) s")
                let results = try Rel.results(files.json)
                #expect(
                    results.blocks.allSatisfy { $0.status == .notRun && $0.reason?.contains("did not start") == true })
                #expect(Rel.bytes(files.report) == Rel.bytes(files.doc))
            }
        }

        @Test("The image is missing: exit 3 naming it")
        func missingImage() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let image = "mdexec-rel-missing-\(UUID().uuidString.prefix(8).lowercased()):none"
            let name = RelContainers.name("noimage")
            let outcome = try await Rel.run(
                ["run", "--image", image, "--quiet", "--container-name", name] + files.outputs + [files.doc],
                in: scratch.path, inputs: [files.doc], limit: 90)
            await RelContainers.expectGone(name)
            expectInfrastructureFailure(outcome, mentioning: [image])
            let results = try Rel.results(files.json)
            #expect(results.blocks.allSatisfy { $0.status == .notRun })
        }

        @Test(
            "The container removed or killed from outside mid-block: exit 3, message, partial results, no hang",
            arguments: ["remove", "kill"])
        func containerRemoved(how: String) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let name = RelContainers.name("outside-" + how)
            let run = try Rel.start(
                Rel.dockerRun(name, files.outputs + [files.doc]), in: scratch.path, inputs: [files.doc], limit: 90)
            let started = await Rel.wait(upTo: 45) { FileManager.default.fileExists(atPath: files.flag) }
            try #require(started, "the block started")
            let container = try #require(try await RelContainers.named(name))
            if how == "remove" {
                try await RelContainers.client().removeContainer(container.id, force: true, volumes: true)
            } else {
                try await RelContainers.client().killContainer(container.id)
            }
            let removedAt = Date()
            let outcome = await run.finish()
            let delay = Date().timeIntervalSince(removedAt)
            #expect(delay < 15, "mdexec noticed within \(delay) s")
            expectInfrastructureFailure(outcome, mentioning: ["container"])
            try expectPartialResults(files)
            await RelContainers.expectGone(name)
            let first = try Rel.results(files.json).blocks[0]
            #expect(first.output.contains("started"), "\(first.output.debugDescription)")
        }

        @Test("The engine goes away mid-block (every connection dropped): exit 3 within seconds, partial results")
        func engineGone() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let proxy = try RelUnixProxy()
            defer { proxy.stop() }
            let name = RelContainers.name("proxy-gone")
            let run = try Rel.start(
                Rel.dockerRun(name, files.outputs + [files.doc]), in: scratch.path,
                environment: ["DOCKER_HOST": proxy.dockerHost], inputs: [files.doc], limit: 90)
            let started = await Rel.wait(upTo: 45) { FileManager.default.fileExists(atPath: files.flag) }
            #expect(started, "the block started")
            proxy.stop()
            let stoppedAt = Date()
            let outcome = await run.finish()
            let delay = Date().timeIntervalSince(stoppedAt)
            #expect(delay < 10, "mdexec ended \(delay) s after the engine went away")
            expectInfrastructureFailure(outcome, mentioning: [])
            try expectPartialResults(files)
            // mdexec could not reach the engine to remove its container; it is labelled
            // mdexec=1 for `mdexec gc`. Remove it through the real socket.
            let left = try await RelContainers.named(name)
            if let left { #expect(left.labels["mdexec"] == "1") }
            await RelContainers.remove(name)
        }

        @Test("A malformed frame in the runner's stream: exit 3, message, partial results, container removed")
        func malformedStream() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let proxy = try RelUnixProxy()
            defer { proxy.stop() }
            let name = RelContainers.name("proxy-garbage")
            let run = try Rel.start(
                Rel.dockerRun(name, files.outputs + [files.doc]), in: scratch.path,
                environment: ["DOCKER_HOST": proxy.dockerHost], inputs: [files.doc], limit: 90)
            let started = await Rel.wait(upTo: 45) { FileManager.default.fileExists(atPath: files.flag) }
            #expect(started, "the block started")
            // A frame header naming stream 9, which does not exist.
            let hit = proxy.injectIntoHijacked([9, 0, 0, 0, 0, 0, 0, 4] + Array("junk".utf8))
            #expect(hit >= 1, "the runner's hijacked connection went through the proxy")
            let injectedAt = Date()
            let outcome = await run.finish()
            #expect(Date().timeIntervalSince(injectedAt) < 10, "no hang")
            expectInfrastructureFailure(outcome, mentioning: [])
            try expectPartialResults(files)
            await RelContainers.expectGone(name, grace: 15)
        }

        /// Podman refused the kill exec mdexec used to make (no stream attached), and the
        /// block ran to its end. Whatever the reason an engine refuses the kill, the block
        /// still ends at once (the container is killed instead) and the refusal is logged.
        @Test("The engine refuses the exec that kills an interrupted block: the block still ends, the error is logged")
        func killRefused() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let proxy = try RelUnixProxy()
            defer { proxy.stop() }
            proxy.refuseRequests(
                containing: "|| kill -KILL", status: 500, message: "must provide at least one stream to attach to")
            let name = RelContainers.name("proxy-kill")
            let run = try Rel.start(
                Rel.dockerRun(name, files.outputs + [files.doc]), in: scratch.path,
                environment: ["DOCKER_HOST": proxy.dockerHost], inputs: [files.doc], limit: 90)
            let started = await Rel.wait(upTo: 45) { FileManager.default.fileExists(atPath: files.flag) }
            #expect(started, "the block started")
            run.send(SIGINT)
            let signalledAt = Date()
            let outcome = await run.finish()
            let delay = Date().timeIntervalSince(signalledAt)
            #expect(outcome.status == 130 && !outcome.signalled, "\(outcome.status): \(outcome.stderr)")
            #expect(delay < 5, "mdexec ended \(delay) s after the signal (the block sleeps 30 s)")
            #expect(proxy.refusedCount >= 1, "the kill exec went through the proxy")
            #expect(outcome.stderr.contains("Cannot signal the block's processes"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("must provide at least one stream to attach to"), "\(outcome.stderr)")
            let results = try Rel.results(files.json)
            #expect(results.blocks.map(\.status) == [.cancelled, .cancelled])
            #expect(!results.blocks[0].output.contains("done"), "the block did not run to its end")
            await RelContainers.expectGone(name, grace: 12)
        }

        /// An engine may accept a GPU request at create and drop it (Podman 4's service does
        /// with `DeviceRequests`): mdexec reads the request back before the start and stops
        /// rather than run the blocks without the GPU. The proxy makes any engine such a one:
        /// it introduces itself as Docker (so mdexec asks with `DeviceRequests`, not with
        /// Podman's CDI devices), and its inspect answers carry no `DeviceRequests`.
        @Test("The engine accepts a GPU request but drops it: exit 3 naming the GPU and the engine, no container left")
        func gpuRequestDropped() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let proxy = try RelUnixProxy()
            defer { proxy.stop() }
            proxy.rewriteAnswers(toRequests: { $0.hasPrefix("GET /version ") }, Self.introducedAsDocker)
            proxy.rewriteAnswers(toRequests: Self.isContainerInspect, Self.withoutDeviceRequests)
            let version = try await EngineGate.client().engineVersion().version
            let name = RelContainers.name("proxy-gpu")
            let outcome = try await Rel.run(
                Rel.dockerRun(name, ["--gpus", "all"] + files.outputs + [files.doc]), in: scratch.path,
                environment: ["DOCKER_HOST": proxy.dockerHost], inputs: [files.doc], limit: 60)
            expectInfrastructureFailure(outcome, mentioning: ["GPU", "--gpus", "DeviceRequests", "Docker \(version)"])
            #expect(outcome.stderr.contains("dropped its GPU request"), "\(outcome.stderr)")
            #expect(proxy.rewrittenCount >= 2, "the version and the container's inspection went through the proxy")
            let results = try Rel.results(files.json)
            #expect(results.blocks.allSatisfy { $0.exitCode == nil }, "no block ran")
            #expect(!FileManager.default.fileExists(atPath: files.flag), "no block ran")
            await RelContainers.expectGone(name)
        }

        /// `GET /version` as Docker would answer: Podman's `Podman Engine` component renamed `Engine`.
        static func introducedAsDocker(_ body: [UInt8]) -> [UInt8] {
            rewritingJSON(body) { version in
                guard let components = version["Components"] as? [[String: Any]] else { return }
                version["Components"] = components.map { component in
                    var component = component
                    if (component["Name"] as? String)?.localizedCaseInsensitiveContains("podman") == true {
                        component["Name"] = "Engine"
                    }
                    return component
                }
            }
        }

        /// `GET /v1.NN/containers/{id}/json`, not the list (`/containers/json`) nor an exec's.
        static func isContainerInspect(_ requestLine: String) -> Bool {
            let parts = requestLine.split(separator: " ")
            guard parts.count == 3, parts[0] == "GET" else { return false }
            let path = parts[1].split(separator: "?")[0].split(separator: "/")
            return path.count == 4 && path[0].hasPrefix("v") && path[1] == "containers" && path[3] == "json"
        }

        /// A container's inspection without `HostConfig.DeviceRequests`.
        static func withoutDeviceRequests(_ body: [UInt8]) -> [UInt8] {
            rewritingJSON(body) { info in
                guard var hostConfig = info["HostConfig"] as? [String: Any] else { return }
                hostConfig["DeviceRequests"] = nil
                info["HostConfig"] = hostConfig
            }
        }

        /// `body`, a JSON object, changed by `change` (as it was if it is not one).
        static func rewritingJSON(_ body: [UInt8], _ change: (inout [String: Any]) -> Void) -> [UInt8] {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
                return body
            }
            change(&object)
            guard let data = try? JSONSerialization.data(withJSONObject: object) else { return body }
            return Array(data)
        }

        @Test("A truncated answer to container create: exit 3 at once, with a message")
        func truncatedAnswer() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let files = try Files(scratch)
            let proxy = try RelUnixProxy()
            defer { proxy.stop() }
            proxy.truncateAnswers(toRequestsContaining: "/containers/create", keeping: 15)
            let name = RelContainers.name("proxy-cut")
            let outcome = try await Rel.run(
                Rel.dockerRun(name, files.outputs + [files.doc]), in: scratch.path,
                environment: ["DOCKER_HOST": proxy.dockerHost], inputs: [files.doc], limit: 60)
            #expect(outcome.seconds < 30, "no hang: \(outcome.seconds) s")
            expectInfrastructureFailure(outcome, mentioning: ["create"])
            let results = try Rel.results(files.json)
            #expect(results.blocks.allSatisfy { $0.status == .notRun })
            #expect(Rel.bytes(files.report) == Rel.bytes(files.doc))
            // The engine did create the container; mdexec never learnt its id.
            await RelContainers.remove(name)
        }
    }
}
