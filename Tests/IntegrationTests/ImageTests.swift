import Foundation
import Testing

@testable import MDExec

/// Pictures in the report, with the local executor: image files blocks write (any
/// language, fresh mode too) and `display()` of python sessions, copied into the assets
/// folder, linked after the exit line, listed in the JSON; reruns and `check` stable.
@Suite("images in the report (local executor)", .serialized)
struct ImageTests {
    /// A 1x1 PNG.
    static let png: [UInt8] = Array(
        Data(
            base64Encoded:
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        )!)
    static let pngBase64 = Data(png).base64EncodedString()

    static let document = """
        # Pictures

        ```sh
        mkdir -p charts
        printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>' > charts/box.svg
        echo drawn
        ```

        ```python
        import base64
        class Picture:
            def _repr_png_(self):
                return base64.b64decode("\(pngBase64)")
        display(Picture())
        display(42)
        ```

        ```python fresh
        import base64
        open("fresh.png", "wb").write(base64.b64decode("\(pngBase64)"))
        ```

        ```sh
        echo no pictures here
        ```

        """

    func results(_ path: String) throws -> DocumentResult {
        try #require(try JSONReport.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).first)
    }

    @Test("files and displays land in NAME_files/, linked and listed; a rerun and check give the same")
    func filesAndDisplays() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("doc.md", Self.document)
        let report = scratch.path + "/report.md"
        let json = scratch.path + "/r.json"
        let run = try CLI.run(["run", "--executor", "local", "--quiet", "-o", report, "--json", json, doc])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("exit code: 0\n![charts/box.svg](report_files/block-0-1.svg)\n"), "\(text)")
        #expect(text.contains("```output\n42\n```\nexit code: 0\n![figure 1](report_files/block-1-1.png)\n"))
        #expect(text.contains("exit code: 0\n![fresh.png](report_files/block-2-1.png)\n"), "fresh mode too")
        let svg = try String(contentsOfFile: scratch.path + "/report_files/block-0-1.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        let shown = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.path + "/report_files/block-1-1.png")))
        #expect(shown == Self.png)
        let blocks = try results(json).blocks
        #expect(blocks[1].images.map(\.source) == ["display"])
        #expect(blocks[1].images.first?.sha256 == SHA256.hex(Self.png))
        #expect(blocks[1].images.first?.mediaType == "image/png")
        #expect(blocks[1].images.first?.bytes == Self.png.count)
        #expect(blocks[0].images.first?.path == "report_files/block-0-1.svg")
        #expect(blocks[3].images.isEmpty)

        // The report run again: the same report, the same images, nothing else in the folder.
        let again = scratch.path + "/again.md"
        try FileManager.default.copyItem(atPath: report, toPath: scratch.path + "/input-again.md")
        let second = try CLI.run([
            "run", "--executor", "local", "--quiet", "-o", again, "--assets-dir", scratch.path + "/report_files",
            scratch.path + "/input-again.md",
        ])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try String(contentsOfFile: again, encoding: .utf8) == text, "idempotent with its images")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/report_files").sorted() == [
                "block-0-1.svg", "block-1-1.png", "block-2-1.png",
            ])
        let check = try CLI.run(["check", "--executor", "local", "--quiet", report])
        #expect(check.status == 0, "check ignores the image lines: \(check.stderr)")
    }

    @Test("bounds and hostile files: 20 per block, 10 MiB each, no symlink followed, no decoding")
    func boundsAndHostileFiles() throws {
        let scratch = try Scratch()
        let outside = try scratch.write("secret.png", "not in the workspace")
        let doc = try scratch.write(
            "doc.md",
            """
            ```sh
            for i in $(seq 1 25); do echo "$i" > "p$i.png"; done
            ```

            ```sh
            head -c 11000000 /dev/zero > big.png
            ln -s \(outside) link.png
            echo 'plain text, not a picture' > fake.png
            ```

            """)
        let assets = scratch.path + "/assets"
        try FileManager.default.createDirectory(atPath: assets, withIntermediateDirectories: true)
        try "mine".write(toFile: assets + "/notes.txt", atomically: true, encoding: .utf8)
        try "mine too".write(toFile: assets + "/block-x.png", atomically: true, encoding: .utf8)
        try "old".write(toFile: assets + "/block-7-1.png", atomically: true, encoding: .utf8)
        let json = scratch.path + "/r.json"
        let run = try CLI.run([
            "run", "--executor", "local", "--quiet", "-o", scratch.path + "/out.md", "--assets-dir", assets, "--json",
            json, doc,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let blocks = try results(json).blocks
        #expect(blocks[0].images.count == 20)
        #expect(blocks[0].output.contains("more than 20 images"), "\(blocks[0].output)")
        #expect(blocks[1].images.map(\.source) == ["fake.png"], "the link is not followed, the big file not taken")
        #expect(blocks[1].output.contains("big.png is over 10 MiB"), "\(blocks[1].output)")
        let fake = try String(contentsOfFile: assets + "/block-1-1.png", encoding: .utf8)
        #expect(fake == "plain text, not a picture\n", "copied as it is")
        let left = try FileManager.default.contentsOfDirectory(atPath: assets)
        #expect(left.contains("notes.txt") && left.contains("block-x.png"), "the user's files are untouched")
        #expect(!left.contains("block-7-1.png"), "mdexec's own old files are removed")
        #expect(
            !left.contains {
                (try? String(contentsOfFile: assets + "/" + $0, encoding: .utf8)) == "not in the workspace"
            })
    }

    @Test("the report on standard output: no picture collected, and mdexec says so")
    func standardOutput() throws {
        let scratch = try Scratch()
        let doc = try scratch.write("doc.md", "```sh\necho x > a.png\n```\n")
        let run = try CLI.run(["run", "--executor", "local", doc], in: scratch.path)
        #expect(run.status == 0)
        #expect(!run.stdout.contains("!["))
        #expect(run.stderr.contains("pictures blocks make are not collected"), "\(run.stderr)")
    }

    /// Runs `document` with the local executor into `scratch`, with its HTML page; the page's path.
    static func page(in scratch: Scratch, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let doc = try scratch.write("doc.md", document)
        let html = scratch.path + "/page.html"
        let run = try CLI.run([
            "run", "--executor", "local", "--quiet", "-o", scratch.path + "/report.md", "--html", html, doc,
        ])
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        return html
    }

    @Test("the HTML page embeds the pictures as data: URIs")
    func htmlEmbedsImages() throws {
        let scratch = try Scratch()
        let page = try String(contentsOfFile: try Self.page(in: scratch), encoding: .utf8)
        #expect(page.contains("src=\"data:image/png;base64,\(Self.pngBase64)\""))
        #expect(page.contains("src=\"data:image/svg+xml;base64,"))
        #expect(!page.contains("src=\"report_files"), "nothing loads from outside the page")
    }
}
