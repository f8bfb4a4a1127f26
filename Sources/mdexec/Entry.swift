import ArgumentParser
import Foundation
import MDExec

/// Parses the command line and maps outcomes to the exit codes of docs/reference.md: usage errors are
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

/// The exit codes (docs/reference.md, "Exit codes").
enum ExitStatus {
    static let passed: Int32 = 0
    static let failed: Int32 = 1
    static let usage: Int32 = 2
    static let infrastructure: Int32 = 3
    static let interrupted: Int32 = 130
    static let terminated: Int32 = 143
}

extension ExitStatus {
    /// The status one document's outcome calls for; a batch exits with the highest.
    static func of(_ outcome: BlockSequencer.Outcome) -> Int32 {
        if let failure = outcome.failure {
            // The user's functions failing to load is their code failing, not the sandbox.
            return failure.code == .functionsFailed ? failed : infrastructure
        }
        return outcome.result.blocks.contains { $0.status == .failed || $0.status == .timedOut } ? failed : passed
    }
}
