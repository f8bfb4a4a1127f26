import Foundation

/// The workspace as a folder on this machine (the local executor, and Docker's bind mount).
struct HostWorkspaceFiles: WorkspaceFiles {
    let root: String

    func pictures() async -> WorkspacePictures {
        var pictures = WorkspacePictures()
        walk(relative: "", depth: 0, into: &pictures.files)
        let folder = (root as NSString).appendingPathComponent(WorkspacePictures.shownFolder)
        pictures.shown = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map {
            WorkspacePictures.shownFolder + "/" + $0
        }
        return pictures
    }

    func contents(_ path: String, limit: Int) async -> [UInt8]? {
        let fd = open((root as NSString).appendingPathComponent(path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= limit else { return nil }
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

    func remove(_ paths: [String]) async {
        for path in paths { unlink((root as NSString).appendingPathComponent(path)) }
    }

    /// Records the image files under `relative`, not following symbolic links.
    private func walk(relative: String, depth: Int, into files: inout [String: WorkspacePictures.Version]) {
        guard depth < 32, files.count < 100_000 else { return }
        let directory = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        // A dirent is only as long as its name: read its fields in place, never the whole struct.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        while let entry = readdir(handle) {
            let raw = UnsafeRawPointer(entry)
            let name = String(cString: raw.advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." || (depth == 0 && name == WorkspacePictures.privateFolder) { continue }
            let type = raw.load(fromByteOffset: typeOffset, as: UInt8.self)
            let isImage = BlockImage.imageExtension(name) != nil
            // Only directories and image files cost a stat; a link is never followed.
            guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) || (type == UInt8(DT_REG) && isImage) else {
                continue
            }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat((root as NSString).appendingPathComponent(path), &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(relative: path, depth: depth + 1, into: &files)
            case S_IFREG where isImage:
                files[path] = WorkspacePictures.Version(
                    size: Int64(info.st_size), mark: "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)")
            default:
                continue
            }
        }
    }
}
