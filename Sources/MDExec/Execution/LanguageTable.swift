/// Which languages run and how: the ancestor's `lang_to_cmd`, plus `--language` overrides.
public struct LanguageTable: Sendable, Equatable {
    /// How blocks of one language run.
    public struct Interpreter: Sendable, Equatable {
        /// The command's argument vector, e.g. `["python"]`.
        public var command: [String]
        /// The file extension of written blocks, without the dot.
        public var fileExtension: String

        public init(command: [String], fileExtension: String) {
            self.command = command
            self.fileExtension = fileExtension
        }
    }

    private var overrides: [String: Interpreter]

    /// The default table, with `overrides` (language, lowercased, to interpreter) on top.
    /// The table with `NAME=COMMAND[:EXT]` overrides (`--language`), the last one of a name winning.
    public init(overrideSpecs specs: [String]) throws(ConfigurationError) {
        var overrides: [String: Interpreter] = [:]
        for text in specs {
            guard let (name, interpreter) = Self.parseOverride(text) else {
                throw ConfigurationError("--language takes NAME=COMMAND[:EXT] (got '\(text)').")
            }
            overrides[name] = interpreter
        }
        self.init(overrides: overrides)
    }

    public init(overrides: [String: Interpreter] = [:]) {
        self.overrides = Dictionary(uniqueKeysWithValues: overrides.map { ($0.key.lowercased(), $0.value) })
    }

    /// The interpreter for a language, or nil when it does not run.
    public func interpreter(for language: String?) -> Interpreter? {
        guard let language = language?.lowercased(), !language.isEmpty, language != "output" else { return nil }
        if let custom = overrides[language] { return custom }
        switch language {
        case "python", "py": return Interpreter(command: ["python"], fileExtension: "py")
        case "bash": return Interpreter(command: ["bash"], fileExtension: "sh")
        case "sh", "shell": return Interpreter(command: ["sh"], fileExtension: "sh")
        case "pwsh", "powershell", "ps1": return Interpreter(command: ["pwsh"], fileExtension: "ps1")
        case _ where language.hasPrefix("python"):
            return Interpreter(command: [language], fileExtension: "py")
        default: return nil
        }
    }

    /// Parses one `--language NAME=COMMAND[:EXT]` value.
    static func parseOverride(_ text: String) -> (String, Interpreter)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals].trimmingWhitespace().lowercased()
        var rest = String(text[text.index(after: equals)...])
        var ext = name
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains(" ") {
            ext = String(rest[rest.index(after: colon)...])
            rest = String(rest[..<colon])
        }
        let command = rest.split(separator: " ").map(String.init)
        if ext == name, let program = command.first?.split(separator: "/").last {
            // No `:EXT`: a known interpreter keeps its own extension (`shell=bash` writes `.sh`).
            switch SessionDriver(command: [String(program)]) {
            case .python: ext = "py"
            case .shell: ext = "sh"
            case nil: if program == "pwsh" { ext = "ps1" }
            }
        }
        // `output` is reserved: it names recorded results.
        guard !name.isEmpty, name != "output", !command.isEmpty, !ext.isEmpty, !ext.contains("/") else { return nil }
        return (name, Interpreter(command: command, fileExtension: ext))
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }
}
