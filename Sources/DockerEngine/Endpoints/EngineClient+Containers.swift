import Foundation

extension EngineClient {
    /// Creates a container (`POST /containers/create`) and returns its id.
    public func createContainer(name: String? = nil, spec: ContainerSpec) async throws(EngineError) -> String {
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        let query: [(name: String, value: String)] = name.map { [("name", $0)] } ?? []
        let response = try await request(
            .post, "/containers/create", query: query,
            body: try encode(spec), contentType: "application/json")
        return try decode(Created.self, from: response).id
    }

    /// Starts a created container; starting a running one is not an error.
    public func startContainer(_ id: String) async throws(EngineError) {
        let response = try await request(.post, "/containers/\(Self.segment(id))/start")
        try check(response, accepting: [304])
    }

    /// The container's state, name and labels (`GET /containers/{id}/json`).
    public func inspectContainer(_ id: String) async throws(EngineError) -> ContainerInfo {
        let response = try await request(.get, "/containers/\(Self.segment(id))/json")
        return try decode(ContainerInfo.self, from: response)
    }

    /// Stops a container: SIGTERM, then SIGKILL after `timeoutSeconds`. Stopping a stopped one is not an error.
    public func stopContainer(_ id: String, timeoutSeconds: Int = 10) async throws(EngineError) {
        let query: [(name: String, value: String)] = [("t", String(timeoutSeconds))]
        let response = try await request(
            .post, "/containers/\(Self.segment(id))/stop", query: query,
            deadline: .extended(.seconds(max(0, timeoutSeconds))))
        try check(response, accepting: [304])
    }

    /// Sends a signal (default `SIGKILL`) to the container's main process.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws(EngineError) {
        let query: [(name: String, value: String)] = [("signal", signal)]
        let response = try await request(.post, "/containers/\(Self.segment(id))/kill", query: query)
        try check(response)
    }

    /// Removes a container; one that is already gone (404) or already being removed (409) counts
    /// as removed, so cleanup can always call this.
    public func removeContainer(_ id: String, force: Bool = true, volumes: Bool = true) async throws(EngineError) {
        let query: [(name: String, value: String)] = [("force", String(force)), ("v", String(volumes))]
        let response = try await request(.delete, "/containers/\(Self.segment(id))", query: query)
        if response.status == 404 { return }
        if response.status == 409, Self.message(from: response.body).contains("already in progress") { return }
        try check(response)
    }

    /// Restarts a container, giving its processes `timeoutSeconds` to stop.
    public func restartContainer(_ id: String, timeoutSeconds: Int = 10) async throws(EngineError) {
        let query: [(name: String, value: String)] = [("t", String(timeoutSeconds))]
        let response = try await request(
            .post, "/containers/\(Self.segment(id))/restart", query: query,
            deadline: .extended(.seconds(max(0, timeoutSeconds))))
        try check(response)
    }

    /// Containers carrying every label in `labels` (`key` or `key=value`); stopped ones too when `all`.
    public func listContainers(labels: [String] = [], all: Bool = true) async throws(EngineError) -> [ContainerSummary]
    {
        var query: [(name: String, value: String)] = [("all", String(all))]
        if !labels.isEmpty {
            let filters = String(decoding: try encode(["label": labels]), as: UTF8.self)
            query.append(("filters", filters))
        }
        let response = try await request(.get, "/containers/json", query: query)
        return try decode([ContainerSummary].self, from: response)
    }

    /// Waits until the container stops and returns its exit code (`POST /containers/{id}/wait`).
    /// Bounded by cancellation, not by a deadline.
    public func waitContainer(_ id: String) async throws(EngineError) -> Int {
        struct Waited: Decodable {
            var statusCode: Int
            enum CodingKeys: String, CodingKey { case statusCode = "StatusCode" }
        }
        let response = try await request(.post, "/containers/\(Self.segment(id))/wait", deadline: .none)
        return try decode(Waited.self, from: response).statusCode
    }
}
