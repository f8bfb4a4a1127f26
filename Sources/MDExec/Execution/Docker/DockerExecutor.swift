import DockerEngine
import Foundation
import Logging
import Synchronization

/// Runs blocks in one container through the Docker Engine API (over libcurl): the default
/// executor. Blocks go to a runner started once in the container over a hijacked
/// exec connection; when that cannot start, each block is one exec.
public final class DockerExecutor: CodeExecutor {
    public let kind = ExecutorKind.docker
    public var image: String? { configuration.image }
    /// The options the container is made from.
    public let configuration: ExecutorConfiguration
    /// The host directory blocks are written to (a temporary one, removed by `stop()`,
    /// when no `work_dir` is given).
    public var workDir: String { workDirectory.path }
    private let workDirectory: WorkDirectory
    let client: EngineClient
    let notes: @Sendable (String) -> Void
    /// Diagnostics (engine steps, runner fallback): shown by the CLI with `--verbose`.
    let logger: Logger
    /// Whether blocks go to the runner loop (else one exec each).
    let usesRunner: Bool
    let state = Mutex(State())
    let sessionNotice = SessionNotice()

    struct State {
        var containerID: String?
        var link: RunnerLink?
        var connection: HijackedExec?
        var reader: Task<Void, Never>?
        /// The container cgroup's count of OOM kills when last read.
        var oomKills = 0
        /// The image as the engine described it at start.
        var imageInfo: ImageInfo?
    }

    /// - Parameters:
    ///   - configuration: the ancestor's options and the sandbox's.
    ///   - host: the engine; nil reads `DOCKER_HOST` (default: the local socket).
    ///   - useRunner: false runs each block as its own exec (slower; for comparison).
    ///   - logger: receives diagnostics at debug and info level.
    ///   - notes: receives progress notes (image pulls, fallbacks) meant for standard error.
    public init(
        configuration: ExecutorConfiguration, host: DockerHost? = nil, useRunner: Bool = true,
        logger: Logger = Logger(label: "mdexec.docker"), notes: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ExecutionError) {
        self.configuration = configuration
        let engineHost: DockerHost
        do {
            engineHost = try host ?? DockerHost.fromEnvironment()
        } catch {
            throw ExecutionError(.infrastructure, "\(error)")
        }
        self.client = EngineClient(host: engineHost, logger: logger)
        // Last: nothing after this may fail and leave a temporary directory behind.
        self.workDirectory = try WorkDirectory(configuration.workDir)
        self.usesRunner = useRunner
        self.logger = logger
        self.notes = notes
    }

    /// Seconds the container's processes get to stop (restart, stop) before SIGKILL.
    static let stopGraceSeconds = 2

    /// A unique id for this executor's containers (label `mdexec.run`).
    let runID = UUID().uuidString

    /// The id of the running container, once started.
    public var containerID: String? { state.withLock { $0.containerID } }

    /// Whether the engine is remote (`tcp://`): files are uploaded, not bind-mounted.
    var isRemote: Bool { client.host.isRemote }

    /// The bind-mounted folder, or the container's workspace read through the engine (`tcp://`).
    public var workspaceFiles: (any WorkspaceFiles)? {
        isRemote ? ContainerWorkspaceFiles(executor: self) : HostWorkspaceFiles(root: workDir)
    }

    // MARK: - Lifecycle

    public func start() async throws(ExecutionError) {
        guard containerID == nil else { return }
        _ = try await engine("reach the engine") { try await self.client.ping() }
        let engineVersion = try await engine("ask the engine for its version") { try await self.client.engineVersion() }
        try await ensureImage()
        if !isRemote { try prepareWorkDir() }
        if let name = configuration.containerName {
            try await engine("remove the existing container \(name)") {
                try await self.client.removeContainer(name, force: true, volumes: true)
            }
        }
        let spec = ContainerBlueprint.spec(
            for: configuration,
            hostDirectory: isRemote ? nil : configuration.bindDir.map(WorkDirectory.absolute) ?? workDir, runID: runID,
            engine: engineVersion.kind)
        // The create runs to its answer even when the run is cancelled (it has a deadline):
        // the engine goes on creating a container whose request was dropped, so only the
        // answer says for sure which container there is to remove.
        let (client, name) = (self.client, configuration.containerName)
        let created = await Task { try await client.createContainer(name: name, spec: spec) }.result
        let id: String
        do {
            id = try await engine("create the container") { try created.get() }
        } catch {
            // The engine may have made it before the call failed.
            await Self.uncancelled { await self.removeRunContainers() }
            throw error
        }
        state.withLock { $0.containerID = id }
        logger.debug("created container \(id.prefix(12)) from \(configuration.image) on \(engineVersion.displayName)")
        do {
            if Task.isCancelled {
                try await engine("create the container") { throw CancellationError() }
            }
            if spec.hostConfig?.deviceRequests != nil {
                try await expectGrantedGPUs(containerID: id, on: engineVersion)
            }
            try await startContainer(id, on: engineVersion, requestsGPUs: !configuration.deviceRequests.isEmpty)
            try await startRunner()
            try await setUpFunctions()
        } catch {
            await Self.uncancelled { await self.stop() }
            throw error
        }
    }

