import DockerEngine
import Foundation
import Testing

@Suite("API version negotiation")
struct APIVersionTests {
    private let host = DockerHost.local

    private func version(_ fixture: String) throws -> EngineVersion {
        try JSONDecoder().decode(EngineVersion.self, from: Data(try Fixture.bytes(fixture)))
    }

    @Test("versions compare numerically: 1.9 < 1.10 < 1.41")
    func numericOrder() throws {
        let v19 = try #require(APIVersion("1.9"))
        let v110 = try #require(APIVersion("1.10"))
        #expect(v19 < v110)
        #expect(v110 < APIVersion(1, 41))
        #expect(
            APIVersion("1") == nil && APIVersion("1.x") == nil && APIVersion("") == nil && APIVersion("1.2.3") == nil)
    }

    @Test("the recorded 20.10 engine negotiates 1.41")
    func engine2010() throws {
        let answer = try version("version-20.10.json")
        #expect(answer.version == "20.10.24+dfsg1")
        #expect(answer.minAPIVersion == APIVersion(1, 12))
        #expect(try APIVersion.negotiate(with: answer, host: host) == APIVersion(1, 41))
    }

    @Test("a newer engine (1.43) is spoken to in 1.41")
    func newerEngine() throws {
        #expect(try APIVersion.negotiate(with: try version("version-1.43.json"), host: host) == APIVersion(1, 41))
    }

    @Test("an engine whose minimum is above the client's maximum is refused clearly")
    func minimumAboveClient() throws {
        let error = #expect(throws: EngineError.self) {
            try APIVersion.negotiate(with: try version("version-min-above-client.json"), host: host)
        }
        let message = try #require(error).description
        #expect(message.contains("1.44") && message.contains("1.41") && message.contains("unix:///var/run/docker.sock"))
    }

    @Test("an engine older than the client's minimum is refused clearly")
    func olderEngine() throws {
        let error = #expect(throws: EngineError.self) {
            try APIVersion.negotiate(with: try version("version-old-1.21.json"), host: host)
        }
        #expect(try #require(error).description.contains("1.21"))
    }

    @Test("an older engine within range is spoken to in its own version, compared numerically")
    func olderWithinRange() throws {
        let chosen = try APIVersion.negotiate(
            daemonMaximum: APIVersion(1, 30), daemonMinimum: APIVersion(1, 9), host: host)
        #expect(chosen == APIVersion(1, 30))
    }

    @Test("a malformed version answer is a decoding error, not a crash")
    func malformed() {
        #expect(throws: (any Error).self) { try version("version-malformed.json") }
    }
}
