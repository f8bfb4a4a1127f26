import Foundation
import Synchronization
import Testing

@testable import MDExec

/// The block policy on its own: which blocks run, stop, compare and what the ones that did
/// not run say. The executor is a script (each block's code says how it ends), because what
/// is under test is the sequencer, not an executor; the executors have suites of their own.
@Suite("BlockSequencer: the run policy")
struct BlockSequencerTests {
    /// Runs blocks whose code is `EXIT n`, `EXIT n SAY text`, `TIMEOUT`, or `BREAK` (the
    /// sandbox fails), recording which files it was asked to run.
    final class ScriptedExecutor: CodeExecutor {
        let kind = ExecutorKind.local
        let image: String? = nil
        let configuration = ExecutorConfiguration()
        let files = Mutex<[String: String]>([:])
        let ran = Mutex<[String]>([])

        func start() async throws(ExecutionError) {}
        func writeFile(_ path: String, contents: [UInt8]) async throws(ExecutionError) {
            files.withLock { $0[path] = String(decoding: contents, as: UTF8.self) }
        }
        func deleteFile(_ path: String) async {}
        func restart() async throws(ExecutionError) {}
        func stop() async {}

        func run(
            _ job: ExecutionJob, onOutput: @escaping @Sendable (OutputChannel, [UInt8]) -> Void
        ) async throws(ExecutionError) -> ExecutionOutcome {
            ran.withLock { $0.append(job.file) }
            let words = (files.withLock { $0[job.file] } ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
            switch words.first {
            case "TIMEOUT":
                return ExecutionOutcome(exitCode: 124, timedOut: true)
            case "BREAK":
                onOutput(.stdout, Array("partial\n".utf8))
                throw ExecutionError(.infrastructure, "The container stopped while a block was running.")
            default:
                if let say = words.firstIndex(of: "SAY") {
                    onOutput(.stdout, Array((words[(say + 1)...].joined(separator: " ") + "\n").utf8))
                }
                return ExecutionOutcome(exitCode: Int(words.dropFirst().first ?? "0") ?? 0)
            }
        }
    }

    func run(
        _ markdown: String, keepGoing: Bool = false, compare: Bool = false
    ) async throws -> (BlockSequencer.Outcome, ScriptedExecutor) {
        let document = try MarkdownDocument.parse(Array(markdown.utf8))
        let executor = ScriptedExecutor()
        var options = RunOptions()
        options.keepGoing = keepGoing
        options.compareOutputs = compare
        let sequencer = BlockSequencer(executor: executor, planner: BlockPlanner(), options: options)
        return (await sequencer.run(document.blocks, path: "doc.md"), executor)
    }

    static let threeBlocks = "```sh\nEXIT 0\n```\n\n```sh\nEXIT 3\n```\n\n```sh\nEXIT 0\n```\n"

    @Test("the first failure stops the document: the blocks after it are not-run, saying which block failed")
    func stopsAtFirstFailure() async throws {
        let (outcome, executor) = try await run(Self.threeBlocks)
        let blocks = outcome.result.blocks
        #expect(blocks.map(\.status) == [.passed, .failed, .notRun])
        #expect(blocks.map(\.exitCode) == [0, 3, nil])
        #expect(blocks[2].reason == "block 2 (line 5) failed")
        #expect(blocks[2].filename != nil, "a not-run block still names its file")
        #expect(executor.ran.withLock { $0.count } == 2)
        #expect(outcome.failure == nil && !outcome.cancelled)
    }

    @Test("keep going runs every block whatever fails")
    func keepGoing() async throws {
        let (outcome, executor) = try await run(Self.threeBlocks + "\n```sh\nTIMEOUT\n```\n", keepGoing: true)
        #expect(outcome.result.blocks.map(\.status) == [.passed, .failed, .passed, .timedOut])
        #expect(outcome.result.blocks[3].reason == "timed out after 60 s")
        #expect(executor.ran.withLock { $0.count } == 4)
    }

    @Test("a timed-out block stops the document too")
    func timeoutStops() async throws {
        let (outcome, _) = try await run("```sh\nTIMEOUT\n```\n\n```sh\nEXIT 0\n```\n")
        #expect(outcome.result.blocks.map(\.status) == [.timedOut, .notRun])
    }

