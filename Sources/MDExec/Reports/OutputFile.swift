import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a report to a path without ever leaving a half-written file behind.
///
/// - A regular file, or a path that does not exist yet, is written atomically: a temporary
///   file in the same directory (same permissions as the file it replaces; `0666` minus the
///   umask for a new file), written fully, `fsync`ed, then renamed over the target.
/// - A non-regular target (a FIFO, a character device such as `/dev/null`) is opened and
///   written directly, never replaced. `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and
///   `/proc/self/fd/N` are written to that open file descriptor directly.
/// - A symbolic link is followed: the file it points to is replaced (atomically, as above)
///   and the link itself stays.
public enum OutputFile {
    /// Writes `bytes` to `path` as described above; throws ``ReportError`` saying what to fix.
    public static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        guard !path.isEmpty else {
            throw ReportError(code: .writeFailed, path: path, reason: "the path is empty.")
        }
        if let fd = openDescriptorNumber(path) {
            try writeAll(bytes, fd: fd, path: path, directory: ".")
            return
        }
        let target = try resolvedSymlinks(path)
        let directory = directoryName(target)
        var info = stat()
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                try replaceAtomically(
                    bytes, target: target, path: path, directory: directory,
                    mode: info.st_mode & 0o7777, owner: (info.st_uid, info.st_gid))
            case S_IFDIR:
                throw ReportError.system(EISDIR, path: path, directory: directory, operation: "open")
            default:
                try writeDirectly(bytes, target: target, path: path, directory: directory)
            }
            return
        }
        let statError = errno
        guard statError == ENOENT else {
            throw ReportError.system(statError, path: path, directory: directory, operation: "stat")
        }
        var dirInfo = stat()
        if stat(directory, &dirInfo) != 0 {
            throw ReportError.system(errno, path: path, directory: directory, operation: "stat")
        }
        guard dirInfo.st_mode & S_IFMT == S_IFDIR else {
            throw ReportError.system(ENOTDIR, path: path, directory: directory, operation: "stat")
        }
        try replaceAtomically(
            bytes, target: target, path: path, directory: directory,
            mode: 0o666 & ~currentUmask(), owner: nil)
    }

    // MARK: - Steps

    private static func replaceAtomically(
        _ bytes: [UInt8], target: String, path: String, directory: String, mode: mode_t,
        owner: (uid_t, gid_t)?
    ) throws(ReportError) {
        let base = target.split(separator: "/").last.map(String.init) ?? "report"
        var template = Array("\(directory)/.\(base).mdexec-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw ReportError.system(errno, path: path, directory: directory, operation: "create a temporary file")
        }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            if !renamed { unlink(temp) }
        }
        do {
            defer { close(fd) }
            if let owner { _ = fchown(fd, owner.0, owner.1) }
            guard fchmod(fd, mode) == 0 else {
                throw ReportError.system(errno, path: path, directory: directory, operation: "chmod")
            }
            try writeAll(bytes, fd: fd, path: path, directory: directory)
            guard fsync(fd) == 0 else {
                throw ReportError.system(errno, path: path, directory: directory, operation: "fsync")
            }
        }
        guard rename(temp, target) == 0 else {
            throw ReportError.system(errno, path: path, directory: directory, operation: "rename")
        }
        renamed = true
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    private static func writeDirectly(_ bytes: [UInt8], target: String, path: String, directory: String)
        throws(ReportError)
    {
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ReportError.system(errno, path: path, directory: directory, operation: "open")
        }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: path, directory: directory)
    }

    private static func writeAll(_ bytes: [UInt8], fd: Int32, path: String, directory: String) throws(ReportError) {
        do {
            _ = try FileDescriptor(rawValue: fd).writeAll(bytes)
        } catch let error as Errno {
            throw ReportError.system(error.rawValue, path: path, directory: directory, operation: "write")
        } catch {
            throw ReportError.system(EIO, path: path, directory: directory, operation: "write")
        }
    }

    // MARK: - Paths

    /// The descriptor number for `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
    static func openDescriptorNumber(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// `path` with symbolic links followed (also dangling ones, whose target may be created).
    static func resolvedSymlinks(_ path: String) throws(ReportError) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { return current }
            let link = buffer[0..<n].withUnsafeBufferPointer {
                String(decoding: UnsafeRawBufferPointer($0), as: UTF8.self)
            }
            current = link.hasPrefix("/") ? link : directoryName(current) + "/" + link
        }
        throw ReportError(
            code: .writeFailed, path: path, reason: "too many levels of symbolic links.", errno: ELOOP)
    }

    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// The process umask, read without changing it (`umask(2)` would race other threads).
    private static func currentUmask() -> mode_t {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
            let value = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
        {
            return value
        }
        return 0o022
    }
}
