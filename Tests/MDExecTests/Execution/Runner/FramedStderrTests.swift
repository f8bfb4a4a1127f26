import Synchronization
import Testing

@testable import MDExec

@Suite("A python session's stderr framed in its stdout, split apart again")
struct FramedStderrTests {
    /// Feeds `chunks` (all stdout) and returns what came out, per channel, in order.
    func split(_ chunks: [String]) -> [String] {
        let seen = Mutex<[String]>([])
        let frames = FramedStderr { channel, bytes in
            seen.withLock { $0.append((channel == .stdout ? "o:" : "e:") + String(decoding: bytes, as: UTF8.self)) }
        }
        for chunk in chunks { frames.handle(.stdout, Array(chunk.utf8)) }
        frames.finish()
        return seen.withLock { $0 }
    }

    @Test("writes keep their order; markers cut across reads are held until whole")
    func order() {
        let start = "\u{1E}mdx-e"
        let end = "\u{1E}mdx-o"
        #expect(split(["a\n\(start)b\n\(end)c\n"]) == ["o:a\n", "e:b\n", "o:c\n"])
        #expect(split(["a\n\u{1E}md", "x-eb\n\u{1E}", "mdx-oc\n"]) == ["o:a\n", "e:b\n", "o:c\n"])
        #expect(split(["x\u{1E}y"]) == ["o:x\u{1E}y"], "a lone record separator is output")
        #expect(split(["x\u{1E}md"]) == ["o:x", "o:\u{1E}md"], "an unfinished marker at the end is output")
        #expect(split(["\(start)err, never closed"]) == ["e:err, never closed"])
    }

    @Test("stderr bytes pass through untouched")
    func stderrPassesThrough() {
        let seen = Mutex<[OutputChannel]>([])
        let frames = FramedStderr { channel, _ in seen.withLock { $0.append(channel) } }
        frames.handle(.stderr, Array("\u{1E}mdx-e".utf8))
        #expect(seen.withLock { $0 } == [.stderr])
    }
}
