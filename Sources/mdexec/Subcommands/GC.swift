import ArgumentParser

/// `mdexec gc`: remove containers mdexec left behind.
struct GC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract:
            "Remove containers labelled mdexec=1 that are not in use (left behind by a crash or --no-stop-container).")

    @Flag(help: "Also remove running ones.")
    var all = false

    func run() async throws {
        throw ExitCode(await ContainerCollector.collect(includeRunning: all))
    }
}
