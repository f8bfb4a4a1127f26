/// Decides, before anything runs, what happens to each block of a document: run it, write
/// it, or leave it, and under which file name.
public struct BlockPlanner: Sendable {
    /// What to do with one block.
    public enum Action: Sendable, Equatable {
        /// Write `code` to `file`, then run it with `interpreter`, in `session` (nil: in a
        /// process of its own).
        case run(file: String, code: String, interpreter: LanguageTable.Interpreter, session: SessionKey?)
        /// Run a transcript's prompts one by one with `interpreter`, in `session` (nil: each
        /// in a process of its own).
        case transcript(Transcript, interpreter: LanguageTable.Interpreter, session: SessionKey?)
        /// Write `code` to `file` and do not run it (a `file=` block of another language).
        case write(file: String, code: String)
        /// Fail without running: the file it names is outside the workspace.
        case refuse(reason: String)
        /// Leave it alone.
        case skip(reason: String)
    }

    public let languages: LanguageTable
    /// Every block in a process of its own (`--fresh`); otherwise blocks share their
    /// interpreter's session (notebook mode).
    public let fresh: Bool

    public init(languages: LanguageTable = LanguageTable(), fresh: Bool = false) {
        self.languages = languages
        self.fresh = fresh
    }

    public func action(for block: CodeBlock) -> Action {
        let language = block.info.language
        if block.info.skip { return .skip(reason: "marked skip") }
        if block.info.file == nil, let transcript = Transcript.parse(code: block.code, language: language),
            let interpreter = languages.interpreter(
                for: transcript.kind == .pycon ? "python" : language?.lowercased() == "sh" ? "sh" : "bash")
        {
            let session =
                fresh || block.info.fresh ? nil : SessionKey(command: interpreter.command, name: block.info.session)
            return .transcript(transcript, interpreter: interpreter, session: session)
        }
        let interpreter = languages.interpreter(for: language).map { table in
            SessionDriver(command: table.command) == nil ? table : shebangInterpreter(block.code) ?? table
        }
        let named = block.info.file ?? block.filenameHint
        if interpreter == nil && block.info.file == nil {
            guard let language else { return .skip(reason: "no language") }
            return .skip(reason: "language '\(language)' does not run")
        }
        let code = interpreter.map { PipSilencer.silence(block.code, interpreter: $0.command[0]) } ?? block.code
        let file: String
        if let named {
            do {
                file = try WorkspacePath.normalized(named)
            } catch {
                return .refuse(reason: WorkspacePath.outsideMessage)
            }
        } else {
            file = Self.unnamedFile(code: code, extension: interpreter!.fileExtension)
        }
        guard let interpreter else { return .write(file: file, code: code) }
        let session =
            fresh || block.info.fresh ? nil : SessionKey(command: interpreter.command, name: block.info.session)
        return .run(file: file, code: code, interpreter: interpreter, session: session)
    }

    /// Where blocks without a name go: out of the way of the document's own files. A fresh
    /// block there runs with the workspace on `PYTHONPATH` (`ExecutionJob.pythonPathAssignment`),
    /// as python puts only the script's own folder on `sys.path`.
    static let unnamedFolder = ".mdexec"

    /// The file of code without a name: `.mdexec/tmp_code_<12 hex digits of its sha256>.EXT`.
    static func unnamedFile(code: String, extension ext: String) -> String {
        unnamedFolder + "/tmp_code_\(SHA256.hex(utf8: code).prefix(12)).\(ext)"
    }

    /// The interpreter a first line `#!...` names, for a shell or python block: `sh` or
    /// `bash` (`#!/bin/bash`, `#!/usr/bin/env bash`), or `python` (`#!/usr/bin/env python3`).
    private func shebangInterpreter(_ code: String) -> LanguageTable.Interpreter? {
        guard code.hasPrefix("#!") else { return nil }
        let line = code.dropFirst(2).prefix { $0 != "\n" && $0 != "\r" }
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let program = words.first?.split(separator: "/").last.map(String.init) else { return nil }
        var name = program
        if program == "env" {
            words = words.dropFirst().filter { !$0.hasPrefix("-") }
            guard let named = words.first else { return nil }
            name = named
        }
        switch name {
        case "sh", "bash": return languages.interpreter(for: name)
        case _ where name.hasPrefix("python"): return languages.interpreter(for: "python")
        default: return nil
        }
    }

    /// The plan `mdexec blocks` prints.
    func plan(_ blocks: [CodeBlock]) -> [PlannedBlock] {
        blocks.map(plan)
    }

    public func plan(_ block: CodeBlock) -> PlannedBlock {
        var planned = PlannedBlock(
            index: block.index, line: block.line, language: block.info.language, filename: nil,
            attributes: block.info.attributes, runs: false, reason: nil)
        switch action(for: block) {
        case .run(let file, _, _, let session):
            planned.filename = file
            planned.runs = true
            planned.session = session?.label
        case .transcript(let transcript, _, let session):
            planned.runs = true
            planned.session = session?.label
            planned.reason =
                "\(transcript.kind.rawValue) transcript: \(transcript.steps.count) prompt\(transcript.steps.count == 1 ? "" : "s")"
        case .write(let file, _):
            planned.filename = file
            planned.reason = "written to \(file)"
        case .refuse(let reason):
            planned.runs = true
            planned.reason = reason
        case .skip(let reason):
            planned.reason = reason
        }
        return planned
    }
}
