import EngineTestSupport
import Foundation
import Testing

extension DockerTests {
    /// The JSON's provenance against what the engine itself says.
    @Suite("provenance")
    struct ProvenanceTests {
        @Test("provenance: the engine's version and API version, the image's id and digests, the settings")
        func provenance() async throws {
            guard try await EngineGate.ready() else { return }
            let client = try await EngineGate.client()
            let engine = try await client.engineVersion()
            let image = try #require(try await client.inspectImage(EngineGate.image))
            let scratch = try Scratch()
            let doc = try scratch.write("p.md", "```sh\necho hi\n```\n")
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["--fresh", "--memory", "256m", "--cpus", "1.5", "--json", json, doc])
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
            let provenance = try #require(object["provenance"] as? [String: Any])
            #expect(provenance["mdexec"] as? String == "0.1.0")
            let reported = try #require(provenance["engine"] as? [String: Any])
            #expect(reported["kind"] as? String == engine.kind.rawValue)
            #expect(reported["version"] as? String == engine.version, "GET /version says \(engine.version)")
            #expect(reported["api_version"] as? String == engine.apiVersion.description)
            let reportedImage = try #require(provenance["image"] as? [String: Any])
            #expect(reportedImage["name"] as? String == EngineGate.image)
            #expect(reportedImage["id"] as? String == image.id, "the engine's id is \(image.id)")
            #expect(reportedImage["digests"] as? [String] == image.repoDigests)
            let settings = try #require(provenance["settings"] as? [String: Any])
            #expect(settings["mode"] as? String == "fresh")
            #expect(settings["memory"] as? String == "256m")
            #expect(settings["cpus"] as? Double == 1.5)
            #expect(settings["network"] as? String == "none")
            #expect(!run.stdout.contains(image.id) && !run.stdout.contains(engine.version), "none of it in the report")
            try await Leftovers.expectNone()
        }
    }
}
