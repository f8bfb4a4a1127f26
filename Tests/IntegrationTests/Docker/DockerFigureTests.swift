import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension DockerTests {
    /// matplotlib figures of python sessions, in the figure image (Debian's python3-matplotlib):
    /// Agg, `plt.show()` and figures left open emitted as PNG at their own dpi, closed once
    /// emitted, no software metadata, the same bytes on a rerun.
    @Suite("matplotlib figures")
    struct Figures {
        static let document = """
            # Figures

            ```python
            import matplotlib.pyplot as plt
            plt.plot([1, 2, 3], [1, 4, 9])
            plt.show()
            print("shown", plt.get_fignums())
            ```

            ```python
            fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
            ax.bar(["a", "b"], [3, 5]);
            plt.figure(figsize=(3, 2), dpi=40);
            plt.plot([3, 1]);
            ```

            ```python
            import os
            os.makedirs("charts", exist_ok=True)
            f = plt.figure()
            plt.plot([0, 1]);
            f.savefig("charts/x.png")
            plt.close(f)
            print("open", plt.get_fignums())
            ```

            ```python
            plt.switch_backend("svg")
            plt.figure();
            plt.plot([1]);
            ```

            ```python
            plt.switch_backend("agg")
            import matplotlib, os
            print(matplotlib.get_backend(), os.environ["MPLBACKEND"], plt.get_fignums())
            ```

            """

        /// A PNG's chunks: type and data, in order.
        static func chunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8])] {
            var found: [(String, [UInt8])] = []
            var at = 8
            while at + 8 <= bytes.count {
                let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
                let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
                guard at + 12 + length <= bytes.count else { break }
                found.append((type, Array(bytes[at + 8..<at + 8 + length])))
                at += 12 + length
            }
            return found
        }

        /// The dots per inch a PNG's pHYs chunk records (pixels per metre, rounded).
        static func dpi(_ bytes: [UInt8]) -> Int? {
            guard let phys = chunks(bytes).first(where: { $0.type == "pHYs" })?.data, phys.count == 9 else {
                return nil
            }
            let perMetre = phys[0..<4].reduce(0) { $0 << 8 | Int($1) }
            return Int((Double(perMetre) * 0.0254).rounded())
        }

        @Test("plt.show(), figures left open, savefig + close: PNGs at their dpi, linked, listed, rerun byte for byte")
        func figures() async throws {
            guard try await EngineGate.figuresReady() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", Self.document)
            let report = scratch.path + "/report.md"
            let json = scratch.path + "/r.json"
            let image = ["run", "--image", EngineGate.figureImage, "--quiet"]
            let run = try DockerCLI.run(image + ["-o", report, "--json", json, doc])
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOfFile: report, encoding: .utf8)
            #expect(
                text.contains("```output\nshown []\n```\nexit code: 0\n![figure 1](report_files/block-0-1.png)\n"),
                "plt.show() emits the figure and closes it: \(text)")
            #expect(
                text.contains(
                    "exit code: 0\n![figure 1](report_files/block-1-1.png)\n![figure 2](report_files/block-1-2.png)\n"
                ), "both figures left open are emitted, in order")
            #expect(
                text.contains("```output\nopen []\n```\nexit code: 0\n![charts/x.png](report_files/block-2-1.png)\n"),
                "a saved and closed figure is the file it was saved to, once")
            #expect(text.hasSuffix("```output\nagg Agg []\n```\nexit code: 0\n"), "the session's backend is Agg")

            let blocks = try Results.document(json).blocks
            #expect(blocks.map { $0.images.count } == [1, 2, 1, 0, 0], "a block that chose another backend emits none")
            #expect(blocks[0].images.map(\.source) == ["figure"])
            #expect(blocks[1].images.map(\.source) == ["figure", "figure"])
            #expect(blocks[2].images.map(\.source) == ["charts/x.png"])
            var files: [String: [UInt8]] = [:]
            for picture in blocks.flatMap(\.images) {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.path + "/" + picture.path)))
                files[picture.path] = bytes
                #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(picture.path) is a PNG")
                #expect(picture.mediaType == "image/png")
                #expect(picture.bytes == bytes.count)
                #expect(picture.sha256 == SHA256.hex(bytes))
            }
            for figure in blocks.prefix(2).flatMap(\.images).map(\.path) {
                let texts = Self.chunks(files[figure] ?? []).filter {
                    ["tEXt", "iTXt", "zTXt", "tIME"].contains($0.type)
                }
                #expect(texts.isEmpty, "\(figure) carries no software or date metadata: \(texts.map(\.type))")
            }
            #expect(Self.dpi(files["report_files/block-0-1.png"] ?? []) == 100, "matplotlib's default dpi")
            #expect(Self.dpi(files["report_files/block-1-1.png"] ?? []) == 50, "the figure's own dpi")
            #expect(Self.dpi(files["report_files/block-1-2.png"] ?? []) == 40)

            let rerun = try DockerCLI.run(image + ["-o", report, report])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try String(contentsOfFile: report, encoding: .utf8) == text, "the report run again gives itself")
            for (path, bytes) in files {
                let again = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.path + "/" + path)))
                #expect(again == bytes, "\(path) has the same bytes on a rerun")
            }
            let check = try DockerCLI.run(["check", "--image", EngineGate.figureImage, "--quiet", report])
            #expect(check.status == 0, "check of a report with figures passes: \(check.stdout)\(check.stderr)")
            try await Leftovers.expectNone()
        }
    }
}
