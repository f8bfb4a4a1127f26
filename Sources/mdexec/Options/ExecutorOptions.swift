import ArgumentParser
import MDExec

/// Where and how blocks run: the ancestor's executor options and the sandbox beyond them.
struct ExecutorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where blocks run: docker (a container, the default) or local (host processes, NO isolation).", valueName: "docker|local"))
    var executor: ExecutorKind = .docker

    @Option(help: ArgumentHelp("Read executor options from a JSON or YAML file (the ancestor's keys: image, timeout, work_dir, ...). Flags win over the file.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("The image blocks run in (default python:3-slim). Pulled when missing.", valueName: "IMAGE"))
    var image: String?

    @Option(help: ArgumentHelp("Name of the container; an existing container of that name is removed first.", valueName: "NAME"))
    var containerName: String?

    @Option(help: ArgumentHelp("Seconds each block may run (default 60, at least 1); a block's timeout=N wins.", valueName: "SECONDS"))
    var timeout: Int?

    @Option(help: ArgumentHelp("Host directory blocks are written to and run in, mounted at /workspace (default: a new temporary directory, removed afterwards).", valueName: "DIR"))
    var workDir: String?

    @Option(help: ArgumentHelp("Host directory the engine mounts at /workspace when it differs from --work-dir (mdexec itself in a container).", valueName: "DIR"))
    var bindDir: String?

    @Flag(help: "Keep the container after it stops (the ancestor's auto_remove=False).")
    var noAutoRemove = false

    @Flag(help: "Leave the container running at the end (the ancestor's stop_container=False).")
    var noStopContainer = false

    @Option(help: ArgumentHelp("Give the container GPUs: all, or a count.", valueName: "all|N"))
    var gpus: String?

    @Option(help: ArgumentHelp("A Python file of functions for the functions module (repeatable).", valueName: "FILE.py"))
    var functions: [String] = []

    @Option(help: ArgumentHelp("A pip package the functions need, installed once before the first block (repeatable).", valueName: "PKG"))
    var requirement: [String] = []

    @Option(help: ArgumentHelp("Name of the functions module (default functions).", valueName: "NAME"))
    var functionsModule: String?

    @Option(help: ArgumentHelp("Mount a host directory (repeatable).", valueName: "HOST:CONTAINER[:ro|rw]"))
    var volume: [String] = []

    @Option(help: ArgumentHelp("Add a line to the container's /etc/hosts (repeatable).", valueName: "NAME:IP"))
    var addHost: [String] = []

    @Option(help: ArgumentHelp("A shell command run once in the container before the first block.", valueName: "COMMAND"))
    var initCommand: String?

    @Flag(help: "Delete each block's file after it ran.")
    var deleteTmpFiles = false

    @Option(help: ArgumentHelp("The container's network (default none: no network at all).", valueName: "NAME"))
    var network: String?

    @Option(help: ArgumentHelp("Memory limit for the container, swap included, e.g. 512m.", valueName: "SIZE"))
    var memory: String?

    @Option(help: ArgumentHelp("CPU limit, e.g. 1.5.", valueName: "N"))
    var cpus: Double?

    @Option(help: ArgumentHelp("Most processes the container may have.", valueName: "N"))
    var pidsLimit: Int?

    @Option(help: ArgumentHelp("User (and group) blocks run as in the container, e.g. 1000:1000.", valueName: "USER"))
    var user: String?

    @Flag(help: "Make the container's root filesystem read-only (/workspace stays writable).")
    var readOnly = false

    @Option(help: ArgumentHelp("Run blocks of language NAME with COMMAND, files ending in .EXT (repeatable).", valueName: "NAME=COMMAND[:EXT]"))
    var language: [String] = []

    @Option(help: ArgumentHelp("How blocks start in the container: one runner loop for the whole document (fast, the default) or one exec per block.", valueName: "loop|exec"))
    var runner: RunnerMode = .loop

    @Flag(help: "Say more on standard error (engine calls, runner fallback).")
    var verbose = false

    /// The configuration: the file's values, then the flags over them.
    func configuration() throws -> ExecutorConfiguration {
        var configuration = ExecutorConfiguration()
        if let config {
            do { configuration = try ExecutorConfiguration.load(path: config) } catch {
                throw ValidationError(error.description)
            }
        }
        if let image { configuration.image = image }
        if let containerName { configuration.containerName = containerName }
        if let timeout { configuration.timeout = timeout }
        if let workDir { configuration.workDir = workDir }
        if let bindDir { configuration.bindDir = bindDir }
        if noAutoRemove { configuration.autoRemove = false }
        if noStopContainer { configuration.stopContainer = false }
        if let gpus {
            guard let request = DeviceRequest.gpus(gpus) else {
                throw ValidationError("--gpus takes 'all' or a count of at least 1 (got '\(gpus)').")
            }
            configuration.deviceRequests = [request]
        }
        if !functions.isEmpty { configuration.functions = functions }
        if !requirement.isEmpty { configuration.requirements = requirement }
        if let functionsModule { configuration.functionsModule = functionsModule }
        if !volume.isEmpty { configuration.extraVolumes = volume }
        for host in addHost {
            guard let colon = host.firstIndex(of: ":"), colon != host.startIndex, colon != host.index(before: host.endIndex) else {
                throw ValidationError("--add-host takes NAME:IP (got '\(host)').")
            }
            configuration.extraHosts[String(host[..<colon])] = String(host[host.index(after: colon)...])
        }
        if let initCommand { configuration.initCommand = initCommand }
        if deleteTmpFiles { configuration.deleteTmpFiles = true }
        if let network { configuration.network = network }
        if let memory { configuration.memory = memory }
        if let cpus { configuration.cpus = cpus }
        if let pidsLimit { configuration.pidsLimit = pidsLimit }
        if let user { configuration.user = user }
        if readOnly { configuration.readOnly = true }
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        return configuration
    }

    /// The language table with every `--language` override.
    func languages() throws -> LanguageTable {
        var overrides: [String: LanguageTable.Interpreter] = [:]
        for text in language {
            guard let (name, interpreter) = LanguageTable.parseOverride(text) else {
                throw ValidationError("--language takes NAME=COMMAND[:EXT] (got '\(text)').")
            }
            overrides[name] = interpreter
        }
        return LanguageTable(overrides: overrides)
    }
}

/// How blocks start in a container: through the runner loop, or one exec each.
enum RunnerMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case loop
    case exec

    /// `session` is the old spelling of `loop`.
    init?(argument: String) {
        self.init(rawValue: argument == "session" ? "loop" : argument)
    }
}

extension ExecutorKind: ExpressibleByArgument {}
