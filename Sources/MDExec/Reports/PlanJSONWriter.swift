/// Writes what `mdexec blocks --json` prints one block at a time, so a huge document is
/// listed without keeping its blocks: the same bytes as ``JSONReport/renderPlan(document:blocks:)``
/// (one document) or ``JSONReport/renderPlans(_:)`` (several, as a JSON array).
struct PlanJSONWriter {
    private var out: [UInt8] = []
    /// Full pieces of the text so far: a long plan is kept in pieces of about
    /// ``pieceSize`` instead of one array that is copied each time it grows.
    private var pieces: [[UInt8]] = []
    private static let pieceSize = 1 << 20
    private let inArray: Bool
    private var documents = 0
    private var blocksInDocument = 0
    /// Indentation of the current document object.
    private var base: Int { inArray ? 2 : 0 }

    /// A writer for one document (`inArray: false`) or for a JSON array of documents.
    init(inArray: Bool) {
        self.inArray = inArray
    }

    /// Starts the object of the document at `path`.
    mutating func beginDocument(_ path: String) {
        if inArray { out.appendLiteral(documents == 0 ? "[\n" : ",\n") }
        documents += 1
        blocksInDocument = 0
        out.appendSpaces(base)
        out.appendLiteral("{\n")
        out.appendSpaces(base + 2)
        out.appendLiteral("\"document\": ")
        JSONValue.string(path).write(to: &out, indent: base + 2)
        out.appendLiteral(",\n")
        out.appendSpaces(base + 2)
        out.appendLiteral("\"blocks\": ")
    }

    /// Adds one block of the current document, written field by field (no ``JSONValue``
    /// in between: this runs once per block of documents with hundreds of thousands).
    mutating func add(_ block: PlannedBlock) {
        out.appendLiteral(blocksInDocument == 0 ? "[\n" : ",\n")
        blocksInDocument += 1
        let indent = base + 4
        out.appendSpaces(indent)
        out.appendLiteral("{\n")
        key("index", indent)
        out.appendDecimal(block.index)
        out.appendLiteral(",\n")
        key("line", indent)
        out.appendDecimal(block.line)
        out.appendLiteral(",\n")
        key("language", indent)
        optionalString(block.language)
        out.appendLiteral(",\n")
        key("filename", indent)
        optionalString(block.filename)
        out.appendLiteral(",\n")
        key("attributes", indent)
        JSONReport.attributesValue(block.attributes).write(to: &out, indent: indent + 2)
        out.appendLiteral(",\n")
        key("runs", indent)
        out.appendLiteral(block.runs ? "true,\n" : "false,\n")
        key("session", indent)
        optionalString(block.session)
        out.appendLiteral(",\n")
        key("reason", indent)
        optionalString(block.reason)
        out.append(0x0A)
        out.appendSpaces(indent)
        out.append(UInt8(ascii: "}"))
        if out.count >= Self.pieceSize {
            pieces.append(out)
            out = []
            out.reserveCapacity(Self.pieceSize + (64 << 10))
        }
    }

    private mutating func key(_ name: StaticString, _ indent: Int) {
        out.appendSpaces(indent + 2)
        out.append(UInt8(ascii: "\""))
        out.appendLiteral(name)
        out.appendLiteral("\": ")
    }

    private mutating func optionalString(_ value: String?) {
        if let value { JSONValue.writeString(value, to: &out) } else { out.appendLiteral("null") }
    }

    /// Ends the object of the current document.
    mutating func endDocument() {
        if blocksInDocument == 0 {
            out.appendLiteral("[]")
        } else {
            out.append(0x0A)
            out.appendSpaces(base + 2)
            out.append(UInt8(ascii: "]"))
        }
        out.append(0x0A)
        out.appendSpaces(base)
        out.append(UInt8(ascii: "}"))
    }

    /// The whole text, ending with a newline, in pieces to be written one after another.
    mutating func finish() -> [[UInt8]] {
        if inArray { out.appendLiteral(documents == 0 ? "[]" : "\n]") }
        out.append(0x0A)
        pieces.append(out)
        defer {
            out = []
            pieces = []
        }
        return pieces
    }
}
