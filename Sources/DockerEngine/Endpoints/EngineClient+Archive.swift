extension EngineClient {
    /// Extracts a tar archive into `path` inside the container (`PUT /containers/{id}/archive`).
    /// The directory must already exist; see `TarArchive` to build the archive.
    public func uploadArchive(containerID: String, path: String, tar: [UInt8]) async throws(EngineError) {
        let query: [(name: String, value: String)] = [("path", path)]
        let response = try await request(
            .put, "/containers/\(Self.segment(containerID))/archive", query: query,
            body: tar, contentType: "application/x-tar")
        try check(response)
    }
}

extension EngineClient {
    /// A tar archive of `path` inside the container (`GET /containers/{id}/archive`): the
    /// file itself (a symbolic link as a link entry, never followed), or a directory and
    /// everything under it. Read it with `TarArchive.firstRegularFile(in:)`.
    public func downloadArchive(containerID: String, path: String) async throws(EngineError) -> [UInt8] {
        let query: [(name: String, value: String)] = [("path", path)]
        let response = try await request(.get, "/containers/\(Self.segment(containerID))/archive", query: query)
        try check(response)
        return response.body
    }
}
