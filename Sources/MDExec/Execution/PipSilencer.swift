import Foundation

/// The ancestor's `silence_pip`, made honest: `pip install` lines (and `!pip install` in
/// python) get `-qq`, so reports are not buried in pip's progress output while its errors
/// still show (the ancestor's `-qqq` hides why an install failed).
enum PipSilencer {
    /// The code with `-qq` added to every `pip install` line that has no `-q...`/`--quiet`.
    static func silence(_ code: String, interpreter: String) -> String {
        let isPython = interpreter.hasPrefix("python")
        let isShell = ["sh", "bash", "pwsh"].contains(interpreter)
        guard isPython || isShell else { return code }
        guard contains(code, "pip install") else { return code }
        let prefixes = isPython ? ["!pip install", "! pip install"] : ["pip install"]
        var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (position, line) in lines.enumerated() {
            guard let prefix = prefixes.first(where: { line.hasPrefix($0) }), !contains(line, " -q"),
                !contains(line, "--quiet")
            else { continue }
            lines[position] = prefix + " -qq" + line.dropFirst(prefix.count)
        }
        return lines.joined(separator: "\n")
    }

    /// Whether `needle` occurs in `text`: a plain byte search (this runs on every block of
    /// every document, so it avoids Foundation's and the generic string searchers).
    private static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            needle.withUTF8Buffer { pattern in
                guard let first = pattern.first, haystack.count >= pattern.count else { return false }
                var i = 0
                let last = haystack.count - pattern.count
                while i <= last {
                    if haystack[i] == first
                        && memcmp(haystack.baseAddress! + i, pattern.baseAddress!, pattern.count) == 0
                    {
                        return true
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
