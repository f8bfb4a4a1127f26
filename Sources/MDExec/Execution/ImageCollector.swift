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
/// first what its python session displayed (figures and `display()`), then the image files
/// it created or changed anywhere in the workspace, in path order. Symbolic links are never
/// followed, a file is never decoded, and at most `perBlock` images of at most `maxBytes`
/// each are taken; past either, a note says so.
struct ImageCollector: Sendable {
    let files: any WorkspaceFiles
    let destination: ImageDestination

    static let perBlock = 20
    static let maxBytes = 10 << 20

    /// The image files of the workspace now. Whatever a session displayed before (a run
    /// whose report went nowhere) is removed first: it is not this block's.
    func snapshot() async -> [String: WorkspacePictures.Version] {
        let now = await files.pictures()
        if !now.shown.isEmpty { await files.remove(now.shown) }
        return now.files
    }

    /// The block `index`'s pictures since `before`; notes for what was left out.
    func collect(blockIndex index: Int, before: [String: WorkspacePictures.Version]) async -> (
        images: [BlockImage], notes: [String]
    ) {
        let now = await files.pictures()
        var found: [(source: String, ext: String, path: String)] = []
        for path in now.shown {
            guard let ext = BlockImage.imageExtension(path) else { continue }
            let kind = path.split(separator: "/").last?.split(separator: ".").dropFirst().first
            found.append((kind == "figure" ? "figure" : "display", ext, path))
        }
        for path in now.files.keys.sorted() where before[path] != now.files[path] {
            guard let ext = BlockImage.imageExtension(path) else { continue }
            found.append((path, ext, path))
        }
        var images: [BlockImage] = []
        var notes: [String] = []
        for item in found {
            guard images.count < Self.perBlock else {
                notes.append("[mdexec: more than \(Self.perBlock) images in this block: the rest were not collected]")
                break
            }
            let label = item.source == "figure" || item.source == "display" ? "a \(item.source)" : item.source
            let tooLarge = (now.files[item.path]?.size ?? 0) > Self.maxBytes
            guard !tooLarge, let bytes = await files.contents(item.path, limit: Self.maxBytes) else {
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
        if !now.shown.isEmpty { await files.remove(now.shown) }
        return (images, notes)
    }
}
