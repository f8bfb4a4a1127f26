/// A terminal or REPL session written in a code block: prompts with their input, each
/// followed by the output it is expected to print.
///
/// - console (`console`, `shell-session`, `sh-session`, `terminal`, or a `sh`/`bash`/`shell`
///   block whose first non-blank line starts with `$ `): `$ ` starts a command, `> ` lines
///   continue it, the lines up to the next command are its expected output, and a last
///   output line `[N]` says it exits with N (cram's convention).
/// - pycon (`pycon`, `python-repl`, or a `python`/`py` block whose first non-blank line
///   starts with `>>> `): `>>> ` starts a statement, the `...` lines right after continue
///   it, the lines up to the next `>>> ` are its expected output.
public struct Transcript: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case console, pycon
    }

    /// One prompt: its input and the output written after it.
    public struct Step: Sendable, Equatable {
        /// The input without its prompts, lines joined with `\n`.
        public var input: String
        /// The expected output lines (a console command's `[N]` line included), joined with `\n`.
        public var expected: String
        /// The exit code a console command is expected to end with (`[N]`, else 0).
        public var expectedExit: Int
        /// 0-based line of the block's text where the prompt is.
        public var line: Int
        /// How many lines the input takes (the prompt line and its continuations).
        public var inputLines: Int
        /// How many lines the expected output takes, `[N]` included, trailing blank lines not.
        public var outputLines: Int
    }

    public var kind: Kind
    public var steps: [Step]

    /// The transcript a block holds, or nil when it is not one.
    public static func parse(code: String, language: String?) -> Transcript? {
        // Asked of every block: a cheap no for most (no allocation before the language fits).
        guard let language, !language.isEmpty, language.utf8.count <= 13 else { return nil }
        let name = language.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? language.lowercased() : language
        let kind: Kind
        switch name {
        case "console", "shell-session", "sh-session", "terminal": kind = .console
        case "pycon", "python-repl": kind = .pycon
        case "sh", "bash", "shell":
            guard firstLineStarts(code, with: "$ ") else { return nil }
            kind = .console
        case "python", "py":
            guard firstLineStarts(code, with: ">>> ") else { return nil }
            kind = .pycon
        default: return nil
        }
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let prompt = kind == .console ? "$ " : ">>> "
        var steps: [Step] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.hasPrefix(prompt) || line == prompt.dropLast() else {
                index += 1
                continue
            }
            var input = [String(line.dropFirst(min(prompt.count, line.count)))]
            let start = index
            index += 1
            while index < lines.count, let more = continuation(lines[index], kind: kind, after: input) {
                input.append(more)
                index += 1
            }
            let outputStart = index
            while index < lines.count, !lines[index].hasPrefix(prompt), lines[index] != prompt.dropLast() {
                index += 1
            }
            var output = lines[outputStart..<index].map(String.init)  // trailing blank lines go
            while let last = output.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { output.removeLast() }
            let outputLines = output.count
            var exit = 0
            if kind == .console, let last = output.last, let code = exitLine(Substring(last)) { exit = code }
            steps.append(
                Step(
                    input: input.joined(separator: "\n"), expected: output.joined(separator: "\n"),
                    expectedExit: exit, line: start, inputLines: input.count, outputLines: outputLines))
        }
        return Transcript(kind: kind, steps: steps)
    }

    /// Whether the first line that is not blank starts with `prompt` (bytes up to it only:
    /// every shell and python block is asked).
    private static func firstLineStarts(_ code: String, with prompt: StaticString) -> Bool {
        let bytes = code.utf8
        var lineStart = bytes.startIndex
        var index = lineStart
        while index != bytes.endIndex {
            switch bytes[index] {
            case 0x0A:
                lineStart = bytes.index(after: index)
            case 0x20, 0x09, 0x0D:
                break
            default:
                let wanted = UnsafeBufferPointer(start: prompt.utf8Start, count: prompt.utf8CodeUnitCount)
                return bytes[lineStart...].starts(with: wanted)
            }
            index = bytes.index(after: index)
        }
        return false
    }

    /// The text of a continuation line, or nil when the line does not continue the input.
    /// A bare `...` continues only a compound statement (after a line ending in `:` or a
    /// `... ` line); right after a simple statement it is doctest's wildcard output.
    private static func continuation(_ line: Substring, kind: Kind, after input: [String]) -> String? {
        switch kind {
        case .console:
            return line.hasPrefix("> ") ? String(line.dropFirst(2)) : line == ">" ? "" : nil
        case .pycon:
            if line.hasPrefix("... ") { return String(line.dropFirst(4)) }
            let compound = input.count > 1 || input.last?.trimmingWhitespace().hasSuffix(":") == true
            return line == "..." && compound ? "" : nil
        }
    }

    /// Whether `lines`, written as a prompt's output, would be read back as input: a prompt,
    /// or (first) a continuation of the prompt's input.
    static func wouldReadAsInput(_ lines: [String], kind: Kind) -> Bool {
        let prompt = kind == .console ? "$ " : ">>> "
        if lines.contains(where: { $0.hasPrefix(prompt) || $0 == String(prompt.dropLast()) }) { return true }
        guard let first = lines.first else { return false }
        return kind == .console ? first.hasPrefix("> ") || first == ">" : first.hasPrefix("...")
    }

    /// N for a line `[N]`.
    static func exitLine(_ line: Substring) -> Int? {
        guard line.hasPrefix("["), line.hasSuffix("]"), line.count > 2 else { return nil }
        return Int(line.dropFirst().dropLast())
    }

    /// Whether `actual` matches `expected`, doctest-style: `...` in the expected text stands
    /// for any text (across lines too). Both sides are normalised as `check` normalises
    /// recorded results (`OutputComparison`).
    public static func matches(expected: String, actual: String) -> Bool {
        let comparison = OutputComparison(actual: actual, recorded: expected)
        let (want, got) = (comparison.expected, comparison.actual)
        guard want.contains("...") else { return want == got }
        let pieces = want.components(separatedBy: "...")
        guard let head = pieces.first, let tail = pieces.last, got.hasPrefix(head),
            got.count >= head.count + tail.count, got.hasSuffix(tail)
        else { return false }
        var rest = got.dropFirst(head.count).dropLast(tail.count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    /// A pycon step's output as doctest shows an exception: the `Traceback (most recent call
    /// last):` line, `...` for the frames, then the exception lines.
    static func doctestForm(_ output: String) -> String {
        let header = "Traceback (most recent call last):"
        guard let start = output.range(of: header) else { return output }
        let before = output[..<start.lowerBound]
        let after = output[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        let rest = after.dropFirst().drop { $0.hasPrefix(" ") || $0.hasPrefix("\t") }
        return before + header + "\n    ...\n" + rest.joined(separator: "\n")
    }
}
