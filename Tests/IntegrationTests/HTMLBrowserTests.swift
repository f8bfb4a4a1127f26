import Foundation
import Testing

/// The HTML page in a real browser (headless Chromium, offline): what it shows, and that
/// nothing a block printed runs. With CI=true a missing Chromium is a failure.
@Suite("the HTML report in a real browser", .serialized)
struct HTMLBrowserTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether Chromium is here; with CI=true its absence is a failure, elsewhere a warning.
    static func available() -> Bool {
        guard chromium == nil else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true and no Chromium (apt-get install chromium): the browser test cannot run")
        } else {
            print("WARNING: no Chromium: the HTML browser tests SKIP (apt-get install chromium)")
        }
        return false
    }

    /// Runs Chromium headless with `arguments` on `page`; its standard output.
    static func chromium(_ arguments: [String], page: String, profile: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments =
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"]
            + arguments + [URL(fileURLWithPath: page).absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every picture of the page decodes in the browser (natural width > 0), offline")
    func picturesDecode() throws {
        guard Self.available() else { return }
        let scratch = try Scratch()
        let html = try ImageTests.page(in: scratch)
        // The page has no script of its own: a copy gets one that writes each image's
        // natural width into the title once the page has loaded.
        let page = try String(contentsOfFile: html, encoding: .utf8)
        let probe =
            "<script>addEventListener('load', () => { document.title = 'widths:' + "
            + "Array.from(document.images, i => i.naturalWidth).join(','); });</script></body>"
        let probed = scratch.path + "/probed.html"
        try page.replacingOccurrences(of: "</body>", with: probe).write(
            toFile: probed, atomically: true, encoding: .utf8)
        let dom = try Self.chromium(
            ["--dump-dom", "--virtual-time-budget=5000"], page: probed, profile: scratch.path + "/p")
        let title = dom.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first
        let widths = (title ?? "").replacingOccurrences(of: "widths:", with: "").split(separator: ",").compactMap {
            Int($0)
        }
        #expect(widths.count == 3, "three pictures on the page: \(title ?? "no title")")
        #expect(widths.allSatisfy { $0 > 0 }, "every picture decodes: \(widths)")
    }

    @Test("statuses, escaped output, no script runs; a screenshot kept in .build/")
    func page() throws {
        guard Self.available() else { return }
        let scratch = try Scratch()
        let doc = try scratch.write(
            "page.md",
            """
            # A page

            Raw HTML <script>document.title = 'pwned-by-document'</script> is left out.

            ```sh
            echo "<script>document.title = 'pwned-by-output'</script>"
            echo '<img src=x onerror="document.title=1">'
            ```

            ```python
            raise SystemExit(3)
            ```

            ```sh skip
            echo never
            ```

            """)
        let html = scratch.path + "/page.html"
        let run = try CLI.run([
            "run", "--executor", "local", "--quiet", "--keep-going", "--html", html, "-o", scratch.path + "/r.md", doc,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let dom = try Self.chromium(["--dump-dom"], page: html, profile: scratch.path + "/profile")
        #expect(dom.contains("page.md · mdexec report</title>"), "no script changed the title: \(dom.prefix(300))")
        #expect(dom.contains("<!-- raw HTML omitted -->"), "raw HTML in the document is left out (its text stays text)")
        #expect(dom.contains("&lt;script&gt;document.title = 'pwned-by-output'&lt;/script&gt;"), "the output is text")
        #expect(!dom.contains("<img"), "no element made from output")
        #expect(!dom.lowercased().contains("<script"))
        for label in ["passed", "failed", "skipped"] {
            #expect(dom.contains("class=\"mdexec-label status-\(label)\">\(label)</span>"), "\(label)")
        }
        #expect(dom.contains("exit code 3"))
        // For a person to look at: CI keeps .build/ as its artefact.
        let root = URL(fileURLWithPath: Samples.directory).deletingLastPathComponent().path
        let shot = root + "/.build/html-report.png"
        _ = try Self.chromium(
            ["--screenshot=\(shot)", "--window-size=1000,1100", "--hide-scrollbars"], page: html,
            profile: scratch.path + "/profile")
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(size > 1000, "a screenshot at \(shot)")
    }
}
