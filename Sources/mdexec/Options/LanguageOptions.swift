import ArgumentParser
import MDExec

/// `--language NAME=COMMAND[:EXT]`, shared by `run`, `check` and `blocks`.
struct LanguageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run blocks of language NAME with COMMAND, files ending in .EXT (repeatable).",
            valueName: "NAME=COMMAND[:EXT]"))
    var language: [String] = []

    func validate() throws { _ = try table() }

    /// The language table with every override.
    func table() throws -> LanguageTable {
        do {
            return try LanguageTable(overrideSpecs: language)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
