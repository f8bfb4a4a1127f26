import ArgumentParser
import DockerEngine
import MDExec

/// Where and how blocks run: the ancestor's executor options and the sandbox beyond them.
struct ExecutorOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where blocks run: docker (a container, the default) or local (host processes, NO isolation).",
            valueName: "docker|local"))
    var executor: ExecutorKind = .docker

    @Option(
        help: ArgumentHelp(
            "Read executor options from a JSON or YAML file (the ancestor's keys: image, timeout, work_dir, ...). Flags win over the file.",
            valueName: "FILE"))
    var config: String?

    @Option(
        help: ArgumentHelp("The image blocks run in (default python:3-slim). Pulled when missing.", valueName: "IMAGE"))
    var image: String?

    @Option(
        help: ArgumentHelp(
            "Name of the container; an existing container of that name is removed first.", valueName: "NAME"))
    var containerName: String?

    @Option(
        help: ArgumentHelp(
            "Seconds each block may run (default 60, at least 1); a block's timeout=N wins.", valueName: "SECONDS"))
    var timeout: Int?

    @Option(
        help: ArgumentHelp(
            "Host directory blocks are written to and run in, mounted at /workspace (default: a new temporary directory, removed afterwards).",
            valueName: "DIR"))
    var workDir: String?

    @Option(
        help: ArgumentHelp(
            "Host directory the engine mounts at /workspace when it differs from --work-dir (mdexec itself in a container).",
            valueName: "DIR"))
    var bindDir: String?

    @Flag(help: "Keep the container after it stops (the ancestor's auto_remove=False).")
    var noAutoRemove = false

    @Flag(help: "Leave the container running at the end (the ancestor's stop_container=False).")
    var noStopContainer = false

    @Option(help: ArgumentHelp("Give the container GPUs: all, or a count.", valueName: "all|N"))
    var gpus: String?

    @Option(
        help: ArgumentHelp("A Python file of functions for the functions module (repeatable).", valueName: "FILE.py"))
    var functions: [String] = []

    @Option(
        help: ArgumentHelp(
            "A pip package the functions need, installed once before the first block (repeatable).", valueName: "PKG"))
    var requirement: [String] = []

    @Option(help: ArgumentHelp("Name of the functions module (default functions).", valueName: "NAME"))
    var functionsModule: String?

    @Option(help: ArgumentHelp("Mount a host directory (repeatable).", valueName: "HOST:CONTAINER[:ro|rw]"))
    var volume: [String] = []

    @Option(help: ArgumentHelp("Add a line to the container's /etc/hosts (repeatable).", valueName: "NAME:IP"))
    var addHost: [String] = []

    @Option(
        help: ArgumentHelp("A shell command run once in the container before the first block.", valueName: "COMMAND"))
    var initCommand: String?

    @Flag(help: "Delete each block's file after it ran.")
    var deleteTmpFiles = false

    @Flag(
        help: ArgumentHelp(
            "Run every block in a process of its own (no state carried between blocks).",
            discussion: """
                By default blocks share state as notebook cells do: all python blocks of a document run \
                in one Python, all sh blocks in one sh, all bash blocks in one bash. A block's own `fresh` \
                attribute does this for that block; `session=NAME` runs it in a separate named session.
                """))
    var fresh = false

    @Flag(
        help: ArgumentHelp(
            "Send each block's stderr into its stdout, in the order a terminal shows them.",
            discussion: """
                Without it stdout and stderr are captured apart, and lines written to both at nearly \
                the same moment may arrive in either order (the engine relays the two streams \
                separately). With it there is one stream, so two runs give the same interleaving; \
                stderr is then empty in the JSON results.
                """))
    var mergeStreams = false

    @Option(
        help: ArgumentHelp(
            "Copy the pictures blocks make into DIR (default: NAME_files/ beside the report NAME.md).",
            discussion: """
                Figures and display() of python sessions, and image files a block created or changed \
                in the workspace (.png .jpg .jpeg .gif .svg .webp), become block-<index>-<n>.<ext> \
                there, linked after the block's exit line. With several documents each gets \
                DIR/NAME_files/. When the report goes to standard output, none is collected unless \
                --assets-dir is given.
                """, valueName: "DIR"))
    var assetsDir: String?

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

    @OptionGroup var languageOptions: LanguageOptions

    @Option(
        help: ArgumentHelp(
            "How blocks start in the container: one runner loop for the whole document (fast, the default) or one exec per block.",
            valueName: "loop|exec"))
    var runner: RunnerMode = .loop

    @Flag(help: "Say more on standard error (engine calls, runner fallback).")
    var verbose = false

    /// Usage checks of the flags' own syntax; the values are checked with the file's.
    func validate() throws {
        if let gpus, DeviceRequest.gpus(gpus) == nil {
            throw ValidationError("--gpus takes 'all' or a count of at least 1 (got '\(gpus)').")
        }
        for host in addHost where Self.hostEntry(host) == nil {
            throw ValidationError("--add-host takes NAME:IP (got '\(host)').")
        }
    }

    /// The configuration: the defaults, the file's keys, then the flags that were given.
    func configuration() throws -> ExecutorConfiguration {
        typealias Key = ExecutorConfiguration.CodingKeys
        var flags: [Key: any Encodable & Sendable] = [:]
        flags[.image] = image
        flags[.containerName] = containerName
        flags[.timeout] = timeout
        flags[.workDir] = workDir
        flags[.bindDir] = bindDir
        if noAutoRemove { flags[.autoRemove] = false }
        if noStopContainer { flags[.stopContainer] = false }
        flags[.deviceRequests] = gpus.flatMap(DeviceRequest.gpus).map { [$0] }
        if !functions.isEmpty { flags[.functions] = functions }
        if !requirement.isEmpty { flags[.requirements] = requirement }
        flags[.functionsModule] = functionsModule
        if !volume.isEmpty { flags[.extraVolumes] = volume }
        if !addHost.isEmpty {
            flags[.extraHosts] = Dictionary(addHost.compactMap(Self.hostEntry), uniquingKeysWith: { $1 })
        }
        flags[.initCommand] = initCommand
        if deleteTmpFiles { flags[.deleteTmpFiles] = true }
        if fresh { flags[.fresh] = true }
        if mergeStreams { flags[.mergeStreams] = true }
        flags[.assetsDir] = assetsDir
        flags[.network] = network
        flags[.memory] = memory
        flags[.cpus] = cpus
        flags[.pidsLimit] = pidsLimit
        flags[.user] = user
        if readOnly { flags[.readOnly] = true }
        do {
            return try ExecutorConfiguration.resolve(file: config, flags: flags)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `NAME:IP` as its two parts.
    private static func hostEntry(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, colon != text.index(before: text.endIndex)
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// How blocks start in a container: through the runner loop, or one exec each.
enum RunnerMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case loop
    case exec
}

extension ExecutorKind: ExpressibleByArgument {}
