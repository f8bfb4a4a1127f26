import ArgumentParser
import MDExec

/// How documents run: failure policy, output limits, parallelism.
struct RunPolicyOptions: ParsableArguments {
    @Flag(help: "Run every block even after one failed (default: the first failure stops the document).")
    var keepGoing = false

    @Option(
        help: ArgumentHelp(
            "Most output kept per block, e.g. 1m or 65536 (default 1 MiB); the rest is dropped with a note.",
            valueName: "SIZE"))
    var maxOutput: String = "1m"

    @Option(help: ArgumentHelp("How many documents run at once, each in its own container.", valueName: "N"))
    var jobs: Int = 1

    func validate() throws {
        guard maxOutputBytes != nil else {
            throw ValidationError("--max-output takes a size such as 1m or 65536 (got '\(maxOutput)').")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1.") }
    }

    var maxOutputBytes: Int? { MemorySize.bytes(maxOutput).map { Int($0) } }
}
