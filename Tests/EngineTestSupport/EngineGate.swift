import DockerEngine
import Foundation
import Testing

/// Decides whether a test against the real engine (Docker, or Podman through `DOCKER_HOST`)
/// runs: the engine must answer `/_ping` and hold the test image. Asked once per test process.
///
/// When either is missing: with `CI=true` the test fails (an Issue says what is missing and
/// how to fix it); elsewhere it is skipped after a loud `SKIPPED` line on standard error.
/// Use it first thing in every engine test:
///
///     guard try await EngineGate.ready() else { return }
///     let client = try await EngineGate.client()   // or this, which stops the test itself
public enum EngineGate {
    /// The local test image (sh, coreutils, python3 as `python`, pip, procps).
    public static let image = ProcessInfo.processInfo.environment["MDEXEC_TEST_IMAGE"] ?? "mdexec-test:bookworm"

    /// The image with Debian's `python3-matplotlib`, for the figure tests only
    /// (`scripts/build-test-image.sh --figures` builds it).
    public static let figureImage =
        ProcessInfo.processInfo.environment["MDEXEC_FIGURE_IMAGE"] ?? "mdexec-figures:bookworm"

    /// Labels on every container the engine tests make, so leftovers can be found.
    public static let labels = ["mdexec": "1", "mdexec.test": "engine"]

    /// The Unix socket of the engine under test, for the tests' forwarders and proxies:
    /// `DOCKER_HOST`'s, else the local one.
    public static var socketPath: String {
        let host = ProcessInfo.processInfo.environment["DOCKER_HOST"] ?? ""
        return host.hasPrefix("unix://") ? String(host.dropFirst("unix://".count)) : DockerHost.defaultSocketPath
    }

    /// The engine tests talk to: `DOCKER_HOST`, or the local socket.
    public static var host: DockerHost {
        get throws { try DockerHost.fromEnvironment() }
    }

    /// Why engine tests cannot run, or nil when they can.
    private static let probe = Task<String?, Never> { await problem(image: image) }

    /// Why the figure tests cannot run, or nil when they can.
    private static let figureProbe = Task<String?, Never> {
        if let problem = await probe.value { return problem }
        return await problem(image: figureImage)
    }

    /// What keeps a test from running against the engine with `image`, or nil.
    private static func problem(image: String) async -> String? {
        let address: String
        let client: EngineClient
        do {
            let host = try DockerHost.fromEnvironment()
            address = host.description
            client = EngineClient(host: host, requestTimeout: .seconds(3), connectTimeout: .seconds(2))
        } catch {
            return "DOCKER_HOST is not usable: \(error)"
        }
        do {
            try await client.ping()
        } catch {
            return "the engine at \(address) does not answer /_ping: \(error)"
        }
        do {
            guard try await client.imageExists(image) else {
                return "the test image \(image) is missing from the engine at \(address)"
            }
        } catch {
            return "cannot inspect the test image \(image) at \(address): \(error)"
        }
        return nil
    }

    /// True when the engine answers and the test image exists. Otherwise records an Issue
    /// (under `CI=true`) or prints a SKIPPED line, and returns false.
    public static func ready(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Bool {
        gate(
            problem: await probe.value,
            fix: "Run scripts/test.sh (as root it installs docker.io and podman, starts the engines and builds the "
                + "test image \(image) with scripts/build-test-image.sh), or point DOCKER_HOST / MDEXEC_TEST_IMAGE at an "
                + "engine and image that exist.",
            sourceLocation: sourceLocation)
    }

    /// True when the engine answers and the figure image (matplotlib) exists; otherwise as `ready()`.
    public static func figuresReady(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Bool {
        gate(
            problem: await figureProbe.value,
            fix: "Run scripts/test.sh (it builds \(figureImage) with scripts/build-test-image.sh --figures), "
                + "or point MDEXEC_FIGURE_IMAGE at an image with python3-matplotlib.",
            sourceLocation: sourceLocation)
    }

    /// Records an Issue (under `CI=true`) or prints a SKIPPED line when there is a problem.
    private static func gate(problem: String?, fix: String, sourceLocation: SourceLocation) -> Bool {
        guard let problem else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(
                Comment(rawValue: "Engine test cannot run under CI=true: \(problem). \(fix)"),
                sourceLocation: sourceLocation)
            return false
        }
        FileHandle.standardError.write(
            Data(
                "\n*** SKIPPED: engine test (\(problem)). \(fix) [\(sourceLocation.fileID):\(sourceLocation.line)]\n"
                    .utf8
            ))
        return false
    }

    /// A client for the engine under test once it is ready; otherwise the test stops here
    /// (failed under `CI=true`, skipped elsewhere).
    public static func client(sourceLocation: SourceLocation = #_sourceLocation) async throws -> EngineClient {
        guard try await ready(sourceLocation: sourceLocation) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw EngineUnavailable() }
            try Test.cancel("no engine", sourceLocation: sourceLocation)
        }
        return EngineClient(host: try host, requestTimeout: .seconds(30))
    }

    /// Thrown after the Issue under CI, so the test stops there.
    public struct EngineUnavailable: Error, CustomStringConvertible {
        public var description: String { "no engine (see the recorded issue)" }
    }
}
