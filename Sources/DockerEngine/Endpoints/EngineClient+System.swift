extension EngineClient {
    /// Checks that the engine answers (`GET /_ping`), returning its answer (normally `OK`).
    @discardableResult
    public func ping() async throws(EngineError) -> String {
        let response = try await unversionedRequest(.get, "/_ping")
        try check(response)
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The engine's version and the API versions it speaks (`GET /version`, not versioned).
    public func version() async throws(EngineError) -> EngineVersion {
        let response = try await unversionedRequest(.get, "/version")
        return try decode(EngineVersion.self, from: response)
    }
}
