import Testing

@testable import MDExec

@Suite("The runner's marker scanner")
struct MarkerScannerTests {
    let token = RunnerScript.newToken()

    func scan(_ chunks: [[UInt8]]) -> (output: [UInt8], markers: [String]) {
        var scanner = MarkerScanner(token: token)
        var output: [UInt8] = []
        var markers: [String] = []
        for chunk in chunks {
            for event in scanner.feed(chunk) {
                switch event {
                case .output(let bytes): output += bytes
                case .marker(let payload): markers.append(payload)
                }
            }
        }
        output += scanner.flush()
        return (output, markers)
    }

    @Test("output and markers come apart at every split of the stream")
    func everySplit() {
        let body = Array("hello \u{1E} world\nno newline".utf8)
        let stream = Array("\(token)S42\n".utf8) + body + Array("\(token)E0\n".utf8)
        for cut in 0...stream.count {
            let result = scan([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(result.output == body)
            #expect(result.markers == ["S42", "E0"])
        }
    }

    @Test("byte-by-byte delivery")
    func byteByByte() {
        let stream = Array("a\(token)E3\nafter".utf8)
        let result = scan(stream.map { [$0] })
        #expect(result.markers == ["E3"])
        #expect(result.output == Array("aafter".utf8))
    }

    @Test("a forged marker with another token is plain output")
    func forgedToken() {
        let forged = RunnerScript.newToken() + "E0\n"
        let result = scan([Array(forged.utf8)])
        #expect(result.markers.isEmpty)
        #expect(result.output == Array(forged.utf8))
    }

    @Test("tokens are unguessable: fresh each time and long")
    func tokens() {
        let tokens = Set((0..<100).map { _ in RunnerScript.newToken() })
        #expect(tokens.count == 100)
        #expect(token.utf8.count >= 32)
    }
}
