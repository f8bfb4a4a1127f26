import Foundation
import Logging
import MDExec
import Synchronization

/// Runs several documents (at most `jobs` at once), writes their reports, JSON and JUnit,
/// and works out the exit status. Shared by `run` and `check`.
struct BatchRun {
    enum Mode { case run, check }

    var mode: Mode
    var paths: [String]
    var settings: RunSettings
    var output: OutputOptions

    func execute() async throws -> Int32 {
        let documents = try paths.map { path throws(UsageError) in try DocumentLoader.load(path) }
        let level: Logger.Level = settings.verbose ? .debug : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        if settings.executorKind == .local && !settings.quiet {
            StandardError.error("warning: --executor local runs every block on this machine with NO isolation.")
        }

        if mode == .run, !settings.quiet, documents.contains(where: { reportDestination($0) == "-" }),
            settings.configuration.assetsDir == nil
        {
            StandardError.error(
                "note: the report goes to standard output, so pictures blocks make are not collected"
                    + " (use -o FILE or --assets-dir DIR)")
        }
        let watcher = SignalWatcher()
        // Decided once, before the reports exist: where each document's pictures go.
        let images = documents.map(imageDestination(for:))
        let work = Task { await runAll(documents, images: images) }
        watcher.start { work.cancel() }
        let outcomes = await work.value

        var status = ExitStatus.passed
        var writeFailed = false
        for ((loaded, outcome), pictures) in zip(zip(documents, outcomes), images) {
            do {
                try writeReport(loaded, outcome.result, images: pictures)
            } catch {
                StandardError.error("\(error)")
                writeFailed = true
            }
            if let failure = outcome.failure { StandardError.error("\(loaded.path): \(failure.message)") }
            status = max(status, ExitStatus.of(outcome))
        }
        let results = outcomes.map(\.result)
        do {
            if let json = output.json {
                try OutputFile.write(
                    results.count == 1 ? JSONReport.render(results[0]) : JSONReport.render(results), to: json)
            }
            if let junit = output.junit { try OutputFile.write(JUnitReport.render(results), to: junit) }
        } catch {
            StandardError.error("\(error)")
            writeFailed = true
        }
        if let interrupted = watcher.exitStatus { return interrupted }
        if writeFailed { return max(status, ExitStatus.usage) }
        return status
    }

    private func runAll(_ documents: [LoadedDocument], images: [ImageDestination?]) async -> [BlockSequencer.Outcome] {
        let documentRun = DocumentRun(settings: settings)
        let several = documents.count > 1
        let live = settings.jobs == 1
        return await withTaskGroup(of: (Int, BlockSequencer.Outcome).self) { group in
            var outcomes = [BlockSequencer.Outcome?](repeating: nil, count: documents.count)
            var next = 0
            func launch() {
                guard next < documents.count else { return }
                let position = next
                let loaded = documents[position]
                next += 1
                let printer = ProgressPrinter(
                    quiet: settings.quiet, live: live, document: several ? loaded.path : nil, path: loaded.path,
                    total: loaded.document.blocks.count)
                let pictures = images[position]
                let checked = mode == .check
                group.addTask {
                    let started = ContinuousClock.now
                    let outcome = await documentRun.run(loaded, progress: printer, images: pictures)
                    if checked { Self.printDifferences(loaded, outcome.result) }
                    let elapsed = (ContinuousClock.now - started).components
                    printer.summary(
                        outcome.result, seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18,
                        checked: checked)
                    return (position, outcome)
                }
            }
            for _ in 0..<min(settings.jobs, documents.count) { launch() }
            for await (position, outcome) in group {
                outcomes[position] = outcome
                launch()
            }
            return outcomes.map { $0! }
        }
    }

    /// Where the report of `loaded` goes: a path, `-` for standard output, or nil (none).
    private func reportDestination(_ loaded: LoadedDocument) -> String? {
        if output.inPlace { return loaded.path }
        if let dir = output.outputDir {
            return (dir as NSString).appendingPathComponent((loaded.path as NSString).lastPathComponent)
        }
        if let path = output.output { return path }
        return mode == .run ? "-" : nil
    }

