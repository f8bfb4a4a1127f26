/// The workspace's files as mdexec reads them back after a block, to find the pictures the
/// block made: a folder on this machine, or the workspace inside a remote engine's container.
public protocol WorkspaceFiles: Sendable {
    /// The image files of the workspace now, `.mdexec` left out, and what a python session
    /// displayed (in `.mdexec/out`).
    func pictures() async -> WorkspacePictures
    /// A regular file's bytes (never through a symbolic link); nil when it is missing, not a
    /// regular file, or over `limit` bytes.
    func contents(_ path: String, limit: Int) async -> [UInt8]?
    /// Removes files mdexec has read (the displayed ones).
    func remove(_ paths: [String]) async
}

/// The picture files of a workspace at one moment.
public struct WorkspacePictures: Sendable, Equatable {
    /// One version of a file: it differs whenever the file was created or changed.
    public struct Version: Sendable, Equatable {
        public var size: Int64
        /// Modification time and inode on this machine; a checksum in a container.
        public var mark: String

        public init(size: Int64, mark: String) {
            self.size = size
            self.mark = mark
        }
    }

    /// Image files by workspace path.
    public var files: [String: Version]
    /// The workspace paths of the files a python session displayed (`.mdexec/out/NAME`), in
    /// the order they were shown.
    public var shown: [String]

    public init(files: [String: Version] = [:], shown: [String] = []) {
        self.files = files
        self.shown = shown
    }

    /// mdexec's own folder in the workspace: the session drivers' files, never a block's picture.
    static let privateFolder = ".mdexec"
    /// Where the python driver writes what it displays: `NNNNNNNNN.KIND.EXT`.
    static let shownFolder = privateFolder + "/out"
}
