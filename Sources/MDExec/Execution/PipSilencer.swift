/// The ancestor's `silence_pip`: `pip install` lines (and `!pip install` in python) get
/// `-qqq`, so reports are not buried in pip's progress output.
public enum PipSilencer {
    /// The code with `-qqq` added to every `pip install` line that lacks it.
    public static func silence(_ code: String, interpreter: String) -> String {
        let isPython = interpreter.hasPrefix("python")
        let isShell = ["sh", "bash", "pwsh"].contains(interpreter)
        guard isPython || isShell else { return code }
        guard code.utf8.contains(UInt8(ascii: "p")), code.contains("pip install") else { return code }
        let prefixes = isPython ? ["!pip install", "! pip install"] : ["pip install"]
        var lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (position, line) in lines.enumerated() {
            guard let prefix = prefixes.first(where: { line.hasPrefix($0) }), !line.contains("-qqq") else { continue }
            lines[position] = prefix + " -qqq" + line.dropFirst(prefix.count)
        }
        return lines.joined(separator: "\n")
    }
}
