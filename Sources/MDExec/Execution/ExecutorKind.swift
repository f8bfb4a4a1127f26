/// Where blocks run: the executors a user can name (`--executor`), as the JSON results name them.
public enum ExecutorKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A container, through the Docker Engine API (Docker or Podman).
    case docker
    /// Host processes in the work dir, with no isolation.
    case local
}
