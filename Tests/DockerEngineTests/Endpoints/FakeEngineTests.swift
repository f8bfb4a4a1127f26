import DockerEngine
import Foundation
import Testing

/// Protocol details over real libcurl, against an in-process fake engine.
@Suite("Client protocol against a fake engine")
struct FakeEngineTests {
    private static let version143 = #"{"Version":"25.0.3","ApiVersion":"1.43","MinAPIVersion":"1.12"}"#

    private func withFake<T>(
        _ answer: @escaping @Sendable (String) -> FakeEngine.Answer,
        timeout: Duration = .seconds(5),
        _ body: (EngineClient, FakeEngine) async throws -> T
    ) async throws -> T {
        let fake = try FakeEngine { line in
            line.hasPrefix("GET /version ") ? .json(200, Self.version143) : answer(line)
        }
        defer { fake.stop() }
        let client = EngineClient(host: try DockerHost(parsing: fake.host), requestTimeout: timeout)
        return try await body(client, fake)
    }

    @Test("a 1.43 engine is negotiated once and spoken to as /v1.41")
    func negotiation() async throws {
        let listing = #"[{"Id":"abc","Names":["/x"],"Labels":{"mdexec":"1"},"Unknown":{"a":1}}]"#
        let inspect =
            #"{"Id":"abc","Name":"/x","State":{"Status":"exited","Running":false,"ExitCode":137,"OOMKilled":true,"Pid":0}}"#
        try await withFake({ $0.contains("/containers/json") ? .json(200, listing) : .json(200, inspect) }) {
            client, fake in
            #expect(try await client.apiVersion() == APIVersion(1, 41))
            let summary = try await client.listContainers(labels: ["mdexec=1"], all: true)
            #expect(summary == [ContainerSummary(id: "abc", names: ["x"], labels: ["mdexec": "1"])])
            let info = try await client.inspectContainer("abc")
            #expect(info.name == "x" && info.state.exitCode == 137 && info.state.oomKilled)
            let lines = fake.requests.current
            #expect(lines.filter { $0.hasPrefix("GET /version ") }.count == 1)
            #expect(
                lines.contains {
                    $0.hasPrefix(
                        "GET /v1.41/containers/json?all=true&filters=%7B%22label%22%3A%5B%22mdexec%3D1%22%5D%7D ")
                })
            #expect(lines.contains("GET /v1.41/containers/abc/json HTTP/1.1"))
        }
    }

    @Test("an engine that needs a newer API is refused before any versioned call")
    func tooNew() async throws {
        let fake = try FakeEngine { _ in .json(200, #"{"Version":"99","ApiVersion":"1.50","MinAPIVersion":"1.44"}"#) }
        defer { fake.stop() }
        let client = EngineClient(host: try DockerHost(parsing: fake.host))
        let error = await #expect(throws: EngineError.self) { try await client.inspectContainer("x") }
        #expect(error?.description.contains("API versions 1.44 to 1.50") == true)
    }

    @Test("the engine's own message is carried by errors")
    func apiMessage() async throws {
        try await withFake({ _ in .json(500, #"{"message":"driver failed programming external connectivity"}"#) }) {
            client, _ in
            let error = await #expect(throws: EngineError.self) { try await client.startContainer("abc") }
            #expect(
                error
                    == .api(
                        status: 500, message: "driver failed programming external connectivity",
                        endpoint: "POST /containers/abc/start"))
        }
    }

    @Test("an error inside a 200 pull stream fails the pull, naming the image")
    func pullStreamError() async throws {
        let stream = try Fixture.bytes("pull-error.jsonl")
        let pieces = [Array(stream[..<50]), Array(stream[50..<51]), Array(stream[51..<300]), Array(stream[300...])]
        try await withFake({ _ in .stream(200, pieces) }) { client, _ in
            let seen = Mutexed<[PullProgress]>([])
            let error = await #expect(throws: EngineError.self) {
                try await client.pullImage("nosuch") { update in seen.withLock { $0.append(update) } }
            }
            #expect(
                error
                    == .pullFailed(
                        image: "nosuch:latest",
                        message: "unauthorized: authentication required for nosuch:latest"))
            #expect(seen.current.count == 3)
        }
    }

    @Test("malformed JSON, truncated bodies and empty answers are typed errors")
    func badAnswers() async throws {
        try await withFake({ line in
            if line.contains("/containers/bad/json") { return .json(200, #"{"Id": "bad", "State": "#) }
            if line.contains("/containers/short/json") {
                return FakeEngine.Answer(pieces: [Array("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"Id\":".utf8)])
            }
            return FakeEngine.Answer(pieces: [])
        }) { client, _ in
            for id in ["bad", "short", "nothing"] {
                let error = await #expect(throws: EngineError.self) { try await client.inspectContainer(id) }
                guard case .malformedResponse? = error else {
                    Issue.record("\(id): expected malformedResponse, got \(String(describing: error))")
                    continue
                }
            }
        }
    }

    @Test("a call that gets no answer times out at its deadline")
    func deadline() async throws {
        try await withFake({ _ in FakeEngine.Answer(pieces: [[], []], delay: 1.5) }, timeout: .milliseconds(300)) {
            client, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: EngineError.self) { try await client.inspectContainer("slow") }
            #expect(error == .timeout(endpoint: "GET /containers/slow/json", after: .milliseconds(300)))
            #expect(clock.now - start < .seconds(1))
        }
    }

    @Test("an exec stream ends at the timeout it is given; without one, not even requestTimeout bounds it")
    func execStreamTimeout() async throws {
        let stream = try Fixture.bytes("exec-multiplexed.bin")
        try await withFake(
            { _ in
                var answer = FakeEngine.Answer.stream(200, [stream])
                answer.delay = 1
                return answer
            }, timeout: .milliseconds(300)
        ) { client, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: EngineError.self) {
                try await client.startExec("e4", timeout: .milliseconds(200)) { _, _ in }
            }
            #expect(error == .timeout(endpoint: "POST /exec/e4/start", after: .milliseconds(200)))
            #expect(clock.now - start < .milliseconds(900))
            let log = OutputLog()
            try await client.startExec("e5") { log.append($0, $1) }
            #expect(!log.all.isEmpty, "the slow stream was read to its end")
        }
    }

    @Test("exec output split across chunks is delivered in order; a truncated end is an error")
    func execStream() async throws {
        let stream = try Fixture.bytes("exec-truncated.bin")
        let pieces = stream.indices.map { [stream[$0]] }
        try await withFake({ _ in .stream(200, pieces) }) { client, _ in
            let log = OutputLog()
            let error = await #expect(throws: EngineError.self) {
                try await client.startExec("e1") { log.append($0, $1) }
            }
            guard case .malformedResponse? = error else {
                Issue.record("expected malformedResponse, got \(String(describing: error))")
                return
            }
            #expect(log.all == [OutputFrame(.stdout, Array("ab\n".utf8)), OutputFrame(.stderr, Array("cd\n".utf8))])
        }
    }

    @Test("a hijacked start keeps the stream bytes that arrive with the 101 head")
    func hijackLeftover() async throws {
        let frames = try Fixture.bytes("exec-multiplexed.bin")
        let head = Array(
            "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                .utf8)
        try await withFake({ _ in FakeEngine.Answer(pieces: [head + frames[..<20], Array(frames[20...])]) }) {
            client, fake in
            let exec = try await client.attachExec("e2")
            var received: [OutputFrame] = []
            for try await frame in exec.output { received.append(frame) }
            #expect(received.count == 7)
            #expect(received.first == OutputFrame(.stdout, Array("hello\n".utf8)))
            #expect(fake.requests.current.contains("POST /v1.41/exec/e2/start HTTP/1.1"))
        }
    }

    @Test("a hijacked start refused by the engine throws its message")
    func hijackRefused() async throws {
        try await withFake({ _ in .json(404, #"{"message":"No such exec instance: e3"}"#) }) { client, _ in
            let error = await #expect(throws: EngineError.self) { try await client.attachExec("e3") }
            #expect(error == .notFound(message: "No such exec instance: e3", endpoint: "POST /exec/e3/start"))
        }
    }
}
