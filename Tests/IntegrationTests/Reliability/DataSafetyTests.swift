import DockerEngine
import EngineTestSupport
import Foundation
import MDExec
import MDExecTestSupport
import Testing

extension ReliabilityTests {
    /// Never lose data. (Every run in these suites also checks that its input document is
    /// byte for byte the same afterwards: `RelProcess.finish`.)
    @Suite("Never lose data", .timeLimit(.minutes(4)))
    struct NeverLoseData {
        @Test("The input changes only with --in-place, and then becomes exactly the report")
        func inPlaceOnly() async throws {
            let scratch = try Scratch()
            let text = "# Doc\n\n```sh\necho one\n```\n\n```output\nstale\n```\nexit code: 5\n\n```sh\necho two\n```\n"
            let doc = try scratch.write("doc.md", text)
            let report = Rel.path("report.md", in: scratch)
            let json = Rel.path("r.json", in: scratch)
            // -o, stdout, --json, check: the document stays as it is (checked by `inputs`).
            let toFile = try await Rel.run(
                ["run", "--executor", "local", "--quiet", "-o", report, "--json", json, doc], in: scratch.path,
                inputs: [doc])
            #expect(toFile.status == 0)
            let toStdout = try await Rel.run(
                ["run", "--executor", "local", "--quiet", doc], in: scratch.path, inputs: [doc])
            #expect(toStdout.stdout == Rel.bytes(report))
            let check = try await Rel.run(
                ["check", "--executor", "local", "--quiet", doc], in: scratch.path, inputs: [doc])
            #expect(check.status == 1, "the stale output differs")
            ReportInvariants.expectValid(
                original: Array(text.utf8), report: try #require(Rel.bytes(report)), results: try Rel.results(json))

            let inPlace = try await Rel.run(
                ["run", "--executor", "local", "--quiet", "--in-place", doc], in: scratch.path)
            #expect(inPlace.status == 0 && inPlace.stdout.isEmpty)
            #expect(Rel.bytes(doc) == Rel.bytes(report), "--in-place writes the report into the document")
            #expect(Rel.files(in: scratch.path).allSatisfy { !$0.contains(".mdexec-") }, "no temporary file left")
        }

        /// SIGKILL cannot be handled: only the temp-file-then-rename write keeps the target
        /// whole. The kill lands when mdexec's temporary file appears, plus a seeded delay.
        @Test("SIGKILL while -o or --in-place is written leaves the old file or the complete new one, never a part")
        func killDuringWrite() async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let big = try BigReport(scratch)
            let old = Array(
                ("# The previous report\n\n" + String(repeating: "an old line that must survive\n", count: 40_000)).utf8
            )
            var generator = SeededGenerator(seed: 0xD47A_0001)
            let delays: [UInt32] = [
                0, UInt32.random(in: 1_000...30_000, using: &generator),
                UInt32.random(in: 30_000...150_000, using: &generator),
                UInt32.random(in: 0...300_000, using: &generator),
            ]
            var outcomes: [String] = []
            for (round, delay) in delays.enumerated() {
                let inPlace = round == delays.count - 1
                let name = RelContainers.name("sigkill")
                let target: String
                let arguments: [String]
                if inPlace {
                    // The document itself is the file being replaced.
                    target = (big.directory as NSString).appendingPathComponent("inplace.md")
                    try Data(BigReport.text.utf8).write(to: URL(fileURLWithPath: target))
                    arguments = Rel.dockerRun(name, ["--max-output", "100m", "--in-place", target])
                } else {
                    target = big.report
                    try Data(old).write(to: URL(fileURLWithPath: target))
                    arguments = Rel.dockerRun(name, ["--max-output", "100m", "-o", target, big.doc])
                }
                let before = try #require(Rel.bytes(target))
                let run = try Rel.start(arguments, in: scratch.path, inputs: inPlace ? [] : [big.doc], limit: 150)
                let targetName = (target as NSString).lastPathComponent
                let trigger = big.onTemporaryFile(for: targetName, delayMicroseconds: delay) { run.send(SIGKILL) }
                let outcome = await run.finish()
                trigger.stop()
                #expect(trigger.fired, "round \(round): the temporary file was seen")
                let after = try #require(Rel.bytes(target))
                let state = after == before ? "old" : after == big.expected ? "new" : "PARTIAL (\(after.count) bytes)"
                outcomes.append(
                    "round \(round) (+\(delay) µs, \(inPlace ? "--in-place" : "-o")): killed=\(outcome.signalled), \(state)"
                )
                #expect(after == before || after == big.expected, "round \(round): \(state)")
                // SIGKILL cannot clean up: a temporary file may stay (never the target).
                for leftover in big.temporaryFiles(for: targetName) {
                    unlink((big.directory as NSString).appendingPathComponent(leftover))
                }
                // The container was removed before the report was written.
                await RelContainers.expectGone(name)
            }
            FileHandle.standardError.write(Data("SIGKILL during write: \(outcomes.joined(separator: "; "))\n".utf8))
        }
    }

    /// Sorted last by name; a final sweep in case a test above missed one of its containers.
    @Suite("Z: no container left behind")
    struct ZNoLeftovers {
        @Test("No container labelled mdexec=1 made by these tests remains")
        func noneLeft() async throws {
            guard try await EngineGate.ready() else { return }
            let left = await Rel.wait(upTo: 10, every: .milliseconds(500)) {
                ((try? await RelContainers.ours()) ?? []).isEmpty
            }
            let remaining = (try? await RelContainers.ours()) ?? []
            #expect(left, "left behind: \(remaining.map { "\($0.names.first ?? $0.id) (\($0.state ?? "?"))" })")
            for container in remaining {
                try? await RelContainers.client().removeContainer(container.id, force: true, volumes: true)
            }
        }
    }
}
