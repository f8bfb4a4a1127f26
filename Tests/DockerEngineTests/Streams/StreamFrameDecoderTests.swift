import DockerEngine
import Foundation
import Testing

@Suite("Exec output framing")
struct StreamFrameDecoderTests {
    private struct ExpectedFrame: Decodable {
        var stream: String
        var base64: String
    }

    private func expectedFrames() throws -> [OutputFrame] {
        let decoded = try JSONDecoder().decode(
            [ExpectedFrame].self,
            from: Data(try Fixture.bytes("exec-multiplexed.expected.json")))
        return try decoded.map { frame in
            let kind: StreamKind =
                switch frame.stream {
                case "stdout": .stdout
                case "stderr": .stderr
                default: .systemError
                }
            return OutputFrame(kind, Array(try #require(Data(base64Encoded: frame.base64))))
        }
    }

    private func decode(_ chunks: [ArraySlice<UInt8>]) throws -> [OutputFrame] {
        var decoder = StreamFrameDecoder()
        var frames: [OutputFrame] = []
        for chunk in chunks { frames += try decoder.feed(chunk) }
        try decoder.finish()
        return frames
    }

    @Test("a stream split at every byte boundary decodes to the same frames")
    func everySplit() throws {
        let stream = try Fixture.bytes("exec-multiplexed.bin")
        let expected = try expectedFrames()
        #expect(try decode([stream[...]]) == expected)
        for split in 0...stream.count {
            #expect(try decode([stream[..<split], stream[split...]]) == expected, "split at \(split)")
        }
        for first in stride(from: 0, through: stream.count, by: 7) {
            for second in stride(from: first, through: stream.count, by: 13) {
                let chunks = [stream[..<first], stream[first..<second], stream[second...]]
                #expect(try decode(chunks) == expected, "splits at \(first), \(second)")
            }
        }
    }

    @Test("one byte at a time")
    func byteByByte() throws {
        let stream = try Fixture.bytes("exec-multiplexed.bin")
        #expect(try decode(stream.indices.map { stream[$0...$0] }) == expectedFrames())
    }

    @Test("stream 0 is stdout and stream 3 is a system error")
    func streamKinds() throws {
        var decoder = StreamFrameDecoder()
        let frames = try decoder.feed([0, 0, 0, 0, 0, 0, 0, 2, 0x61, 0x0a, 3, 0, 0, 0, 0, 0, 0, 1, 0x21] as [UInt8])
        #expect(frames == [OutputFrame(.stdout, [0x61, 0x0a]), OutputFrame(.systemError, [0x21])])
    }

    @Test("a real engine recording keeps stdout and stderr apart, byte for byte")
    func recorded() throws {
        let frames = try decode([try Fixture.bytes("exec-recorded.bin")[...]])
        #expect(
            frames == [
                OutputFrame(.stdout, Array("out1\na\u{0}b\\xff\nout2\n".utf8)),
                OutputFrame(.stderr, Array("err1\nerr2\n".utf8)),
            ])
    }

    @Test("a truncated frame is reported at the end, after the whole frames")
    func truncated() throws {
        var decoder = StreamFrameDecoder()
        let frames = try decoder.feed(try Fixture.bytes("exec-truncated.bin"))
        #expect(frames == [OutputFrame(.stdout, Array("ab\n".utf8)), OutputFrame(.stderr, Array("cd\n".utf8))])
        #expect(throws: StreamFrameDecoder.DecodeError.truncated(pendingBytes: 12)) { try decoder.finish() }
    }

    @Test("an unknown stream byte is an error, not a crash")
    func unknownStream() {
        var decoder = StreamFrameDecoder()
        #expect(throws: StreamFrameDecoder.DecodeError.unknownStream(0x48)) {
            try decoder.feed(Array("HTTP/1.1 200 OK\r\n".utf8))
        }
    }

    @Test("TTY output passes through as stdout")
    func tty() throws {
        var decoder = StreamFrameDecoder(multiplexed: false)
        #expect(try decoder.feed([1, 0, 0, 0, 9] as [UInt8]) == [OutputFrame(.stdout, [1, 0, 0, 0, 9])])
        try decoder.finish()
    }
}
