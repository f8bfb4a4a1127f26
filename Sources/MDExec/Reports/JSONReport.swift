import Foundation

/// The JSON results (`--json PATH`) and the plan `mdexec blocks --json` prints, in the
/// schema and key order of docs/reference.md ("JSON results"), with every null written out.
public enum JSONReport {
    /// The results of one document: one JSON object, ending with a newline.
    public static func render(_ result: DocumentResult) -> [UInt8] {
        value(of: result).bytes() + [0x0A]
    }

    /// The results of several documents: a JSON array of their objects, in order.
    public static func render(_ results: [DocumentResult]) -> [UInt8] {
        JSONValue.array(results.map(value(of:))).bytes() + [0x0A]
    }

    /// What `mdexec blocks --json` prints for one document: its blocks with `attributes`
    /// (a bare word is `true`, `key=value` is `"value"`), `runs` and `reason`; no summary.
    static func renderPlan(document: String, blocks: [PlannedBlock]) -> [UInt8] {
        var writer = PlanJSONWriter(inArray: false)
        writer.beginDocument(document)
        for block in blocks { writer.add(block) }
        writer.endDocument()
        return Array(writer.finish().joined())
    }

    /// The plans of several documents: a JSON array of their objects, in order.
    static func renderPlans(_ plans: [(document: String, blocks: [PlannedBlock])]) -> [UInt8] {
        var writer = PlanJSONWriter(inArray: true)
        for plan in plans {
            writer.beginDocument(plan.document)
            for block in plan.blocks { writer.add(block) }
            writer.endDocument()
        }
        return Array(writer.finish().joined())
    }

    /// Reads JSON results back: one document object, or an array of them.
    public static func decode(_ bytes: [UInt8]) throws -> [DocumentResult] {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        if let many = try? decoder.decode([DocumentResult].self, from: data) { return many }
        return [try decoder.decode(DocumentResult.self, from: data)]
    }

    // MARK: - Values

    static func value(of result: DocumentResult) -> JSONValue {
        let summary = result.summary
        return .object([
            ("document", .string(result.document)),
            ("executor", .string(result.executor.rawValue)),
            ("image", .optional(result.image)),
            ("provenance", result.provenance.map(value(of:)) ?? .null),
            ("blocks", .array(result.blocks.map(value(of:)))),
            (
                "summary",
                .inlineObject([
                    ("total", .int(summary.total)),
                    ("passed", .int(summary.passed)),
                    ("failed", .int(summary.failed)),
                    ("timed_out", .int(summary.timedOut)),
                    ("skipped", .int(summary.skipped)),
                    ("not_run", .int(summary.notRun)),
                    ("cancelled", .int(summary.cancelled)),
                ])
            ),
        ])
    }

    static func value(of provenance: Provenance) -> JSONValue {
        let engine = provenance.engine.map { engine in
            JSONValue.inlineObject([
                ("kind", .string(engine.kind)), ("version", .string(engine.version)),
                ("api_version", .string(engine.apiVersion)),
            ])
        }
        let image = provenance.image.map { image in
            JSONValue.object([
                ("name", .string(image.name)), ("id", .optional(image.id)),
                ("digests", .array(image.digests.map(JSONValue.string))),
            ])
        }
        let settings = provenance.settings
        return .object([
            ("mdexec", .optional(provenance.mdexecVersion)),
            ("engine", engine ?? .null),
            ("image", image ?? .null),
            (
                "settings",
                .inlineObject([
                    ("mode", .string(settings.mode)), ("timeout", .int(settings.timeout)),
                    ("network", .optional(settings.network)), ("memory", .optional(settings.memory)),
                    ("cpus", .optional(settings.cpus)), ("pids_limit", .optional(settings.pidsLimit)),
                    ("user", .optional(settings.user)), ("read_only", .optional(settings.readOnly)),
                ])
            ),
        ])
    }

    static func value(of block: BlockResult) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("index", .int(block.index)),
            ("line", .int(block.line)),
            ("language", .optional(block.language)),
            ("filename", .optional(block.filename)),
            ("status", .string(block.status.rawValue)),
            ("exit_code", .optional(block.exitCode)),
            ("stdout", .string(block.stdout)),
            ("stderr", .string(block.stderr)),
            ("output", .string(block.output)),
            ("duration_ms", .optional(block.durationMs)),
            ("session", .optional(block.session)),
            ("session_restarted", .bool(block.sessionRestarted)),
            (
                "images",
                .array(
                    block.images.map { image in
                        .inlineObject([
                            ("path", .string(image.path)), ("source", .string(image.source)),
                            ("media_type", .string(image.mediaType)), ("bytes", .int(image.bytes)),
                            ("sha256", .string(image.sha256)),
                        ])
                    })
            ),
            ("expected_output", .optional(block.expectedOutput)),
            ("matched", .optional(block.matched)),
            ("reason", .optional(block.reason)),
        ]
        if let steps = block.steps {
            fields.append(
                (
                    "steps",
                    .array(
                        steps.map { step in
                            .object([
                                ("line", .int(step.line)), ("input", .string(step.input)),
                                ("expected", .string(step.expected)),
                                ("output", .string(step.output)), ("exit_code", .optional(step.exitCode)),
                                ("matched", .optional(step.matched)),
                            ])
                        })
                ))
        }
        return .object(fields)
    }

    /// Attributes as one JSON object; a key given twice keeps its first place and last value.
    static func attributesValue(_ attributes: [BlockAttribute]) -> JSONValue {
        var members: [(String, JSONValue)] = []
        for attribute in attributes {
            let value = attribute.value.map(JSONValue.string) ?? .bool(true)
            if let i = members.firstIndex(where: { $0.0 == attribute.key }) {
                members[i].1 = value
            } else {
                members.append((attribute.key, value))
            }
        }
        return .inlineObject(members)
    }
}
