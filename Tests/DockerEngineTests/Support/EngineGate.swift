import DockerEngine
import Foundation
import Testing

/// Decides whether tests against the real engine run. The engine is asked once (`/_ping`).
/// When it does not answer: under CI (`CI=true`) the test fails with an Issue saying so;
/// elsewhere it is skipped with a loud message on standard error.
enum EngineGate {
    private static let probe = Task<String?, Never> {
        do {
            let client = EngineClient(host: try DockerHost.fromEnvironment(), requestTimeout: .seconds(3))
            try await client.ping()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A client for the real engine, or the test is failed (CI) / skipped (elsewhere).
    static func client(sourceLocation: SourceLocation = #_sourceLocation) async throws -> EngineClient {
        if let problem = await probe.value {
            let message = "The engine is unreachable, so this engine test cannot run: \(problem)"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                throw EngineUnavailable(description: message)
            }
            FileHandle.standardError.write(Data("\n*** SKIPPED (no engine): \(message)\n".utf8))
            try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
        return EngineClient(host: try DockerHost.fromEnvironment(), requestTimeout: .seconds(30))
    }

    /// Thrown after the Issue under CI, so the test stops there.
    struct EngineUnavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// The local test image.
    static let image = ProcessInfo.processInfo.environment["MDEXEC_TEST_IMAGE"] ?? "mdexec-test:bookworm"
    /// Labels on every container the tests make, so leftovers can be found.
    static let labels = ["mdexec": "1", "mdexec.test": "engine"]
}
