import Foundation
import Testing

/// Console and pycon transcripts with the local executor (the scenarios of `TranscriptScenarios`).
@Suite("transcripts (local executor)", .serialized)
struct LocalTranscriptTests {
    let scenarios = TranscriptScenarios { subcommand, arguments in
        try CLI.run([subcommand, "--executor", "local"] + arguments)
    }

    @Test("run rewrites only the outputs that differ; prompts and commands byte for byte; state shared")
    func rewrite() throws { try scenarios.runRewritesOnlyWhatDiffers() }

    @Test("check prints a diff per differing prompt, naming its line; a fixed transcript passes")
    func check() throws { try scenarios.checkShowsDiffs() }

    @Test("a wrong exit fails the block, a timeout ends the transcript, fresh runs each prompt alone")
    func exitsTimeoutsFresh() throws { try scenarios.wrongExitTimeoutAndFresh() }
}
