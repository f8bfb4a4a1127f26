import Foundation
import SystemPackage

/// Checks and writes paths that blocks name (`# filename:` hints, `file=`): a path that
/// resolves outside the workspace, lexically or through a symlink, is never written.
enum WorkspacePath {
    /// The ancestor's message for a path outside the workspace.
    static let outsideMessage = "Filename is not in the workspace"

    /// The normalised relative path, or an error when it is absolute, empty, holds a
    /// newline or NUL, or climbs out with `..`.
    static func normalized(_ path: String) throws(ExecutionError) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D })
        else { throw ExecutionError(.outsideWorkspace, outsideMessage) }
        if isNormal(path) { return path }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { throw ExecutionError(.outsideWorkspace, outsideMessage) }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        guard !parts.isEmpty else { throw ExecutionError(.outsideWorkspace, outsideMessage) }
        return parts.joined(separator: "/")
    }

    /// Whether no component of the relative `path` is empty, `.` or `..` (the usual case,
    /// which needs no rewriting).
    private static func isNormal(_ path: String) -> Bool {
        var componentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if componentLength == 0 || componentLength == dots && dots <= 2 { return false }
                componentLength = 0
                dots = 0
            } else {
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return componentLength > 0 && !(componentLength == dots && dots <= 2)
    }

    /// Writes `contents` to `path` inside the host directory `root`, creating missing
    /// parent directories; refuses any step that a symlink leads outside `root`.
    static func write(_ contents: [UInt8], to path: String, root: String) throws(ExecutionError) {
        let target = try resolve(path, root: root, creatingParents: true)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ExecutionError(
                .writeFailed, "Cannot write \(path) in the workspace: \(String(cString: strerror(errno))).")
        }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        do {
            _ = try file.writeAll(contents)
        } catch {
            throw ExecutionError(.writeFailed, "Cannot write \(path) in the workspace: \(error).")
        }
    }

    /// The host path `path` resolves to inside `root`, following symlinks that stay inside.
    static func resolve(_ path: String, root: String, creatingParents: Bool) throws(ExecutionError) -> String {
        let relative = try normalized(path)
        guard let realRoot = realPath(root) else {
            throw ExecutionError(.writeFailed, "The workspace \(root) does not exist.")
        }
        var current = realRoot
        let parts = relative.split(separator: "/").map(String.init)
        for (position, part) in parts.enumerated() {
            let candidate = current + "/" + part
            let isLast = position == parts.count - 1
            var info = stat()
            if lstat(candidate, &info) != 0 {
                guard errno == ENOENT else {
                    throw ExecutionError(
                        .writeFailed, "Cannot use \(path) in the workspace: \(String(cString: strerror(errno))).")
                }
                if !isLast {
                    guard creatingParents, mkdir(candidate, 0o755) == 0 || errno == EEXIST else {
                        throw ExecutionError(.writeFailed, "Cannot create the folders of \(path) in the workspace.")
                    }
                }
                current = candidate
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard let resolved = realPath(candidate), isInside(resolved, realRoot) else {
                    throw ExecutionError(.outsideWorkspace, outsideMessage)
                }
                current = resolved
            } else {
                current = candidate
            }
        }
        guard isInside(current, realRoot), current != realRoot else {
            throw ExecutionError(.outsideWorkspace, outsideMessage)
        }
        return current
    }

    private static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
