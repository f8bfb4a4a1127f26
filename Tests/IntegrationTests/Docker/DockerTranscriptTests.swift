import EngineTestSupport
import Foundation
import Testing

extension DockerTests {
    /// Console and pycon transcripts in the container (the scenarios of `TranscriptScenarios`).
    @Suite("transcripts")
    struct Transcripts {
        let scenarios = TranscriptScenarios { subcommand, arguments in
            let run = try DockerCLI.run([subcommand, "--image", EngineGate.image] + arguments)
            return CLI.Result(
                status: run.status, stdout: run.stdout, stderr: run.stderr, stdoutBytes: Array(run.stdout.utf8))
        }

        @Test("run rewrites only the outputs that differ; prompts and commands byte for byte; state shared")
        func rewrite() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.runRewritesOnlyWhatDiffers()
            try await Leftovers.expectNone()
        }

        @Test("check prints a diff per differing prompt, naming its line; a fixed transcript passes")
        func check() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.checkShowsDiffs()
        }

        @Test("a wrong exit fails the block, a timeout ends the transcript, fresh runs each prompt alone")
        func exitsTimeoutsFresh() async throws {
            guard try await EngineGate.ready() else { return }
            try scenarios.wrongExitTimeoutAndFresh()
            try await Leftovers.expectNone()
        }
    }
}

extension DockerTests.Transcripts {
    @Test("samples/tutorial.md and samples/transcripts.md pass mdexec check as written")
    func samplesCheck() async throws {
        guard try await EngineGate.ready() else { return }
        for sample in ["tutorial.md", "transcripts.md"] {
            let scratch = try Scratch()
            let work = try scratch.directory("work")
            let run = try DockerCLI.run([
                "check", "--image", EngineGate.image, "--work-dir", work, Samples.path(sample),
            ])
            #expect(run.status == 0, "\(sample): \(run.stderr)")
            #expect(run.stderr.contains("compared"), "\(run.stderr)")
            #expect(!run.stderr.contains("differ"), "\(run.stderr)")
        }
        try await Leftovers.expectNone()
    }
}
