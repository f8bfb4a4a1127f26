/// Reading JSON results back (the schema `JSONReport` writes); `summary` is recomputed
/// from the blocks, and `outOfMemory`, which the schema does not carry, reads as false.
extension DocumentResult: Decodable {
    enum CodingKeys: String, CodingKey {
        case document, executor, image, blocks, provenance
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            document: try c.decode(String.self, forKey: .document),
            executor: try c.decode(ExecutorKind.self, forKey: .executor),
            image: try c.decodeIfPresent(String.self, forKey: .image),
            blocks: try c.decode([BlockResult].self, forKey: .blocks),
            provenance: try c.decodeIfPresent(Provenance.self, forKey: .provenance))
    }
}

extension BlockResult: Decodable {
    enum CodingKeys: String, CodingKey {
        case index, line, language, filename, status, stdout, stderr, output, matched, reason, session, images, steps
        case sessionRestarted = "session_restarted"
        case exitCode = "exit_code"
        case durationMs = "duration_ms"
        case expectedOutput = "expected_output"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            index: try c.decode(Int.self, forKey: .index),
            line: try c.decode(Int.self, forKey: .line),
            language: try c.decodeIfPresent(String.self, forKey: .language),
            filename: try c.decodeIfPresent(String.self, forKey: .filename),
            status: try c.decode(BlockStatus.self, forKey: .status),
            exitCode: try c.decodeIfPresent(Int.self, forKey: .exitCode),
            stdout: try c.decodeIfPresent(String.self, forKey: .stdout) ?? "",
            stderr: try c.decodeIfPresent(String.self, forKey: .stderr) ?? "",
            output: try c.decodeIfPresent(String.self, forKey: .output) ?? "",
            durationMs: try c.decodeIfPresent(Int.self, forKey: .durationMs),
            expectedOutput: try c.decodeIfPresent(String.self, forKey: .expectedOutput),
            matched: try c.decodeIfPresent(Bool.self, forKey: .matched),
            reason: try c.decodeIfPresent(String.self, forKey: .reason),
            session: try c.decodeIfPresent(String.self, forKey: .session),
            sessionRestarted: try c.decodeIfPresent(Bool.self, forKey: .sessionRestarted) ?? false)
        images = try c.decodeIfPresent([BlockImage].self, forKey: .images) ?? []
        steps = try c.decodeIfPresent([TranscriptStep].self, forKey: .steps)
    }
}