    /// Where the pictures of `loaded` go: `--assets-dir` (`DIR/NAME_files` with several
    /// documents), else `NAME_files/` beside a report written to a regular file; nil when
    /// the report goes to standard output, a device or nowhere.
    private func imageDestination(for loaded: LoadedDocument) -> ImageDestination? {
        let report = reportDestination(loaded).flatMap { path -> String? in
            guard path != "-" else { return nil }
            var info = stat()
            guard stat(path, &info) == 0 else { return path }
            return (info.st_mode & S_IFMT) == S_IFREG ? path : nil
        }
        func folder(_ path: String) -> String {
            ((path as NSString).lastPathComponent as NSString).deletingPathExtension + "_files"
        }
        let directory: String
        if let assets = settings.configuration.assetsDir {
            directory = paths.count > 1 ? (assets as NSString).appendingPathComponent(folder(loaded.path)) : assets
        } else if let report {
            directory = ((report as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                folder(report))
        } else {
            return nil
        }
        let base = report.map { ($0 as NSString).deletingLastPathComponent } ?? FileManager.default.currentDirectoryPath
        return ImageDestination(directory: directory, link: Self.relativePath(from: base, to: directory))
    }

    /// `target` as a relative path from the folder `base` (both made absolute first).
    static func relativePath(from base: String, to target: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ path: String) -> [String] {
            let absolute = path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
            return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let (from, to) = (parts(base.isEmpty ? "." : base), parts(target))
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let path = Array(repeating: "..", count: from.count - common) + to[common...]
        return path.joined(separator: "/")
    }

    private func writeReport(_ loaded: LoadedDocument, _ result: DocumentResult, images: ImageDestination?) throws {
        let destination = reportDestination(loaded)
        let report = MarkdownReport.render(
            document: loaded.document, results: result.blocks, options: ReportOptions(timings: output.timings))
        if let html = output.html {
            let several = paths.count > 1
            let page = several ? (html as NSString).appendingPathComponent(Self.pageName(loaded.path)) : html
            try OutputFile.write(
                HTMLReport.render(report: report, result: result) { image in
                    guard let images else { return nil }
                    let name = (image.path as NSString).lastPathComponent
                    return try? [UInt8](
                        Data(
                            contentsOf: URL(
                                fileURLWithPath: (images.directory as NSString).appendingPathComponent(name))))
                }, to: page)
        }
        guard let destination else { return }
        if destination == "-" {
            FileHandle.standardOutput.write(Data(report))
        } else {
            try OutputFile.write(report, to: destination)
        }
    }

    /// `NAME.html` for the document `NAME.md` (or `NAME.markdown`, or any other name).
    static func pageName(_ path: String) -> String {
        let name = (path as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return (stem.isEmpty ? name : stem) + ".html"
    }

    /// One diff per differing block, or per differing prompt of a transcript, naming its line.
    private static func printDifferences(_ loaded: LoadedDocument, _ result: DocumentResult) {
        for block in result.blocks where block.matched == false {
            let differing: [(title: String, line: Int, expected: String, actual: String)] =
                block.steps.map { steps in
                    steps.filter { $0.matched == false }.map { step in
                        let command = step.input.split(separator: "\n").first ?? ""
                        return (
                            "block \(block.index + 1), line \(step.line): \(command)", step.line, step.expected,
                            step.output
                        )
                    }
                } ?? [
                    (
                        "block \(block.index + 1) (line \(block.line))", block.line, block.expectedOutput ?? "",
                        block.output
                    )
                ]
            for item in differing {
                let diff = OutputComparison(actual: item.actual, recorded: item.expected).diff(
                    expectedLabel: "\(loaded.path):\(item.line) recorded output",
                    actualLabel: "\(loaded.path):\(item.line) actual output")
                StandardError.write("mdexec: \(loaded.path): \(item.title): output differs\n\(diff)")
            }
        }
    }
}
