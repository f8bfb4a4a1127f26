import DockerEngine
import Testing

@Suite("JSON line streams")
struct JSONLineDecoderTests {
    private let endpoint = "POST /images/create?fromImage=nosuch&tag=latest"

    @Test("lines split at every byte boundary come out whole")
    func everySplit() throws {
        let stream = try Fixture.bytes("pull-progress.jsonl")
        var reference = JSONLineDecoder()
        var expected = try reference.feed(stream)
        if let last = reference.finish() { expected.append(last) }
        #expect(expected.count == 6)
        for split in 0...stream.count {
            var decoder = JSONLineDecoder()
            var lines = try decoder.feed(stream[..<split]) + decoder.feed(stream[split...])
            if let last = decoder.finish() { lines.append(last) }
            #expect(lines == expected, "split at \(split)")
        }
    }

    @Test("pull progress decodes, including the last line without a newline")
    func pullProgress() throws {
        let stream = try Fixture.bytes("pull-progress.jsonl")
        var decoder = PullStreamDecoder(endpoint: endpoint)
        var updates: [PullProgress] = []
        for index in stream.indices { try decoder.feed(stream[index...index]) { updates.append($0) } }
        try decoder.finish { updates.append($0) }
        #expect(updates.count == 6)
        #expect(updates[2].status == "Downloading" && updates[2].current == 35020 && updates[2].total == 3_408_729)
        #expect(updates.last?.status == "Status: Downloaded newer image for alpine:3.19")
    }

    @Test("an error inside a 200 stream is thrown after the progress before it, at every split")
    func errorInStream() throws {
        let stream = try Fixture.bytes("pull-error.jsonl")
        for split in 0...stream.count {
            var decoder = PullStreamDecoder(endpoint: endpoint)
            var updates: [PullProgress] = []
            let error = #expect(throws: EngineError.self) {
                try decoder.feed(stream[..<split]) { updates.append($0) }
                try decoder.feed(stream[split...]) { updates.append($0) }
                try decoder.finish { updates.append($0) }
            }
            #expect(
                error
                    == .streamError(
                        endpoint: endpoint,
                        message: "unauthorized: authentication required for nosuch:latest"))
            #expect(updates.count == 3, "split at \(split)")
        }
    }

    @Test("malformed JSON is a typed error naming the line")
    func malformed() {
        var decoder = PullStreamDecoder(endpoint: endpoint)
        let error = #expect(throws: EngineError.self) { try decoder.feed(Array("{\"status\": \n".utf8)) { _ in } }
        guard case .malformedResponse(let where_, let reason)? = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(where_ == endpoint)
        #expect(reason.contains("{\"status\":"))
    }

    @Test("an endless line is refused instead of growing memory")
    func lineLimit() {
        var decoder = JSONLineDecoder(maximumLineLength: 16)
        #expect(throws: JSONLineDecoder.DecodeError.lineTooLong(limit: 16)) {
            try decoder.feed([UInt8](repeating: 0x61, count: 17))
        }
    }
}
