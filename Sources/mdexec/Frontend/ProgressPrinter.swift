import Foundation
import MDExec
import Synchronization

/// One progress line per block on standard error: index, language, source line, status,
/// duration. On a terminal the running block shows live and lines are coloured. In GitHub
/// Actions (`GITHUB_ACTIONS=true`) a block that failed, timed out or differs also gets a
/// workflow annotation on its line of the document, `--quiet` or not.
final class ProgressPrinter: Sendable {
    private let quiet: Bool
    /// The document's path for `::error file=...` annotations; nil outside GitHub Actions.
    private let annotated: String?
    private let live: Bool
    private let color: Bool
    private let prefix: String
    private let total: Int
    private let pendingLine = Mutex<Bool>(false)

    init(quiet: Bool, live: Bool, document: String?, path: String, total: Int) {
        self.quiet = quiet
        self.annotated = ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" ? path : nil
        self.live = live && StandardError.isTerminal
        self.color = StandardError.usesColor
        self.prefix = document.map { "\($0): " } ?? ""
        self.total = total
    }

    func handle(_ event: RunEvent) {
        if case .finished(let result) = event, let path = annotated { annotate(result, path: path) }
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

    /// `::error file=DOC,line=N,title=...::MESSAGE` for a block that did not pass.
    private func annotate(_ result: BlockResult, path: String) {
        let title: String
        switch result.status {
        case .failed where result.matched == false: title = "output differs"
        case .failed: title = "block failed"
        case .timedOut: title = "block timed out"
        default: return
        }
        var message = "block \(result.index + 1) (\(result.language ?? "-")) at line \(result.line)"
        if let code = result.exitCode { message += ": exit code \(code)" }
        if let reason = result.reason { message += ": \(reason)" }
        func escaped(_ text: String, property: Bool) -> String {
            var out = ""
            for c in text {
                switch c {
                case "%": out += "%25"
                case "\r": out += "%0D"
                case "\n": out += "%0A"
                case ":" where property: out += "%3A"
                case "," where property: out += "%2C"
                default: out.append(c)
                }
            }
            return out
        }
        StandardError.write(
            "::error file=\(escaped(path, property: true)),line=\(result.line),title=\(escaped("mdexec: " + title, property: true))::\(escaped(message, property: false))\n"
        )
    }

    /// A free-form note (pull progress, warnings), kept on its own line.
    func note(_ text: String) {
        guard !quiet else { return }
        StandardError.write("\(prefix)\(text)\n")
    }

    private func line(for result: BlockResult) -> String {
        var text = "\(prefix)[\(result.index + 1)/\(total)] \(result.language ?? "-") line \(result.line) "
        let differs = result.matched == false
        text += paint(differs ? "differs" : result.status.rawValue, for: result.status)
        if let code = result.exitCode, result.status != .passed, !differs || code != 0 { text += " (exit \(code))" }
        if let ms = result.durationMs { text += " \(ms) ms" }
        if let reason = result.reason, !differs, result.status != .passed || result.exitCode == nil {
            text += ": \(reason)"
        }
        return text
    }

    /// The document's last line: how many blocks ended in each status and the time it took;
    /// with `check`, how many were compared and how many had no recorded output. Printed
    /// under `--quiet` too when a block did not pass.
    func summary(_ result: DocumentResult, seconds: Double, checked: Bool) {
        let counts = result.summary
        let troubled = counts.failed + counts.timedOut + counts.cancelled > 0
        guard !quiet || troubled else { return }
        let parts = [
            (counts.passed, "passed"), (counts.failed, "failed"), (counts.timedOut, "timed out"),
            (counts.cancelled, "cancelled"), (counts.notRun, "not run"), (counts.skipped, "skipped"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        var text = "\(result.document): \(counts.total) block\(counts.total == 1 ? "" : "s")"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        text += " in " + String(format: "%.1f s", seconds)
        if checked {
            let ran = result.blocks.filter { $0.exitCode != nil && $0.status != .cancelled }
            let compared = ran.filter { $0.matched != nil }
            let differ = compared.filter { $0.matched == false }.count
            let unrecorded = ran.filter { $0.expectedOutput == nil && $0.steps == nil }.count
            if compared.isEmpty {
                text += "; nothing was compared: no block that ran has a recorded output"
                text += unrecorded > 0 ? " (run `mdexec run --in-place` to record them)" : ""
            } else {
                text += "; \(compared.count) compared"
                text += differ > 0 ? " (\(differ) differ\(differ == 1 ? "s" : ""))" : ""
                text += ", \(unrecorded) with no recorded output"
            }
        }
        StandardError.write(text + "\n")
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
