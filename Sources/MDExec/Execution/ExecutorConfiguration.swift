import DockerEngine
import Foundation
import Yams

/// Every option of the ancestor's `DockerCommandLineCodeExecutor`, plus the sandbox
/// options beyond it. Read from `--config FILE` (JSON or YAML) with the ancestor's keys;
/// command-line flags win over the file. A new option is a property here, its key in
/// `CodingKeys`, a check in `validate()` if it has rules, and its flag.
public struct ExecutorConfiguration: Sendable, Equatable, Codable {
    public var image = "python:3-slim"
    public var containerName: String?
    public var timeout = 60
    /// Host directory blocks are written to; nil: a new temporary directory.
    public var workDir: String?
    /// Host directory bind-mounted at /workspace (when mdexec itself runs in a container
    /// that shares the engine, this is the engine's view of `workDir`); nil: `workDir`.
    public var bindDir: String?
    public var autoRemove = true
    public var stopContainer = true
    /// GPUs (`--gpus`); in the file, each entry takes `driver`, `count` (-1: all),
    /// `device_ids`, `capabilities` (default `[[gpu]]`) and `options`.
    public var deviceRequests: [DeviceRequest] = []
    /// Python files whose contents make up the functions module.
    public var functions: [String] = []
    /// Packages pip installs before the functions module is loaded.
    public var requirements: [String] = []
    public var functionsModule = "functions"
    /// `HOST:CONTAINER[:ro|rw]` mounts.
    public var extraVolumes: [String] = []
    /// Host name to IP address, added to the container's /etc/hosts.
    public var extraHosts: [String: String] = [:]
    public var initCommand: String?
    public var deleteTmpFiles = false
    /// Runs every block in a process of its own (the ancestor's way), not in its
    /// language's session (notebook mode, the default).
    public var fresh = false
    /// Sends each block's stderr into its stdout: one pipe, so the order is exactly what a
    /// terminal shows (stderr is then empty in the results).
    public var mergeStreams = false
    /// Where the pictures blocks make are copied (`NAME_files/` beside the report when nil
    /// and the report is a file; not collected when it goes to standard output).
    public var assetsDir: String?
    public var network = "none"
    /// A memory limit such as `512m` or `2g` (memory and swap together).
    public var memory: String?
    public var cpus: Double?
    public var pidsLimit: Int?
    public var user: String?
    public var readOnly = false

    public init() {}

