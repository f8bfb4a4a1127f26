import Foundation

/// Where a document's images go, and how its report links to them.
public struct ImageDestination: Sendable, Equatable {
    /// The assets folder on this machine (made when the first image is copied).
    public var directory: String
    /// The folder as the report links it: relative to the report, e.g. `doc_files`.
    public var link: String

    public init(directory: String, link: String) {
        self.directory = directory
        self.link = link
    }

    /// Removes mdexec's own files (`block-<index>-<n>.<ext>`) from the folder, and nothing
    /// else: a run leaves exactly the images it made. Returns the names it could not remove.
    public func removeOwnFiles() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { BlockImage.isOwnName(Substring($0)) }.filter { name in
            unlink((directory as NSString).appendingPathComponent(name)) != 0 && errno != ENOENT
        }
    }
}

/// Finds the pictures a block made, copies them into the destination and describes them:
/// first what its python session displayed (the driver's files in `.mdexec/out`), then the
/// image files it created or changed anywhere in the workspace, in path order. Symbolic
/// links are never followed, a file is never decoded, and at most `perBlock` images of at
/// most `maxBytes` each are taken; past either, a note says so.
struct ImageCollector: Sendable {
    /// The workspace on this machine.
    let workspace: String
    let destination: ImageDestination

    static let perBlock = 20
    static let maxBytes = 10 << 20
    /// The driver's folder in the workspace, which the scan skips.
    static let privateFolder = ".mdexec"

    /// What identifies one version of a file.
    struct Stamp: Equatable, Sendable {
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }

    /// The image files of the workspace now. Whatever a session displayed before (a run
    /// whose report went nowhere) is removed first: it is not this block's.
    func snapshot() -> [String: Stamp] {
        let out = (workspace as NSString).appendingPathComponent(Self.privateFolder + "/out")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] {
            unlink((out as NSString).appendingPathComponent(name))
        }
        return stamps()
    }

    /// The image files of the workspace, by workspace path.
    private func stamps() -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        walk(relative: "", depth: 0, into: &stamps)
        return stamps
    }

    /// The block `index`'s pictures since `before`; notes for what was left out.
    func collect(blockIndex index: Int, before: [String: Stamp]) -> (images: [BlockImage], notes: [String]) {
        var found: [(source: String, ext: String, file: String)] = []
        let out = (workspace as NSString).appendingPathComponent(Self.privateFolder + "/out")
        let shown = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
        for name in shown {
            guard let ext = BlockImage.imageExtension(name) else { continue }
            let kind = name.split(separator: ".").dropFirst().first.map(String.init) ?? "display"
            found.append((kind == "figure" ? "figure" : "display", ext, (out as NSString).appendingPathComponent(name)))
        }
        let now = stamps()
        for path in now.keys.sorted() where before[path] != now[path] {
            guard let ext = BlockImage.imageExtension(path) else { continue }
            found.append((path, ext, (workspace as NSString).appendingPathComponent(path)))
        }
        var images: [BlockImage] = []
        var notes: [String] = []
        for item in found {
            defer { if item.source == "figure" || item.source == "display" { unlink(item.file) } }
            guard images.count < Self.perBlock else {
                if notes.allSatisfy({ !$0.contains("more than") }) {
                    notes.append(
                        "[mdexec: more than \(Self.perBlock) images in this block: the rest were not collected]")
                }
                continue
            }
            let label = item.source == "figure" || item.source == "display" ? "a \(item.source)" : item.source
            guard let bytes = Self.contents(item.file) else {
                notes.append("[mdexec: \(label) is over 10 MiB or cannot be read: not collected]")
                continue
            }
            let name = "block-\(index)-\(images.count + 1).\(item.ext)"
            do {
                try FileManager.default.createDirectory(
                    atPath: destination.directory, withIntermediateDirectories: true)
                try OutputFile.write(bytes, to: (destination.directory as NSString).appendingPathComponent(name))
            } catch {
                notes.append("[mdexec: \(label) could not be copied: \(error)]")
                continue
            }
            images.append(
                BlockImage(
                    path: destination.link.isEmpty ? name : destination.link + "/" + name, source: item.source,
                    mediaType: BlockImage.mediaTypes[item.ext] ?? "application/octet-stream", bytes: bytes.count,
                    sha256: SHA256.hex(bytes)))
        }
        return (images, notes)
    }

    /// A regular file's bytes (never through a symbolic link), if at most `maxBytes`.
    private static func contents(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= maxBytes else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            done += count
        }
        return Array(bytes.prefix(done))
    }

    /// Records the image files under `relative`, not following symbolic links.
    private func walk(relative: String, depth: Int, into stamps: inout [String: Stamp]) {
        guard depth < 32, stamps.count < 100_000 else { return }
        let directory = relative.isEmpty ? workspace : (workspace as NSString).appendingPathComponent(relative)
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        // A dirent is only as long as its name: read its fields in place, never the whole struct.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        while let entry = readdir(handle) {
            let raw = UnsafeRawPointer(entry)
            let name = String(cString: raw.advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." || (depth == 0 && name == Self.privateFolder) { continue }
            let type = raw.load(fromByteOffset: typeOffset, as: UInt8.self)
            let isImage = BlockImage.imageExtension(name) != nil
            // Only directories and image files cost a stat; a link is never followed.
            guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) || (type == UInt8(DT_REG) && isImage) else {
                continue
            }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat((workspace as NSString).appendingPathComponent(path), &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(relative: path, depth: depth + 1, into: &stamps)
            case S_IFREG where isImage:
                stamps[path] = Stamp(
                    size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec,
                    inode: UInt64(info.st_ino))
            default:
                continue
            }
        }
    }
}