    /// Fails when the engine accepted the container but dropped its GPU request: an engine
    /// without `DeviceRequests` support would otherwise run the blocks without a GPU.
    private func expectGrantedGPUs(containerID id: String, on version: EngineVersion) async throws(ExecutionError) {
        let info = try await engine("inspect the new container") { try await self.client.inspectContainer(id) }
        guard info.deviceRequests.isEmpty else { return }
        throw ExecutionError(
            .infrastructure,
            "\(version.displayName) accepted the container but dropped its GPU request (--gpus): it does not support "
                + "DeviceRequests, so the blocks would run without a GPU.")
    }

    /// Starts the container; with GPUs requested, a failed start is the engine's way of saying
    /// it cannot provide them (Docker without the NVIDIA runtime, Podman without a CDI spec).
    private func startContainer(_ id: String, on version: EngineVersion, requestsGPUs: Bool)
        async throws(ExecutionError)
    {
        do {
            try await client.startContainer(id)
        } catch {
            // With GPUs asked for, a refused start that speaks of devices is the engine saying
            // it has none to give (Docker: no GPU driver; Podman: no CDI spec for them).
            guard requestsGPUs, case .api(_, let said, _) = error,
                ["gpu", "device", "cdi", "nvidia"].contains(where: { said.localizedCaseInsensitiveContains($0) })
            else { throw Self.failure(error, doing: "start the container") }
            let how =
                version.kind == .podman
                ? "Podman passes GPUs as CDI devices (nvidia.com/gpu=...): generate their spec with the NVIDIA "
                    + "Container Toolkit (nvidia-ctk cdi generate)"
                : "--gpus needs the NVIDIA container runtime (the NVIDIA Container Toolkit) on the engine's machine"
            throw ExecutionError(
                .infrastructure,
                "\(version.displayName) cannot give the container the GPU it asked for (--gpus): \(said). \(how), or run without --gpus."
            )
        }
    }

    /// Runs cleanup outside the current task, so a cancelled run still cleans up.
    static func uncancelled(_ work: @escaping @Sendable () async -> Void) async {
        await Task { await work() }.value
    }

    /// Removes every container labelled with this executor's run id.
    private func removeRunContainers() async {
        let label = "\(ContainerBlueprint.runLabel)=\(runID)"
        do {
            for container in try await client.listContainers(labels: [label], all: true) {
                await removeContainer(container.id)
            }
        } catch {
            logger.error(
                "Cannot list this run's containers to remove them: \(error). `mdexec gc` removes what is left.")
        }
    }

    /// Removes a container, logging (never hiding) a failure.
    func removeContainer(_ id: String) async {
        do {
            try await client.removeContainer(id, force: true, volumes: true)
        } catch {
            logger.error("Cannot remove the container \(id.prefix(12)): \(error). `mdexec gc` removes what is left.")
        }
    }

    public func restart() async throws(ExecutionError) {
        guard let id = containerID else { throw ExecutionError(.notStarted, "The container is not started.") }
        closeRunner()
        try await engine("restart the container") {
            try await self.client.restartContainer(id, timeoutSeconds: Self.stopGraceSeconds)
        }
        try await startRunner()
    }

    public func stop() async {
        let id = state.withLock { $0.containerID }
        closeRunner()
        defer { workDirectory.removeIfOwned() }
        guard let id else { return }
        state.withLock { $0.containerID = nil }
        guard configuration.stopContainer else {
            notes(
                "container \(configuration.containerName ?? String(id.prefix(12))) left running (--no-stop-container)")
            return
        }
        let (client, autoRemove, logger) = (self.client, configuration.autoRemove, self.logger)
        await Self.uncancelled {
            if autoRemove {
                await self.removeContainer(id)
            } else {
                do {
                    try await client.stopContainer(id, timeoutSeconds: Self.stopGraceSeconds)
                } catch {
                    logger.error("Cannot stop the container \(id.prefix(12)): \(error).")
                }
            }
        }
    }

