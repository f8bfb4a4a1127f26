import Foundation

extension DockerExecutor {
    /// The ancestor's functions: their files become `<functions_module>.py` in the
    /// workspace, their requirements are pip-installed once, and the module is loaded once
    /// before the first block. Failures stop the run with the ancestor's messages.
    func setUpFunctions() async throws(ExecutionError) {
        guard !configuration.functions.isEmpty || !configuration.requirements.isEmpty else { return }
        var source = ""
        for path in configuration.functions {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ExecutionError(.functionsFailed, "Functions failed to load: cannot read \(path).")
            }
            source += text + (text.hasSuffix("\n") ? "\n" : "\n\n")
        }
        let module = configuration.functionsModule
        try await writeFile("\(module).py", contents: Array(source.utf8))
        if !configuration.requirements.isEmpty {
            let quoted = configuration.requirements.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let capture = OutputCapture(limit: 64 << 10)
            let code = try await runShell(
                "python -m pip install -qq " + quoted.joined(separator: " "), timeoutSeconds: 1800, capture: capture)
            guard code == 0 else {
                throw ExecutionError(.functionsFailed, "Pip install failed. \(capture.text().output)")
            }
        }
        let capture = OutputCapture(limit: 64 << 10)
        let code = try await runShell("python -c 'from \(module) import *'", timeoutSeconds: 120, capture: capture)
        guard code == 0 else {
            throw ExecutionError(.functionsFailed, "Functions failed to load: \(capture.text().output)")
        }
    }
}
