/// Runs the blocks of one document in order on an executor, with the ancestor's policy:
/// the first failure stops the document (unless `keepGoing`), later blocks are `not-run`.
public struct BlockSequencer: Sendable {
    public let executor: any CodeExecutor
    public let planner: BlockPlanner
    public let options: RunOptions

    public init(executor: any CodeExecutor, planner: BlockPlanner, options: RunOptions) {
        self.executor = executor
        self.planner = planner
        self.options = options
    }

    /// The outcome of a run: every block's result, and the infrastructure failure that
    /// ended it early, if one did.
    public struct Outcome: Sendable {
        public var result: DocumentResult
        public var failure: ExecutionError?
        /// Whether the run was cancelled (SIGINT/SIGTERM, or the task was cancelled).
        public var cancelled: Bool

        public init(result: DocumentResult, failure: ExecutionError?, cancelled: Bool) {
            self.result = result
            self.failure = failure
            self.cancelled = cancelled
        }
    }

    /// Runs `blocks` (of the document at `path`) on the started executor.
    public func run(
        _ blocks: [CodeBlock], path: String, progress: @Sendable (RunEvent) -> Void = { _ in }
    ) async -> Outcome {
        var results: [BlockResult] = []
        var stopReason: String?
        var failure: ExecutionError?
        var cancelled = false
        for block in blocks {
            var result = Self.unrun(block, status: .skipped, reason: nil)
            let action = planner.action(for: block)
            if case .run(let file, _, _, _) = action { result.filename = file }
            if case .write(let file, _) = action { result.filename = file }
            if cancelled || Task.isCancelled {
                cancelled = true
                result.status = .cancelled
                result.reason = Self.interrupted
            } else if let failure {
                result.status = .notRun
                result.reason = "the executor failed: \(failure.message)"
            } else if case .skip(let reason) = action {
                result.reason = reason
            } else if let stopReason {
                result.status = .notRun
                result.reason = stopReason
            } else {
                progress(.started(index: block.index, line: block.line, language: block.info.language))
                let capture = OutputCapture(limit: options.maxOutputBytes)
                do {
                    result = try await execute(block, action: action, into: result, capture: capture)
                } catch {
                    if error.endsRun {
                        failure = error
                        result.status = .failed
                        result.reason = error.message
                        // Keep what the block printed before the sandbox failed.
                        let text = capture.text()
                        (result.stdout, result.stderr, result.output) = (text.stdout, text.stderr, text.output)
                    } else {
                        result = refused(result, reason: error.message)
                    }
                }
                if result.status == .cancelled { cancelled = true }
                if options.compareOutputs { result = compared(result) }
                if (result.status == .failed || result.status == .timedOut) && result.matched != false
                    && !options.keepGoing
                {
                    stopReason = "block \(block.index + 1) (line \(block.line)) failed"
                }
            }
            progress(.finished(result))
            results.append(result)
        }
        let document = DocumentResult(
            document: path, executor: executor.kind, image: executor.image, blocks: results)
        return Outcome(result: document, failure: failure, cancelled: cancelled)
    }

