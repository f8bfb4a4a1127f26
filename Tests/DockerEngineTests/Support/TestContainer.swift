import DockerEngine
import EngineTestSupport

/// A running `sleep infinity` container from the test image, removed after `body` whatever happens.
func withTestContainer<T>(
    _ client: EngineClient, spec: ContainerSpec? = nil,
    _ body: (String) async throws -> T
) async throws -> T {
    let spec =
        spec
        ?? ContainerSpec(
            image: EngineGate.image, cmd: ["sleep", "infinity"],
            labels: EngineGate.labels,
            hostConfig: HostConfig(networkMode: "none", initProcess: true))
    let id = try await client.createContainer(spec: spec)
    do {
        try await client.startContainer(id)
        let result = try await body(id)
        try await client.removeContainer(id, force: true, volumes: true)
        return result
    } catch {
        try? await client.removeContainer(id, force: true, volumes: true)
        throw error
    }
}

/// Output collected from callbacks, in arrival order.
final class OutputLog: Sendable {
    private let frames = Mutexed<[OutputFrame]>([])

    func append(_ stream: StreamKind, _ bytes: [UInt8]) {
        frames.withLock { $0.append(OutputFrame(stream, bytes)) }
    }

    var all: [OutputFrame] { frames.current }

    func text(_ stream: StreamKind) -> String {
        String(decoding: all.filter { $0.stream == stream }.flatMap(\.bytes), as: UTF8.self)
    }
}
