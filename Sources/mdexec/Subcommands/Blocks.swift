import ArgumentParser
import Foundation
import MDExec

/// `mdexec blocks`: the plan, without running anything.
struct Blocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the blocks that would run, and why the others would not (nothing is executed).")

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(help: "Plan every block in a process of its own, as `run --fresh` would (no sessions).")
    var fresh = false

    @OptionGroup var languageOptions: LanguageOptions

    @Argument(help: ArgumentHelp("Markdown documents to list.", valueName: "DOC"))
    var documents: [String]

    func run() async throws {
        let planner = BlockPlanner(languages: try languageOptions.table(), fresh: fresh)
        // Each block is planned and written as it is extracted (the JSON on a second thread):
        // a huge document is listed without keeping its blocks. Nothing is printed until
        // every document is read, so a bad one gives an error and no partial plan.
        let writer = BackgroundPlanWriter(planner: planner, inArray: documents.count > 1)
        var text = ""
        for path in documents {
            do throws(UsageError) {
                let source = try DocumentLoader.readSource(path)
                if json { writer.beginDocument(path) } else if documents.count > 1 { text += "\(path):\n" }
                var listed = 0
                do {
                    try MarkdownDocument.forEachBlock(in: source) { block in
                        listed += 1
                        if json { writer.add(block) } else { text += Self.line(planner.plan(block)) }
                    }
                } catch {
                    throw UsageError("\(path): \(error.description)")
                }
                if json { writer.endDocument() } else if listed == 0 { text += "  (no fenced code blocks)\n" }
            } catch {
                _ = writer.finish()
                StandardError.error(error.description)
                throw ExitCode(ExitStatus.usage)
            }
        }
        if json {
            for piece in writer.finish() { FileHandle.standardOutput.write(Data(piece)) }
            return
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// One line of the plain listing.
    static func line(_ block: PlannedBlock) -> String {
        let verdict = block.runs ? "runs" : "no  "
        var line = "  \(block.index + 1)\tline \(block.line)\t\(block.language ?? "-")\t\(verdict)"
        if let file = block.filename { line += "\t\(file)" }
        if let session = block.session { line += "\tsession \(session)" }
        if let reason = block.reason { line += "\t(\(reason))" }
        return line + "\n"
    }
}
