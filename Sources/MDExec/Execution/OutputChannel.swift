/// Which stream of a block some output came from.
public enum OutputChannel: Sendable, Equatable {
    case stdout
    case stderr
}
