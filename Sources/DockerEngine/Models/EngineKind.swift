/// Which implementation of the Engine API answers: used only where engines truly behave
/// differently, and to name the engine in messages.
public enum EngineKind: String, Sendable, Hashable, Codable {
    case docker
    case podman
    /// Another engine speaking the API.
    case other

    /// Recognises Podman by its `Podman Engine` component, Docker by its `Engine` component
    /// or a platform name saying Docker.
    public init(platformName: String?, componentNames: [String]) {
        if componentNames.contains(where: { $0.localizedCaseInsensitiveContains("podman") }) {
            self = .podman
        } else if componentNames.contains("Engine")
            || platformName?.localizedCaseInsensitiveContains("docker") == true
        {
            self = .docker
        } else {
            self = .other
        }
    }

    /// The name messages use.
    public var displayName: String {
        switch self {
        case .docker: "Docker"
        case .podman: "Podman"
        case .other: "the engine"
        }
    }
}