    /// The configuration file's keys.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case image, timeout, functions, requirements, network, memory, cpus, user, fresh
        case containerName = "container_name"
        case workDir = "work_dir"
        case bindDir = "bind_dir"
        case autoRemove = "auto_remove"
        case stopContainer = "stop_container"
        case deviceRequests = "device_requests"
        case functionsModule = "functions_module"
        case extraVolumes = "extra_volumes"
        case extraHosts = "extra_hosts"
        case initCommand = "init_command"
        case deleteTmpFiles = "delete_tmp_files"
        case assetsDir = "assets_dir"
        case mergeStreams = "merge_streams"
        case pidsLimit = "pids_limit"
        case readOnly = "read_only"
    }

    // MARK: - Reading

    /// Reads a configuration file (JSON is YAML too).
    public static func load(path: String) throws(ConfigurationError) -> ExecutorConfiguration {
        try resolve(file: path)
    }

    /// Parses configuration text (JSON or YAML).
    public static func parse(_ text: String, source: String = "config") throws(ConfigurationError)
        -> ExecutorConfiguration
    {
        try merge([try keys(of: text, source: source)], source: source)
    }

    /// The one place a file and flags meet: the defaults, then the file's keys (`file`, a
    /// path), then `flags` (values by key, as the file would give them: strings, numbers,
    /// booleans, lists, maps), each layer winning over the ones before; then `validate()`.
    public static func resolve(
        file: String?, flags: [CodingKeys: any Encodable & Sendable] = [:]
    ) throws(ConfigurationError) -> ExecutorConfiguration {
        var layers: [Node.Mapping] = []
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError("Cannot read the config file \(file): \(error.localizedDescription)")
            }
            layers.append(try keys(of: text, source: file))
        }
        var flagLayer = Node.Mapping([])
        for (key, value) in flags { flagLayer[key.rawValue] = try node(value) }
        layers.append(flagLayer)
        return try merge(layers, source: file ?? "config")
    }

    private static func keys(of text: String, source: String) throws(ConfigurationError) -> Node.Mapping {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("The config file \(source) is not valid: \(error)")
        }
        guard let root else { return Node.Mapping([]) }
        guard let mapping = root.mapping else {
            throw ConfigurationError("The config file \(source) is not valid: it must be a mapping of keys to values.")
        }
        return mapping
    }

    private static func merge(_ layers: [Node.Mapping], source: String) throws(ConfigurationError)
        -> ExecutorConfiguration
    {
        var merged: Node.Mapping
        do {
            merged = try node(ExecutorConfiguration()).mapping ?? Node.Mapping([])
        } catch {
            throw ConfigurationError("Cannot represent the default configuration: \(error)")
        }
        // A null keeps what the layers below say; maps (extra_hosts) merge entry by entry;
        // any other value replaces.
        for layer in layers {
            for (key, value) in layer where value.null == nil {
                if let below = merged[key]?.mapping, let above = value.mapping {
                    var combined = below
                    for (name, entry) in above { combined[name] = entry }
                    merged[key] = Node.mapping(combined)
                } else {
                    merged[key] = value
                }
            }
        }
        if let requests = merged[CodingKeys.deviceRequests.rawValue] {
            merged[CodingKeys.deviceRequests.rawValue] = DeviceRequestKeys.renamed(requests, toEngine: true)
        }
        let configuration: ExecutorConfiguration
        do {
            configuration = try YAMLDecoder().decode(ExecutorConfiguration.self, from: Node.mapping(merged))
        } catch {
            throw ConfigurationError("The config file \(source) is not valid: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// A value as the YAML node the file would hold for it.
    private static func node(_ value: any Encodable) throws(ConfigurationError) -> Node {
        do {
            let text = try YAMLEncoder().encode(value)
            guard let node = try Yams.compose(yaml: text) else { return Node("") }
            if let requests = node.mapping?[CodingKeys.deviceRequests.rawValue], var mapping = node.mapping {
                mapping[CodingKeys.deviceRequests.rawValue] = DeviceRequestKeys.renamed(requests, toEngine: false)
                return Node.mapping(mapping)
            }
            return node
        } catch {
            throw ConfigurationError("Cannot represent \(value) in a configuration: \(error)")
        }
    }

    /// The configuration as YAML, which `parse` reads back equal.
    public func yaml() throws -> String {
        try Yams.serialize(node: try Self.node(self), sortKeys: true)
    }

    // MARK: - Checking

    /// Checks values the engine would otherwise reject late.
    public func validate() throws(ConfigurationError) {
        guard timeout >= 1 else { throw ConfigurationError("timeout must be at least 1 second (got \(timeout)).") }
        guard Self.isIdentifier(functionsModule) else {
            throw ConfigurationError("functions_module must be a Python identifier (got '\(functionsModule)').")
        }
        if let memory, MemorySize.bytes(memory) == nil {
            throw ConfigurationError("memory must be a size such as 512m or 2g (got '\(memory)').")
        }
        if let cpus, cpus <= 0 { throw ConfigurationError("cpus must be more than 0 (got \(cpus)).") }
        if let pidsLimit, pidsLimit < 1 {
            throw ConfigurationError("pids_limit must be at least 1 (got \(pidsLimit)).")
        }
        for volume in extraVolumes where VolumeMount(volume) == nil {
            throw ConfigurationError("A volume must be HOST:CONTAINER[:ro|rw] with absolute paths (got '\(volume)').")
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// The file writes a device request's fields as the ancestor's Python does (`count`,
/// `device_ids`, ...); the engine's model names them as the API does (`Count`, `DeviceIDs`).
private enum DeviceRequestKeys {
    static let pairs = [
        ("driver", "Driver"), ("count", "Count"), ("device_ids", "DeviceIDs"), ("capabilities", "Capabilities"),
        ("options", "Options"),
    ]

    /// Each entry of a `device_requests` list with its keys renamed.
    static func renamed(_ list: Node, toEngine: Bool) -> Node {
        guard let entries = list.sequence else { return list }
        let table = Dictionary(uniqueKeysWithValues: pairs.map { toEngine ? ($0.0, $0.1) : ($0.1, $0.0) })
        return Node.sequence(
            Node.Sequence(
                entries.map { entry in
                    guard let mapping = entry.mapping else { return entry }
                    return Node.mapping(
                        Node.Mapping(
                            mapping.map { key, value in
                                (key.string.flatMap { table[$0] }.map { Node($0) } ?? key, value)
                            }))
                }))
    }
}

extension DeviceRequest {
    /// `--gpus all` or `--gpus N`.
    public static func gpus(_ value: String) -> DeviceRequest? {
        if value == "all" { return .allGPUs }
        guard let count = Int(value), count >= 1 else { return nil }
        return DeviceRequest(count: count, capabilities: [["gpu"]])
    }
}
