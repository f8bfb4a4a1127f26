import Foundation
import Synchronization

/// Standard error, shared by every task: whole lines, never interleaved mid-line.
enum StandardError {
    private static let lock = Mutex(())

    static func write(_ text: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// `mdexec: MESSAGE` on one line.
    static func error(_ message: String) {
        write("mdexec: \(message.replacingOccurrences(of: "\n", with: " "))\n")
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether colour may be used: a terminal, and NO_COLOR unset.
    static var usesColor: Bool {
        isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
}
