import MDExec
import Synchronization

/// One progress line per block on standard error: index, language, source line, status,
/// duration. On a terminal the running block shows live and lines are coloured.
final class ProgressPrinter: Sendable {
    private let quiet: Bool
    private let live: Bool
    private let color: Bool
    private let prefix: String
    private let total: Int
    private let pendingLine = Mutex<Bool>(false)

    init(quiet: Bool, live: Bool, document: String?, total: Int) {
        self.quiet = quiet
        self.live = live && StandardError.isTerminal
        self.color = StandardError.usesColor
        self.prefix = document.map { "\($0): " } ?? ""
        self.total = total
    }

    func handle(_ event: RunEvent) {
        guard !quiet else { return }
        switch event {
        case .started(let index, let line, let language):
            guard live else { return }
            pendingLine.withLock { $0 = true }
            StandardError.write("\(prefix)[\(index + 1)/\(total)] \(language ?? "-") line \(line) running…")
        case .finished(let result):
            let clear = pendingLine.withLock { pending in
                defer { pending = false }
                return pending
            }
            StandardError.write((clear ? "\r\u{1B}[K" : "") + line(for: result) + "\n")
        }
    }

    /// A free-form note (pull progress, warnings), kept on its own line.
    func note(_ text: String) {
        guard !quiet else { return }
        StandardError.write("\(prefix)\(text)\n")
    }

    private func line(for result: BlockResult) -> String {
        var text = "\(prefix)[\(result.index + 1)/\(total)] \(result.language ?? "-") line \(result.line) "
        text += paint(result.status.rawValue, for: result.status)
        if let code = result.exitCode, result.status != .passed { text += " (exit \(code))" }
        if let ms = result.durationMs { text += " \(ms) ms" }
        if let reason = result.reason, result.status != .passed || result.exitCode == nil { text += ": \(reason)" }
        return text
    }

    private func paint(_ text: String, for status: BlockStatus) -> String {
        guard color else { return text }
        let code: String
        switch status {
        case .passed: code = "32"
        case .failed: code = "31"
        case .timedOut: code = "33"
        case .cancelled: code = "35"
        case .skipped, .notRun: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
