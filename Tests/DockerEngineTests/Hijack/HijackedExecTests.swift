import DockerEngine
import EngineTestSupport
import Foundation
import Testing

@Suite("Hijacked exec against the real engine", .serialized)
struct HijackedExecTests {
    private func shell(_ client: EngineClient, _ container: String, _ cmd: [String] = ["sh"]) async throws
        -> HijackedExec
    {
        let id = try await client.createExec(containerID: container, spec: ExecSpec(cmd: cmd, attachStdin: true))
        return try await client.attachExec(id)
    }

    @Test("stdin in, stdout and stderr out, exit code after")
    func script() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { container async throws in
            let exec = try await shell(client, container)
            try await exec.write("echo hi; echo err >&2; exit 3\n")
            let log = OutputLog()
            for try await frame in exec.output { log.append(frame.stream, frame.bytes) }
            #expect(log.text(.stdout) == "hi\n")
            #expect(log.text(.stderr) == "err\n")
            let info = try await client.inspectExec(exec.id)
            #expect(!info.running && info.exitCode == 3)
        }
    }

    @Test("round trips on one live shell, then closing stdin ends it")
    func roundTrips() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { container async throws in
            let exec = try await shell(client, container)
            var iterator = exec.output.makeAsyncIterator()
            let clock = ContinuousClock()
            var total = Duration.zero
            let rounds = 20
            for round in 0..<rounds {
                let start = clock.now
                try await exec.write("echo r\(round)\n")
                var text = ""
                while !text.hasSuffix("\n") {
                    let frame = try #require(try await iterator.next())
                    text += String(decoding: frame.bytes, as: UTF8.self)
                }
                total += clock.now - start
                #expect(text == "r\(round)\n")
            }
            print("[timing] hijacked round trip (echo on a live sh): \(total / rounds)")
            try await exec.closeWrite()
            #expect(try await iterator.next() == nil)
            #expect(try await client.inspectExec(exec.id).exitCode == 0)
        }
    }

    @Test("closing stdin lets cat finish with everything written")
    func closeWrite() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { container async throws in
            let exec = try await shell(client, container, ["cat"])
            let payload = (0..<200_000).map { UInt8($0 % 251) }
            try await exec.write(payload)
            try await exec.closeWrite()
            var received: [UInt8] = []
            for try await frame in exec.output { received += frame.bytes }
            #expect(received == payload)
            #expect(try await client.inspectExec(exec.id).exitCode == 0)
            await #expect(throws: EngineError.self) { try await exec.write("late") }
        }
    }

    @Test("close() ends the output promptly while the process still runs")
    func closeEarly() async throws {
        let client = try await EngineGate.client()
        try await withTestContainer(client) { container async throws in
            let exec = try await shell(client, container, ["sleep", "30"])
            let reader = Task { () -> Int in
                var count = 0
                for try await _ in exec.output { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(200))
            let clock = ContinuousClock()
            let start = clock.now
            exec.close()
            #expect(try await reader.value == 0)
            #expect(clock.now - start < .milliseconds(500))
        }
    }
}
