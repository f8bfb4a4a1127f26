import ArgumentParser
import MDExec

/// `--language NAME=COMMAND[:EXT]`, shared by `run`, `check` and `blocks`.
struct LanguageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run blocks of language NAME with COMMAND, files ending in .EXT (repeatable).", valueName: "NAME=COMMAND[:EXT]"))
    var language: [String] = []

    func validate() throws {
        for text in language where LanguageTable.parseOverride(text) == nil {
            throw ValidationError("--language takes NAME=COMMAND[:EXT] (got '\(text)').")
        }
    }

    /// The language table with every override.
    var table: LanguageTable {
        var overrides: [String: LanguageTable.Interpreter] = [:]
        for text in language {
            if let (name, interpreter) = LanguageTable.parseOverride(text) { overrides[name] = interpreter }
        }
        return LanguageTable(overrides: overrides)
    }
}
