import ArgumentParser
import Foundation

/// Where results go.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Write the report to PATH (atomically) instead of standard output.", valueName: "PATH"))
    var output: String?

    @Option(
        help: ArgumentHelp("Write each document's report into DIR, under the document's file name.", valueName: "DIR"))
    var outputDir: String?

    @Flag(help: "Write each report back into its document.")
    var inPlace = false

    @Option(help: ArgumentHelp("Also write the results as JSON to PATH.", valueName: "PATH"))
    var json: String?

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to PATH.", valueName: "PATH"))
    var junit: String?

    @Option(
        help: ArgumentHelp(
            "Also write the report as one self-contained HTML page to PATH.",
            discussion: """
                With several documents PATH is an existing directory, and each page is PATH/NAME.html \
                (`--output-dir DIR --html DIR` puts each page beside its report). No network is needed \
                to view it: the style is inline, there are no scripts.
                """, valueName: "PATH"))
    var html: String?

    @Flag(name: [.short, .long], help: "No progress lines on standard error.")
    var quiet = false

    @Flag(help: "Put each block's duration in the report (the report is then not reproducible).")
    var timings = false

    /// Usage checks: where the reports of `documents` go (`run` writes them all).
    func validate(documents: [String], writesReports: Bool) throws {
        let destinations = [output != nil, outputDir != nil, inPlace].filter { $0 }.count
        guard destinations <= 1 else {
            throw ValidationError("Use only one of -o/--output, --output-dir and --in-place.")
        }
        if documents.count > 1 && output != nil {
            throw ValidationError("Several documents need --output-dir DIR or --in-place, not -o.")
        }
        if writesReports && documents.count > 1 && outputDir == nil && !inPlace {
            throw ValidationError("Several documents need --output-dir DIR or --in-place.")
        }
        if documents.count > 1, let html {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: html, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("With several documents, --html takes an existing directory (got \(html)).")
            }
        }
        if let outputDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--output-dir \(outputDir) is not an existing directory.")
            }
            let names = documents.map { ($0 as NSString).lastPathComponent }
            if Set(names).count != names.count {
                throw ValidationError(
                    "Two documents have the same file name: their reports would overwrite each other in \(outputDir).")
            }
        }
    }
}
