import Foundation

extension BlockSequencer {
    /// Runs a transcript's prompts in order, each as a job of its own in the block's session
    /// (or fresh), and compares each output and exit code with the recorded ones. A timeout
    /// or cancellation ends the transcript there; the later prompts keep their recorded
    /// output. The block fails when a console command's exit code is not its `[N]` (0 when
    /// none), and, with `check`, when an output differs.
    func runTranscript(
        _ transcript: Transcript, interpreter: LanguageTable.Interpreter, session: SessionKey?, block: CodeBlock,
        into base: BlockResult
    ) async throws(ExecutionError) -> BlockResult {
        var result = base
        result.expectedOutput = nil
        let started = ContinuousClock.now
        var steps: [TranscriptStep] = []
        var ended: ExecutionOutcome?
        var wrongExit: (index: Int, code: Int, expected: Int)?
        for (position, step) in transcript.steps.enumerated() {
            var entry = TranscriptStep(line: block.line + 1 + step.line, input: step.input, expected: step.expected)
            guard ended == nil else {
                steps.append(entry)
                continue
            }
            let code: String
            if transcript.kind == .pycon {
                // The interactive interpreter's way: one statement, an expression's value shown.
                let encoded = Data((step.input + "\n").utf8).base64EncodedString()
                code =
                    "exec(compile(__import__(\"base64\").b64decode(\"\(encoded)\").decode(), \"<stdin>\", \"single\"))\n"
            } else {
                code = step.input + "\n"
            }
            let file = BlockPlanner.unnamedFile(code: code, extension: interpreter.fileExtension)
            try await executor.writeFile(file, contents: Array(code.utf8))
            let capture = OutputCapture(limit: options.maxOutputBytes)
            let outcome = try await runFile(
                file, interpreter: interpreter, session: session, block: block, capture: capture)
            let text = capture.text(timedOut: outcome.timedOut)
            result.stdout += text.stdout
            result.stderr += text.stderr
            if transcript.kind == .pycon {
                entry.output = Transcript.doctestForm(text.output)
            } else {
                entry.output = text.output
                if outcome.exitCode != 0 {
                    let separator = entry.output.isEmpty || entry.output.hasSuffix("\n") ? "" : "\n"
                    entry.output += separator + "[\(outcome.exitCode)]\n"
                }
            }
            entry.exitCode = outcome.exitCode
            let exitMatches = transcript.kind == .pycon || outcome.exitCode == step.expectedExit
            entry.matched = exitMatches && Transcript.matches(expected: step.expected, actual: entry.output)
            if !exitMatches, wrongExit == nil { wrongExit = (position, outcome.exitCode, step.expectedExit) }
            result.exitCode = outcome.exitCode
            result.session = outcome.session?.label
            result.sessionRestarted = result.sessionRestarted || outcome.sessionRestarted
            result.outOfMemory = result.outOfMemory || outcome.outOfMemory
            if outcome.timedOut || outcome.cancelled { ended = outcome }
            steps.append(entry)
        }
        result.steps = steps
        result.output = steps.filter { $0.exitCode != nil }.map(\.output).joined()
        result.durationMs = Self.milliseconds(ContinuousClock.now - started)
        if result.exitCode == nil { result.exitCode = 0 }
        if ended?.cancelled == true {
            result.status = .cancelled
            result.reason = Self.interrupted
        } else if ended?.timedOut == true {
            result.status = .timedOut
            result.reason = timedOutReason(block)
        } else if let wrongExit {
            result.status = .failed
            result.reason = "command \(wrongExit.index + 1) exited \(wrongExit.code), expected \(wrongExit.expected)"
        } else {
            result.status = .passed
        }
        if options.compareOutputs, ended == nil {
            result.matched = steps.allSatisfy { $0.matched != false }
            if result.matched == false {
                result.status = .failed
                result.reason = "output differs"
            }
        }
        return result
    }
}