    // MARK: - Files

    public func writeFile(_ path: String, contents: [UInt8]) async throws(ExecutionError) {
        guard isRemote else {
            try WorkspacePath.write(contents, to: path, root: workDir)
            return
        }
        let relative = try WorkspacePath.normalized(path)
        var archive = TarArchive()
        do {
            var parent = ""
            for part in relative.split(separator: "/").dropLast() {
                parent += (parent.isEmpty ? "" : "/") + part
                try archive.addDirectory(path: parent)
            }
            try archive.addFile(path: relative, contents: contents)
        } catch {
            throw ExecutionError(.writeFailed, "Cannot pack \(path) for upload: \(error)")
        }
        guard let id = containerID else { throw ExecutionError(.notStarted, "The container is not started.") }
        let tar = archive.bytes
        try await engine("upload \(path)") {
            try await self.client.uploadArchive(containerID: id, path: ContainerBlueprint.workspace, tar: tar)
        }
    }

    public func deleteFile(_ path: String) async {
        guard isRemote else {
            if let target = try? WorkspacePath.resolve(path, root: workDir, creatingParents: false) { unlink(target) }
            return
        }
        guard let relative = try? WorkspacePath.normalized(path) else { return }
        do {
            _ = try await runShell(
                "rm -f -- '\(relative.replacingOccurrences(of: "'", with: "'\\''"))'", timeoutSeconds: 30)
        } catch {
            logger.warning("Cannot delete \(relative) in the container: \(error)")
        }
    }

    // MARK: - Helpers

    private func prepareWorkDir() throws(ExecutionError) {
        do {
            try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
            if configuration.user != nil {
                // Blocks run as another user: let them write the workspace.
                try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: workDir)
            }
        } catch {
            throw ExecutionError(
                .infrastructure, "Cannot prepare the work dir \(workDir): \(error.localizedDescription)")
        }
    }

    private func ensureImage() async throws(ExecutionError) {
        let image = configuration.image
        let inspected = try await engine("inspect the image \(image)") { try await self.client.inspectImage(image) }
        state.withLock { $0.imageInfo = inspected }
        guard inspected == nil else { return }
        notes("pulling \(image) (not present locally)…")
        let notes = self.notes
        let lastStatus = Mutex<String?>(nil)
        do {
            try await client.pullImage(image) { progress in
                guard let status = progress.status else { return }
                let line = [progress.id, status, progress.progress].compactMap { $0 }.joined(separator: " ")
                let changed = lastStatus.withLock { last -> Bool in
                    defer { last = status + (progress.id ?? "") }
                    return last != status + (progress.id ?? "")
                }
                if changed { notes("pull: \(line)") }
            }
        } catch {
            throw ExecutionError(.infrastructure, "The image \(image) is not on this machine. \(error)")
        }
        let pulled = try? await client.inspectImage(image)
        state.withLock { $0.imageInfo = pulled ?? nil }
    }

    /// The engine (`GET /version`, asked once per client), the image as inspected at start,
    /// and the settings.
    public func provenance() async -> Provenance {
        var provenance = Provenance(settings: Provenance.Settings(configuration, container: true))
        if let version = try? await client.engineVersion() {
            provenance.engine = Provenance.Engine(
                kind: version.kind.rawValue, version: version.version, apiVersion: version.apiVersion.description)
        }
        let info = state.withLock { $0.imageInfo }
        provenance.image = Provenance.Image(name: configuration.image, id: info?.id, digests: info?.repoDigests ?? [])
        return provenance
    }

    /// Runs an engine call, turning its failure into an infrastructure error that says what
    /// mdexec was doing.
    func engine<T: Sendable>(
        _ doing: String, _ call: @Sendable () async throws -> T
    ) async throws(ExecutionError) -> T {
        do {
            return try await call()
        } catch {
            throw Self.failure(error, doing: doing)
        }
    }

    /// An engine call's failure as the infrastructure error the user sees.
    static func failure(_ error: any Error, doing: String) -> ExecutionError {
        switch error {
        case let error as ExecutionError: error
        case let error as EngineError:
            if case .unreachable = error {
                ExecutionError(.infrastructure, error.description)
            } else {
                ExecutionError(.infrastructure, "Cannot \(doing): \(error.description)")
            }
        default: ExecutionError(.infrastructure, "Cannot \(doing): \(error)")
        }
    }
}
