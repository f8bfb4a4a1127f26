import ArgumentParser
import Foundation

/// Parses the command line and maps outcomes to the SPEC's exit codes: usage errors are
/// 2 (swift-argument-parser's default would be 64).
@main
enum Entry {
    static func main() async {
        do {
            var command = try MdexecCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            let code = MdexecCommand.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((MdexecCommand.fullMessage(for: error) + "\n").utf8))
                exit(ExitStatus.usage)
            }
            MdexecCommand.exit(withError: error)
        }
    }
}

/// The exit codes of SPEC.md.
enum ExitStatus {
    static let passed: Int32 = 0
    static let failed: Int32 = 1
    static let usage: Int32 = 2
    static let infrastructure: Int32 = 3
    static let interrupted: Int32 = 130
    static let terminated: Int32 = 143
}
