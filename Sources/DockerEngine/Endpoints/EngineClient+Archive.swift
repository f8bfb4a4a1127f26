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
