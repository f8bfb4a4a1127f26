import ArgumentParser
import Foundation
import MDExec

/// `mdexec blocks`: the plan, without running anything.
struct Blocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the blocks that would run, and why the others would not (nothing is executed).")

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Run blocks of language NAME with COMMAND, files ending in .EXT (repeatable).", valueName: "NAME=COMMAND[:EXT]"))
    var language: [String] = []

    @Argument(help: ArgumentHelp("Markdown documents to list.", valueName: "DOC"))
    var documents: [String]

    func run() async throws {
        var overrides: [String: LanguageTable.Interpreter] = [:]
        for text in language {
            guard let (name, interpreter) = LanguageTable.parseOverride(text) else {
                StandardError.error("--language takes NAME=COMMAND[:EXT] (got '\(text)').")
                throw ExitCode(ExitStatus.usage)
            }
            overrides[name] = interpreter
        }
        let planner = BlockPlanner(languages: LanguageTable(overrides: overrides))
        var plans: [(document: String, blocks: [PlannedBlock])] = []
        for path in documents {
            do {
                let loaded = try DocumentLoader.load(path)
                plans.append((path, planner.plan(loaded.document.blocks)))
            } catch {
                StandardError.error(error.description)
                throw ExitCode(ExitStatus.usage)
            }
        }
        if json {
            let bytes = plans.count == 1 ? JSONReport.renderPlan(document: plans[0].document, blocks: plans[0].blocks)
                : JSONReport.renderPlans(plans)
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        var text = ""
        for plan in plans {
            if plans.count > 1 { text += "\(plan.document):\n" }
            for block in plan.blocks {
                let verdict = block.runs ? "runs" : "no  "
                text += "  \(block.index + 1)\tline \(block.line)\t\(block.language ?? "-")\t\(verdict)"
                if let file = block.filename { text += "\t\(file)" }
                if let reason = block.reason { text += "\t(\(reason))" }
                text += "\n"
            }
            if plan.blocks.isEmpty { text += "  (no fenced code blocks)\n" }
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
