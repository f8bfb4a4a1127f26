import Foundation
import Yams

/// Every option of the ancestor's `DockerCommandLineCodeExecutor`, plus the sandbox
/// options beyond it. Read from `--config FILE` (JSON or YAML) with the ancestor's keys;
/// command-line flags win over the file.
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
    public var network = "none"
    /// A memory limit such as `512m` or `2g` (memory and swap together).
    public var memory: String?
    public var cpus: Double?
    public var pidsLimit: Int?
    public var user: String?
    public var readOnly = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case image, timeout, functions, requirements, network, memory, cpus, user
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
        case pidsLimit = "pids_limit"
        case readOnly = "read_only"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ExecutorConfiguration()
        image = try values.decodeIfPresent(String.self, forKey: .image) ?? defaults.image
        containerName = try values.decodeIfPresent(String.self, forKey: .containerName)
        timeout = try values.decodeIfPresent(Int.self, forKey: .timeout) ?? defaults.timeout
        workDir = try values.decodeIfPresent(String.self, forKey: .workDir)
        bindDir = try values.decodeIfPresent(String.self, forKey: .bindDir)
        autoRemove = try values.decodeIfPresent(Bool.self, forKey: .autoRemove) ?? defaults.autoRemove
        stopContainer = try values.decodeIfPresent(Bool.self, forKey: .stopContainer) ?? defaults.stopContainer
        deviceRequests = try values.decodeIfPresent([DeviceRequest].self, forKey: .deviceRequests) ?? []
        functions = try values.decodeIfPresent([String].self, forKey: .functions) ?? []
        requirements = try values.decodeIfPresent([String].self, forKey: .requirements) ?? []
        functionsModule = try values.decodeIfPresent(String.self, forKey: .functionsModule) ?? defaults.functionsModule
        extraVolumes = try values.decodeIfPresent([String].self, forKey: .extraVolumes) ?? []
        extraHosts = try values.decodeIfPresent([String: String].self, forKey: .extraHosts) ?? [:]
        initCommand = try values.decodeIfPresent(String.self, forKey: .initCommand)
        deleteTmpFiles = try values.decodeIfPresent(Bool.self, forKey: .deleteTmpFiles) ?? false
        network = try values.decodeIfPresent(String.self, forKey: .network) ?? defaults.network
        memory = try values.decodeIfPresent(String.self, forKey: .memory)
        cpus = try values.decodeIfPresent(Double.self, forKey: .cpus)
        pidsLimit = try values.decodeIfPresent(Int.self, forKey: .pidsLimit)
        user = try values.decodeIfPresent(String.self, forKey: .user)
        readOnly = try values.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
    }

    /// Reads a configuration file (JSON is YAML too).
    public static func load(path: String) throws(ConfigurationError) -> ExecutorConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("Cannot read the config file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    /// Parses configuration text (JSON or YAML).
    public static func parse(_ text: String, source: String = "config") throws(ConfigurationError) -> ExecutorConfiguration {
        let configuration: ExecutorConfiguration
        do {
            configuration = try YAMLDecoder().decode(ExecutorConfiguration.self, from: text.isEmpty ? "{}" : text)
        } catch {
            throw ConfigurationError("The config file \(source) is not valid: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    /// The configuration as YAML, which `parse` reads back equal.
    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        return try encoder.encode(self)
    }

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
        if let pidsLimit, pidsLimit < 1 { throw ConfigurationError("pids_limit must be at least 1 (got \(pidsLimit)).") }
        for volume in extraVolumes where VolumeMount(volume) == nil {
            throw ConfigurationError("A volume must be HOST:CONTAINER[:ro|rw] with absolute paths (got '\(volume)').")
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// A GPU (or other device) request, as the engine's `DeviceRequests` takes it.
public struct DeviceRequest: Sendable, Equatable, Codable {
    public var driver: String?
    /// -1 for all devices.
    public var count: Int?
    public var deviceIDs: [String]?
    public var capabilities: [[String]]

    public init(driver: String? = nil, count: Int? = nil, deviceIDs: [String]? = nil, capabilities: [[String]] = [["gpu"]]) {
        self.driver = driver
        self.count = count
        self.deviceIDs = deviceIDs
        self.capabilities = capabilities
    }

    enum CodingKeys: String, CodingKey {
        case driver, count, capabilities
        case deviceIDs = "device_ids"
    }

    /// `--gpus all` or `--gpus N`.
    public static func gpus(_ value: String) -> DeviceRequest? {
        if value == "all" { return DeviceRequest(count: -1) }
        guard let count = Int(value), count >= 1 else { return nil }
        return DeviceRequest(count: count)
    }
}

/// One `HOST:CONTAINER[:ro|rw]` volume.
public struct VolumeMount: Sendable, Equatable {
    public var host: String
    public var container: String
    public var readOnly: Bool

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, parts[0].hasPrefix("/"), parts[1].hasPrefix("/") else { return nil }
        host = parts[0]
        container = parts[1]
        if parts.count == 3 {
            guard parts[2] == "ro" || parts[2] == "rw" else { return nil }
            readOnly = parts[2] == "ro"
        } else {
            readOnly = false
        }
    }

    /// The engine's bind string.
    public var bind: String { "\(host):\(container):\(readOnly ? "ro" : "rw")" }
}

/// Sizes such as `512m`, `2g`, `1048576`.
public enum MemorySize {
    public static func bytes(_ text: String) -> Int64? {
        let lower = text.lowercased().trimmingWhitespace()
        let units: [(String, Int64)] = [("kb", 1 << 10), ("k", 1 << 10), ("mb", 1 << 20), ("m", 1 << 20), ("gb", 1 << 30), ("g", 1 << 30), ("b", 1)]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Double(lower.dropLast(suffix.count)), number > 0 else { return nil }
            return Int64(number * Double(factor))
        }
        guard let number = Int64(lower), number > 0 else { return nil }
        return number
    }
}

/// A configuration that cannot be used (exit 2).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
