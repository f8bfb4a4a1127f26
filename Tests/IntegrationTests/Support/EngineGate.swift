import DockerEngine
import Foundation
import Testing

/// Decides whether a test against the real Docker engine runs: the engine must answer
/// `/_ping` and hold the test image. Asked once per test process.
///
/// When either is missing: with `CI=true` the test fails (an Issue says what is missing and
/// how to fix it); elsewhere the test returns early after a loud `SKIPPED` line on standard
/// error. Use it first thing in every Docker test:
///
///     guard try await EngineGate.ready() else { return }
enum EngineGate {
    /// The local test image (sh, coreutils, python3 as `python`, pip, procps).
    static let image = ProcessInfo.processInfo.environment["MDEXEC_TEST_IMAGE"] ?? "mdexec-test:bookworm"

    /// The Unix socket of the engine under test (Docker's or Podman's), for the tests'
    /// forwarders and proxies: `DOCKER_HOST`'s, else the local one.
    static var socketPath: String {
        let host = ProcessInfo.processInfo.environment["DOCKER_HOST"] ?? ""
        return host.hasPrefix("unix://") ? String(host.dropFirst("unix://".count)) : "/var/run/docker.sock"
    }

    /// The engine tests talk to: `DOCKER_HOST`, or the local socket.
    static var host: DockerHost {
        get throws { try DockerHost.fromEnvironment() }
    }

    /// Why Docker tests cannot run, or nil when they can.
    private static let probe = Task<String?, Never> {
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
            return "the Docker engine at \(address) does not answer /_ping: \(error)"
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
    static func ready(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Bool {
        guard let problem = await probe.value else { return true }
        let fix = "Run scripts/test.sh (as root it installs docker.io, starts an engine and builds the test "
            + "image \(image) with scripts/build-test-image.sh), or point DOCKER_HOST / MDEXEC_TEST_IMAGE at an engine and image that exist."
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(
                Comment(rawValue: "Docker test cannot run under CI=true: \(problem). \(fix)"),
                sourceLocation: sourceLocation)
            return false
        }
        FileHandle.standardError.write(Data(
            "\n*** SKIPPED: no Docker engine (\(problem)). \(fix) [\(sourceLocation.fileID):\(sourceLocation.line)]\n".utf8))
        return false
    }

    /// A client for the engine the tests use.
    static func client() throws -> EngineClient {
        EngineClient(host: try host, requestTimeout: .seconds(30))
    }
}
