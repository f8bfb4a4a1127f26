#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a report (Markdown, JSON or JUnit) could not be written.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for callers that react to it.
    public enum Code: Sendable, Equatable {
        case directoryNotFound
        case notADirectory
        case isADirectory
        case permissionDenied
        case writeFailed
    }

    public var code: Code
    /// The path the report was to be written to, as given.
    public var path: String
    /// A sentence saying what is wrong and, where possible, what to do.
    public var reason: String
    /// The underlying `errno`, if a system call failed.
    public var errno: Int32?

    public init(code: Code, path: String, reason: String, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
        self.errno = errno
    }

    public var description: String { "Cannot write report to \(path): \(reason)" }

    /// The error for a failed system call `operation` on `path`, from its `errno`.
    static func system(_ error: Int32, path: String, directory: String, operation: String) -> ReportError {
        switch error {
        case ENOENT:
            return ReportError(
                code: .directoryNotFound, path: path,
                reason: "directory \(directory) does not exist. Create it first, or choose another path.",
                errno: error)
        case ENOTDIR:
            return ReportError(
                code: .notADirectory, path: path,
                reason: "\(directory) is not a directory.", errno: error)
        case EISDIR:
            return ReportError(
                code: .isADirectory, path: path,
                reason: "it is a directory. Give a file path (or use --output-dir for several documents).",
                errno: error)
        case EACCES, EPERM:
            return ReportError(
                code: .permissionDenied, path: path,
                reason:
                    "permission denied (\(operation) in \(directory)). Check the permissions, or choose another path.",
                errno: error)
        default:
            let message = String(cString: strerror(error))
            return ReportError(
                code: .writeFailed, path: path, reason: "\(operation) failed: \(message).", errno: error)
        }
    }
}
