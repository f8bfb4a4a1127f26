import Foundation

/// The host directory an executor writes blocks to: the one the user gave, or (the
/// ancestor's default) a new temporary directory that the executor removes when it stops.
struct WorkDirectory: Sendable {
    let path: String
    /// Whether the executor made it, and so removes it.
    let isOwned: Bool

    init(_ given: String?) throws(ExecutionError) {
        if let given {
            path = Self.absolute(given)
            isOwned = false
            return
        }
        var template = Array((NSTemporaryDirectory() + "mdexec-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw ExecutionError(
                .infrastructure, "Cannot create a temporary work dir: \(String(cString: strerror(errno))).")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        isOwned = true
    }

    /// `path` from the current directory when it is relative: an engine takes a relative
    /// bind source for the name of a volume.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// Removes the directory if the executor made it.
    func removeIfOwned() {
        if isOwned { try? FileManager.default.removeItem(atPath: path) }
    }
}
