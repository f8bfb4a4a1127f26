import EngineTestSupport
import Foundation
import MDExec
import MDExecTestSupport
import Testing

extension ReliabilityTests {
    /// SIGINT and SIGTERM at several phases: while the container is created and started,
    /// mid-block, and while a large report is written. Exit 130/143, the partial report and
    /// JSON written, the container gone.
    @Suite("Interrupts", .timeLimit(.minutes(3)))
    struct Interrupts {
        static func expectedStatus(_ signal: Int32) -> Int32 { signal == SIGINT ? 130 : 143 }

        @Test("A signal while the container is being created or started", arguments: [SIGINT, SIGTERM])
        func whileStarting(signal: Int32) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", FailingEngine.sleeper)
            let report = Rel.path("report.md", in: scratch)
            let json = Rel.path("r.json", in: scratch)
            let name = RelContainers.name("sig-start")
            let run = try Rel.start(
                Rel.dockerRun(name, ["-o", report, "--json", json, doc]), in: scratch.path, inputs: [doc], limit: 60)
            // As soon as the engine knows the container (created, not yet started or running
            // the first block), interrupt.
            let seen = await Rel.wait(upTo: 30, every: .milliseconds(2)) {
                ((try? await RelContainers.named(name)) ?? nil) != nil
            }
            run.send(signal)
            let outcome = await run.finish()
            #expect(seen, "the container appeared")
            #expect(
                outcome.status == Self.expectedStatus(signal) && !outcome.signalled,
                "\(outcome.status): \(outcome.stderr)")
            #expect(outcome.seconds < 20)
            let results = try Rel.results(json)
            #expect(results.blocks.allSatisfy { $0.status == .cancelled }, "\(results.blocks.map(\.status))")
            #expect(Rel.bytes(report) == Rel.bytes(doc), "the partial report")
            // Cleanup after a cancelled start runs outside the cancelled task, and a create
            // aborted in flight is found again by its run label (`mdexec.run`).
            await RelContainers.expectGone(name, grace: 4)
            await RelContainers.remove(name)
        }

        /// Right after launch: a signal before mdexec has installed its handlers ends it the
        /// default way (killed by the signal, nothing made yet); after that, exit 130/143.
        /// Seeded delays of 0 to 400 ms cover argument parsing, the engine ping, the image
        /// inspection and the container's creation. (A create cancelled in flight used to
        /// leave the container the engine went on to make: about 1 run in 30.)
        @Test("A signal right after launch", arguments: [SIGINT, SIGTERM])
        func rightAfterLaunch(signal: Int32) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", FailingEngine.sleeper)
            var generator = SeededGenerator(seed: 0x51_6000 + UInt64(signal))
            for round in 0..<8 {
                let delay = round == 0 ? 0 : UInt32.random(in: 1_000...400_000, using: &generator)
                let name = RelContainers.name("sig-launch")
                let json = Rel.path("r\(round).json", in: scratch)
                let run = try Rel.start(
                    Rel.dockerRun(name, ["-o", Rel.path("report\(round).md", in: scratch), "--json", json, doc]),
                    in: scratch.path, inputs: [doc], limit: 60)
                usleep(delay)
                run.send(signal)
                let outcome = await run.finish()
                let orderly = outcome.status == Self.expectedStatus(signal) && !outcome.signalled
                let byDefault = outcome.signalled && outcome.status == signal
                #expect(
                    orderly || byDefault,
                    "round \(round) (+\(delay) µs): status \(outcome.status), signalled \(outcome.signalled): \(outcome.stderr)"
                )
                #expect(outcome.seconds < 20)
                if orderly {
                    let results = try Rel.results(json)
                    #expect(results.blocks.allSatisfy { $0.status == .cancelled }, "\(results.blocks.map(\.status))")
                }
                await RelContainers.expectGone(name, grace: 3)
                await RelContainers.remove(name)
            }
        }

        @Test("A signal mid-block", arguments: [SIGINT, SIGTERM])
        func midBlock(signal: Int32) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let doc = try scratch.write("doc.md", FailingEngine.sleeper)
            let workDir = try Rel.directory("work", in: scratch)
            let flag = (workDir as NSString).appendingPathComponent("started.flag")
            let report = Rel.path("report.md", in: scratch)
            let json = Rel.path("r.json", in: scratch)
            let name = RelContainers.name("sig-block")
            let run = try Rel.start(
                Rel.dockerRun(name, ["-o", report, "--json", json, "--work-dir", workDir, doc]), in: scratch.path,
                inputs: [doc], limit: 60)
            let started = await Rel.wait(upTo: 45) { FileManager.default.fileExists(atPath: flag) }
            #expect(started)
            run.send(signal)
            let signalledAt = Date()
            let outcome = await run.finish()
            let delay = Date().timeIntervalSince(signalledAt)
            #expect(
                outcome.status == Self.expectedStatus(signal) && !outcome.signalled,
                "\(outcome.status): \(outcome.stderr)")
            // Docker and Podman alike: the block is killed in the container at once.
            #expect(delay < 2, "ended \(delay) s after the signal")
            #expect(outcome.stderr.contains("interrupted"))
            let results = try Rel.results(json)
            #expect(results.blocks.map(\.status) == [.cancelled, .cancelled])
            #expect(
                Rel.bytes(report) == Rel.bytes(doc), "the partial report: cancelled blocks keep the document as it was")
            await RelContainers.expectGone(name, grace: 12)
        }

        @Test("A signal while a large report is being written: the report is complete", arguments: [SIGINT, SIGTERM])
        func whileWriting(signal: Int32) async throws {
            guard try await EngineGate.ready() else { return }
            let scratch = try Scratch()
            let big = try BigReport(scratch)
            let name = RelContainers.name("sig-write")
            let run = try Rel.start(
                Rel.dockerRun(name, ["--max-output", "100m", "-o", big.report, big.doc]), in: scratch.path,
                inputs: [big.doc], limit: 150)
            let trigger = big.onTemporaryFile(delayMicroseconds: 0) { run.send(signal) }
            let outcome = await run.finish()
            trigger.stop()
            #expect(trigger.fired, "the report's temporary file was seen")
            #expect(
                outcome.status == Self.expectedStatus(signal) && !outcome.signalled,
                "\(outcome.status): \(outcome.stderr)")
            let written = Rel.bytes(big.report)
            #expect(
                written == big.expected,
                "the whole report was written (\(written?.count ?? -1) of \(big.expected.count) bytes)")
            #expect(big.temporaryFiles().isEmpty, "no temporary file left: \(big.temporaryFiles())")
            await RelContainers.expectGone(name)
        }
    }
}

