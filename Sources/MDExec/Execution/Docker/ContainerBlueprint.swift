import DockerEngine
import Foundation

/// Turns an `ExecutorConfiguration` into the engine's container create request. Only the
/// configuration (the user's flags and config file) shapes the sandbox: nothing in a
/// document can add volumes, hosts, devices, network or privileges.
enum ContainerBlueprint {
    /// Where blocks run inside the container.
    static let workspace = "/workspace"

    /// The main process: waits forever and exits at once on SIGTERM (a bare `/bin/sh` as
    /// PID 1 ignores it and `stop` would wait out the grace period).
    static let mainCommand = ["sh", "-c", "trap 'exit 0' TERM INT HUP; while :; do sleep 3600 & wait $!; done"]

    /// Every container's hostname: the same in every run (the engine's default is the
    /// container's id, which would change the report of every block that shows it).
    static let hostname = "mdexec"

    /// The label that names the executor a container belongs to.
    static let runLabel = "mdexec.run"

    /// The create request. GPUs go as `DeviceRequests`, except on Podman, which drops those
    /// and takes CDI device names (`nvidia.com/gpu=all`) instead.
    static func spec(
        for configuration: ExecutorConfiguration, hostDirectory: String?, runID: String, engine: EngineKind = .docker
    ) -> ContainerSpec {
        var binds: [String] = []
        if let hostDirectory { binds.append("\(hostDirectory):\(workspace):rw") }
        binds += configuration.extraVolumes.compactMap { VolumeMount($0)?.bind }
        let memory = configuration.memory.flatMap(MemorySize.bytes)
        let hostConfig = HostConfig(
            binds: binds.isEmpty ? nil : binds,
            // mdexec removes the container itself in `stop()` (auto_remove): the engine's
            // own AutoRemove races with `restart`.
            autoRemove: false,
            networkMode: configuration.network,
            memory: memory,
            memorySwap: memory,
            nanoCpus: configuration.cpus.map { Int64($0 * 1_000_000_000) },
            pidsLimit: configuration.pidsLimit.map(Int64.init),
            readonlyRootfs: configuration.readOnly ? true : nil,
            extraHosts: configuration.extraHosts.isEmpty
                ? nil : configuration.extraHosts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" },
            deviceRequests: configuration.deviceRequests.isEmpty || engine == .podman
                ? nil
                : configuration.deviceRequests.map { request in
                    var request = request
                    if request.capabilities == nil { request.capabilities = [["gpu"]] }
                    return request
                },
            devices: engine == .podman ? cdiDevices(configuration.deviceRequests) : nil,
            tmpfs: configuration.readOnly ? ["/tmp": "rw,exec,mode=1777"] : nil)
        return ContainerSpec(
            image: configuration.image,
            cmd: mainCommand,
            workingDir: workspace,
            hostname: hostname,
            labels: labels().merging([runLabel: runID]) { current, _ in current },
            user: configuration.user,
            tty: false,
            volumes: hostDirectory == nil ? [workspace] : nil,
            hostConfig: hostConfig)
    }

    /// CDI names for GPU requests: `nvidia.com/gpu=all`, `=0` ... `=N-1` for a count, or the ids.
    static func cdiDevices(_ requests: [DeviceRequest]) -> [DeviceMapping]? {
        let names = requests.flatMap { request -> [String] in
            if let ids = request.deviceIDs, !ids.isEmpty { return ids.map { "nvidia.com/gpu=\($0)" } }
            guard let count = request.count, count >= 0 else { return ["nvidia.com/gpu=all"] }
            return (0..<count).map { "nvidia.com/gpu=\($0)" }
        }
        return names.isEmpty ? nil : names.map { DeviceMapping(pathOnHost: $0) }
    }

    /// `mdexec=1`, and who made the container, so `mdexec gc` can tell ones in use.
    static func labels() -> [String: String] {
        [
            "mdexec": "1",
            "mdexec.pid": String(getpid()),
            "mdexec.host": ProcessInfo.processInfo.hostName,
        ]
    }
}
