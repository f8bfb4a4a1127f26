/// Where and how a document's results were made: the JSON results' `provenance` (never
/// the Markdown report, which stays deterministic).
public struct Provenance: Sendable, Equatable, Decodable {
    /// The engine, as `GET /version` reports it.
    public struct Engine: Sendable, Equatable, Decodable {
        /// `docker`, `podman` or `other`.
        public var kind: String
        public var version: String
        /// The newest API version the engine speaks.
        public var apiVersion: String

        public init(kind: String, version: String, apiVersion: String) {
            self.kind = kind
            self.version = version
            self.apiVersion = apiVersion
        }

        enum CodingKeys: String, CodingKey {
            case kind, version
            case apiVersion = "api_version"
        }
    }

    /// The image blocks ran in.
    public struct Image: Sendable, Equatable, Decodable {
        public var name: String
        /// The engine's id of the image (`sha256:...`), when it was inspected.
        public var id: String?
        /// Its repository digests (`name@sha256:...`); empty for an image made locally.
        public var digests: [String]

        public init(name: String, id: String?, digests: [String] = []) {
            self.name = name
            self.id = id
            self.digests = digests
        }
    }

    /// The settings that shape results.
    public struct Settings: Sendable, Equatable, Decodable {
        /// `notebook` (sessions, the default) or `fresh`.
        public var mode: String
        /// The block timeout in seconds.
        public var timeout: Int
        /// The container options; nil for the local executor, where they do not apply.
        public var network: String?
        public var memory: String?
        public var cpus: Double?
        public var pidsLimit: Int?
        public var user: String?
        public var readOnly: Bool?

        /// The settings of `configuration`; `container` false leaves the container options out.
        public init(_ configuration: ExecutorConfiguration, container: Bool) {
            mode = configuration.fresh ? "fresh" : "notebook"
            timeout = configuration.timeout
            guard container else { return }
            network = configuration.network
            memory = configuration.memory
            cpus = configuration.cpus
            pidsLimit = configuration.pidsLimit
            user = configuration.user
            readOnly = configuration.readOnly
        }

        enum CodingKeys: String, CodingKey {
            case mode, timeout, network, memory, cpus, user
            case pidsLimit = "pids_limit"
            case readOnly = "read_only"
        }
    }

    /// The mdexec release that ran the document (set by the command-line tool).
    public var mdexecVersion: String?
    /// nil for the local executor.
    public var engine: Engine?
    /// nil for the local executor.
    public var image: Image?
    public var settings: Settings

    public init(mdexecVersion: String? = nil, engine: Engine? = nil, image: Image? = nil, settings: Settings) {
        self.mdexecVersion = mdexecVersion
        self.engine = engine
        self.image = image
        self.settings = settings
    }

    /// The keys of the JSON results (see `JSONReport`).
    enum CodingKeys: String, CodingKey {
        case mdexecVersion = "mdexec"
        case engine, image, settings
    }
}
