import DockerEngine
import Foundation
import Logging
import Testing

@Suite("Engine identity")
struct EngineKindTests {
    private func version(_ fixture: String) throws -> EngineVersion {
        try JSONDecoder().decode(EngineVersion.self, from: Data(try Fixture.bytes(fixture)))
    }

    @Test("Debian's Docker 20.10 (empty platform name) is Docker, by its Engine component")
    func docker() throws {
        let answer = try version("version-20.10.json")
        #expect(answer.kind == .docker)
        #expect(answer.platformName == "")
        #expect(answer.componentNames == ["Engine", "containerd", "runc", "docker-init"])
        #expect(answer.displayName == "Docker 20.10.24+dfsg1")
    }

    @Test("Podman 4.3's service is Podman, by its Podman Engine component, and speaks API 1.41")
    func podman() throws {
        let answer = try version("version-podman-4.3.json")
        #expect(answer.kind == .podman)
        #expect(answer.displayName == "Podman 4.3.1")
        #expect(answer.apiVersion == APIVersion(1, 41))
        #expect(try APIVersion.negotiate(with: answer, host: .local) == APIVersion(1, 41))
    }

    @Test("an answer without components or platform is another engine, named generically")
    func other() throws {
        let answer = try version("version-1.43.json")
        #expect(answer.kind == EngineKind(platformName: answer.platformName, componentNames: answer.componentNames))
        #expect(EngineKind(platformName: nil, componentNames: []) == .other)
        #expect(EngineKind(platformName: "Docker Engine - Community", componentNames: []) == .docker)
        #expect(EngineKind.other.displayName == "the engine")
    }

    @Test("engineVersion is asked once, with the API version's negotiation, and each call is logged")
    func askedOnceAndLogged() async throws {
        let podman = String(decoding: try Fixture.bytes("version-podman-4.3.json"), as: UTF8.self)
        let fake = try FakeEngine { line in
            line.hasPrefix("GET /version ") ? .json(200, podman) : .json(404, #"{"message":"no such container: abc"}"#)
        }
        defer { fake.stop() }
        let lines = LogLines()
        var logger = Logger(label: "test.engine") { _ in lines }
        logger.logLevel = .debug
        let client = EngineClient(host: try DockerHost(parsing: fake.host), logger: logger)
        #expect(try await client.engineVersion().kind == .podman)
        await #expect(throws: EngineError.self) { try await client.inspectContainer("abc") }
        #expect(try await client.engineVersion().displayName == "Podman 4.3.1")
        #expect(fake.requests.current.filter { $0.hasPrefix("GET /version ") }.count == 1)
        let logged = lines.current
        #expect(logged.contains { $0.hasPrefix("engine: GET /version -> 200 (") && $0.hasSuffix(" ms)") }, "\(logged)")
        #expect(logged.contains { $0.hasPrefix("engine: GET /containers/abc/json -> 404 (") }, "\(logged)")
        #expect(logged.contains("engine: Podman 4.3.1, API 1.41 (engine maximum 1.41)"), "\(logged)")
    }
}

/// A log handler that keeps each message.
final class LogLines: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is guarded by `lock`; the handler's own settings are set before use.
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var current: [String] { lock.withLock { lines } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { lines.append("\(event.message)") }
    }
}
