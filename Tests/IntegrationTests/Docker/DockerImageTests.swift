import EngineTestSupport
import Foundation
import Testing

@testable import MDExec

extension DockerTests {
    /// Pictures from the container: files blocks write in the bind-mounted workspace and
    /// `display()` of the python session, as with the local executor.
    @Suite("images from the container")
    struct Images {
        @Test("an SVG written by a sh block and a display() land in NAME_files/, with a stable rerun")
        func filesAndDisplays() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", ImageTests.document)
            let report = scratch.path + "/report.md"
            let json = scratch.path + "/r.json"
            let run = try DockerCLI.runDocument(["-o", report, "--json", json, doc])
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOfFile: report, encoding: .utf8)
            #expect(text.contains("exit code: 0\n![charts/box.svg](report_files/block-0-1.svg)\n"), "\(text)")
            #expect(text.contains("exit code: 0\n![figure 1](report_files/block-1-1.png)\n"))
            #expect(text.contains("![fresh.png](report_files/block-2-1.png)"))
            let shown = try [UInt8](
                Data(contentsOf: URL(fileURLWithPath: scratch.path + "/report_files/block-1-1.png")))
            #expect(shown == ImageTests.png)
            let blocks = try Results.document(json).blocks
            #expect(blocks.map { $0.images.count } == [1, 1, 1, 0])
            let rerun = try DockerCLI.runDocument(["-o", report, report])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try String(contentsOfFile: report, encoding: .utf8) == text, "the report run again gives itself")
            try await Leftovers.expectNone()
        }
    }
}