/// A document whose report is large (20 MB of output with --max-output 100m), the report it
/// must produce, and a watcher for the moment mdexec writes it.
struct BigReport {
    static let lines = 20_000
    static let line = String(repeating: "a", count: 999) + "\n"
    static let text = """
        # Big

        ```sh
        python -c "import sys; sys.stdout.write(('a' * 999 + '\\n') * \(lines))"
        ```

        """

    let directory: String
    let doc: String
    let report: String
    let expected: [UInt8]

    init(_ scratch: Scratch, reportName: String = "report.md") throws {
        directory = try Rel.directory("out", in: scratch)
        doc = try scratch.write("big.md", Self.text)
        report = (directory as NSString).appendingPathComponent(reportName)
        let document = try MarkdownDocument.parse(Array(Self.text.utf8))
        let block = try #require(document.blocks.first)
        let output = String(repeating: Self.line, count: Self.lines)
        let result = BlockResult(
            index: 0, line: block.line, language: "sh", filename: nil, status: .passed, exitCode: 0, stdout: output,
            output: output)
        expected = MarkdownReport.render(document: document, results: [result])
    }

    /// mdexec's temporary files for the report (`.NAME.mdexec-XXXXXX`) in `directory`.
    func temporaryFiles(in directory: String? = nil, for name: String? = nil) -> [String] {
        let base = name ?? (report as NSString).lastPathComponent
        return Rel.files(in: directory ?? self.directory).filter { $0.hasPrefix("." + base + ".mdexec-") }
    }

    final class Trigger: @unchecked Sendable {
        // @unchecked: `fired` is written by the watching thread before the run ends and read after.
        private let lock = NSLock()
        private var _fired = false
        private var _stopped = false
        /// The temporary file was seen (the action follows after the delay, unless stopped).
        var fired: Bool { lock.withLock { _fired } }
        var stopped: Bool { lock.withLock { _stopped } }
        func fire() { lock.withLock { _fired = true } }
        /// Stops watching (call once the run has ended).
        func stop() { lock.withLock { _stopped = true } }
    }

    /// Watches (on a thread of its own, every millisecond) for the report's temporary file, then
    /// waits `delayMicroseconds` and calls `action` once. Gives up after 150 s.
    func onTemporaryFile(
        in directory: String? = nil, for name: String? = nil, delayMicroseconds: UInt32,
        _ action: @escaping @Sendable () -> Void
    ) -> Trigger {
        let trigger = Trigger()
        let watched = directory ?? self.directory
        let base = name ?? (report as NSString).lastPathComponent
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(150)
            while Date() < deadline && !trigger.stopped {
                let found =
                    (try? FileManager.default.contentsOfDirectory(atPath: watched))?
                    .contains { $0.hasPrefix("." + base + ".mdexec-") } ?? false
                if found {
                    trigger.fire()
                    if delayMicroseconds > 0 { usleep(delayMicroseconds) }
                    action()
                    return
                }
                usleep(1_000)
            }
        }
        return trigger
    }
}