    private func execute(
        _ block: CodeBlock, action: BlockPlanner.Action, into base: BlockResult, capture: OutputCapture
    ) async throws(ExecutionError) -> BlockResult {
        var result = base
        let started = ContinuousClock.now
        switch action {
        case .skip:
            return result
        case .refuse(let reason):
            return refused(result, reason: reason)
        case .transcript(let transcript, let interpreter, let session):
            return try await runTranscript(
                transcript, interpreter: interpreter, session: session, block: block, into: result)
        case .write(let file, let code):
            try await executor.writeFile(file, contents: Array(code.utf8))
            result.status = .passed
            result.reason = "written to \(file)"
            return result
        case .run(let file, let code, let interpreter, let session):
            try await executor.writeFile(file, contents: Array(code.utf8))
            let collector = options.imageDestination.flatMap { destination in
                executor.workspaceFiles.map { ImageCollector(files: $0, destination: destination) }
            }
            let before = await collector?.snapshot()
            let outcome = try await runFile(
                file, interpreter: interpreter, session: session, block: block, capture: capture)
            let text = capture.text(timedOut: outcome.timedOut)
            result.stdout = text.stdout
            result.stderr = text.stderr
            result.output = text.output
            if let collector, let before, !outcome.cancelled {
                let (images, notes) = await collector.collect(blockIndex: block.index, before: before)
                result.images = images
                for note in notes {
                    if !result.output.isEmpty && !result.output.hasSuffix("\n") { result.output += "\n" }
                    result.output += note + "\n"
                }
            }
            result.exitCode = outcome.exitCode
            result.outOfMemory = outcome.outOfMemory
            result.session = outcome.session?.label
            result.sessionRestarted = outcome.sessionRestarted
            result.durationMs = Self.milliseconds(ContinuousClock.now - started)
            let expected = block.info.expectedExit ?? 0
            if outcome.cancelled {
                result.status = .cancelled
                result.reason = Self.interrupted
            } else if outcome.timedOut {
                result.status = .timedOut
                result.reason = timedOutReason(block)
            } else if outcome.exitCode == expected {
                result.status = .passed
            } else {
                result.status = .failed
                if outcome.outOfMemory {
                    result.reason = "killed: out of memory"
                } else if block.info.expectedExit != nil {
                    result.reason = "exit code \(outcome.exitCode), expected \(expected)"
                }
            }
            return result
        }
    }

    /// The outcome when the executor never started (`error`), or the run was cancelled
    /// before it did: no block ran.
    public static func unstarted(
        _ blocks: [CodeBlock], path: String, executor: ExecutorKind, image: String?, error: ExecutionError
    ) -> Outcome {
        let cancelled = Task.isCancelled
        let results = blocks.map { block in
            cancelled
                ? unrun(block, status: .cancelled, reason: interrupted)
                : unrun(block, status: .notRun, reason: "the executor did not start: \(error.message)")
        }
        let document = DocumentResult(document: path, executor: executor, image: image, blocks: results)
        return Outcome(result: document, failure: cancelled ? nil : error, cancelled: cancelled)
    }

    /// The result of a block before (or instead of) running.
    private static func unrun(_ block: CodeBlock, status: BlockStatus, reason: String?) -> BlockResult {
        BlockResult(
            index: block.index, line: block.line, language: block.info.language, filename: nil, status: status,
            expectedOutput: block.recorded?.output, reason: reason)
    }

    static let interrupted = "the run was interrupted"

    private func refused(_ base: BlockResult, reason: String) -> BlockResult {
        var result = base
        result.status = .failed
        result.exitCode = 1
        result.output = reason
        result.reason = reason
        result.durationMs = 0
        return result
    }

    /// A block that ran, compared with its recorded output. A timed-out block is not
    /// compared: it stays `timed-out` (its `Timeout` is not an output that differs).
    /// The block's timeout, as `ExecutionJob` applies it.
    func timeoutSeconds(_ block: CodeBlock) -> Int { max(1, block.info.timeout ?? executor.configuration.timeout) }

    /// Why a block that ran out of time ended.
    func timedOutReason(_ block: CodeBlock) -> String { "timed out after \(timeoutSeconds(block)) s" }

    /// Runs a written file with the block's timeout into `capture`; `delete_tmp_files`
    /// deletes it after.
    func runFile(
        _ file: String, interpreter: LanguageTable.Interpreter, session: SessionKey?, block: CodeBlock,
        capture: OutputCapture
    ) async throws(ExecutionError) -> ExecutionOutcome {
        let job = ExecutionJob(
            file: file, command: interpreter.command, timeoutSeconds: timeoutSeconds(block), session: session)
        let outcome = try await executor.run(job) { channel, bytes in capture.append(channel, bytes) }
        if executor.configuration.deleteTmpFiles { await executor.deleteFile(file) }
        return outcome
    }

    private func compared(_ base: BlockResult) -> BlockResult {
        guard base.status == .passed || base.status == .failed, base.exitCode != nil,
            let expected = base.expectedOutput
        else { return base }
        var result = base
        result.matched = OutputComparison(actual: base.output, recorded: expected).matches
        if result.matched == false {
            result.status = .failed
            result.reason = "output differs"
        }
        return result
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