    @Test("compare: a difference fails the block with 'output differs' and does not stop the document")
    func compare() async throws {
        let markdown = """
            ```sh
            EXIT 0 SAY same
            ```

            ```output
            same
            ```

            ```sh
            EXIT 0 SAY new
            ```

            ```output
            old
            ```

            ```sh
            EXIT 0 SAY unrecorded
            ```

            """
        let (outcome, _) = try await run(markdown, compare: true)
        let blocks = outcome.result.blocks
        #expect(blocks.map(\.status) == [.passed, .failed, .passed])
        #expect(blocks.map(\.matched) == [true, false, nil])
        #expect(blocks[1].reason == "output differs")
        #expect(blocks[1].exitCode == 0)
    }

    @Test("without compare, recorded outputs are kept as expected outputs but nothing is matched")
    func noCompare() async throws {
        let (outcome, _) = try await run("```sh\nEXIT 0 SAY new\n```\n\n```output\nold\n```\n")
        #expect(outcome.result.blocks[0].status == .passed)
        #expect(outcome.result.blocks[0].matched == nil)
        #expect(outcome.result.blocks[0].expectedOutput == "old\n")
    }

    @Test("skip, an unknown language and exit=N: skipped with reasons, and an expected exit passes")
    func planned() async throws {
        let markdown =
            "```sh skip\nEXIT 1\n```\n\n```text\nplain\n```\n\n```sh exit=4\nEXIT 4\n```\n\n```sh exit=4\nEXIT 0\n```\n"
        let (outcome, _) = try await run(markdown)
        let blocks = outcome.result.blocks
        #expect(blocks.map(\.status) == [.skipped, .skipped, .passed, .failed])
        #expect(blocks[0].reason == "marked skip")
        #expect(blocks[1].reason?.isEmpty == false)
        #expect(blocks[3].reason == "exit code 0, expected 4")
    }

    @Test("a sandbox failure ends the run: the block keeps its partial output, the rest are not-run")
    func sandboxFailure() async throws {
        let (outcome, executor) = try await run(
            "```sh\nEXIT 0\n```\n\n```sh\nBREAK\n```\n\n```sh\nEXIT 0\n```\n", keepGoing: true)
        let blocks = outcome.result.blocks
        #expect(blocks.map(\.status) == [.passed, .failed, .notRun])
        #expect(blocks[1].output == "partial\n" && blocks[1].exitCode == nil)
        #expect(blocks[1].reason == "The container stopped while a block was running.")
        #expect(blocks[2].reason == "the executor failed: The container stopped while a block was running.")
        #expect(outcome.failure?.endsRun == true)
        #expect(executor.ran.withLock { $0.count } == 2, "keep going does not outlive the sandbox")
    }

    @Test("a block whose file leaves the workspace fails with the ancestor's message; the run goes on with keep going")
    func refused() async throws {
        let (outcome, _) = try await run(
            "```sh\n# filename: ../x.sh\nEXIT 0\n```\n\n```sh\nEXIT 0\n```\n", keepGoing: true)
        let blocks = outcome.result.blocks
        #expect(blocks.map(\.status) == [.failed, .passed])
        #expect(blocks[0].exitCode == 1 && blocks[0].output == WorkspacePath.outsideMessage)
    }

    @Test("an executor that never started: every block not-run, naming the failure; cancelled when interrupted")
    func unstarted() async throws {
        let document = try MarkdownDocument.parse(Array(Self.threeBlocks.utf8))
        let error = ExecutionError(.infrastructure, "Cannot reach the engine.")
        let outcome = BlockSequencer.unstarted(
            document.blocks, path: "doc.md", executor: .docker, image: "img", error: error)
        #expect(outcome.result.blocks.map(\.status) == [.notRun, .notRun, .notRun])
        #expect(
            outcome.result.blocks.allSatisfy { $0.reason == "the executor did not start: Cannot reach the engine." })
        #expect(outcome.result.executor == .docker && outcome.result.image == "img")
        #expect(outcome.failure?.message == "Cannot reach the engine.")

        let interrupted = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return BlockSequencer.unstarted(
                document.blocks, path: "doc.md", executor: .docker, image: nil, error: error)
        }.value
        #expect(interrupted.cancelled && interrupted.failure == nil)
        #expect(
            interrupted.result.blocks.allSatisfy { $0.status == .cancelled && $0.reason == "the run was interrupted" })
    }
}
