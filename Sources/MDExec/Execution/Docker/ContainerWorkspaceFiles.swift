import DockerEngine

/// The workspace inside the container of a remote engine (`tcp://`), where there is no bind
/// mount: listed with `find` and `cksum` (one command through the runner), files read
/// through the archive endpoint (`GET /containers/{id}/archive`, which never follows a link).
struct ContainerWorkspaceFiles: WorkspaceFiles {
    let executor: DockerExecutor

    /// Every image file and every displayed file, as `CRC SIZE ./PATH` lines.
    static let listing =
        "find . -type f \\( "
        + BlockImage.mediaTypes.keys.sorted().map { "-iname '*.\($0)'" }.joined(separator: " -o ")
        + " \\) -exec cksum {} + 2>/dev/null; true"

    func pictures() async -> WorkspacePictures {
        let capture = OutputCapture(limit: 4 << 20)
        do {
            _ = try await executor.runShell(Self.listing, timeoutSeconds: 60, capture: capture)
        } catch {
            executor.logger.warning("Cannot list the pictures in the container's workspace: \(error)")
            return WorkspacePictures()
        }
        return Self.parse(capture.text().stdout)
    }

    /// The pictures of a `cksum` listing: files outside `.mdexec`, and those it displayed.
    static func parse(_ listing: String) -> WorkspacePictures {
        var pictures = WorkspacePictures()
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let size = Int64(fields[1]), fields[2].hasPrefix("./") else { continue }
            let path = String(fields[2].dropFirst(2))
            if path.hasPrefix(WorkspacePictures.shownFolder + "/") {
                pictures.shown.append(path)
            } else if !path.hasPrefix(WorkspacePictures.privateFolder + "/") {
                pictures.files[path] = WorkspacePictures.Version(size: size, mark: String(fields[0]))
            }
        }
        pictures.shown.sort()
        return pictures
    }

    func contents(_ path: String, limit: Int) async -> [UInt8]? {
        guard let id = executor.containerID else { return nil }
        do {
            let archive = try await executor.client.downloadArchive(
                containerID: id, path: ContainerBlueprint.workspace + "/" + path)
            guard let bytes = TarArchive.firstRegularFile(in: archive), bytes.count <= limit else { return nil }
            return bytes
        } catch {
            executor.logger.warning("Cannot copy \(path) out of the container: \(error)")
            return nil
        }
    }

    func remove(_ paths: [String]) async {
        let quoted = paths.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        do {
            _ = try await executor.runShell("rm -f -- " + quoted.joined(separator: " "), timeoutSeconds: 30)
        } catch {
            executor.logger.warning("Cannot remove displayed files in the container: \(error)")
        }
    }
}
