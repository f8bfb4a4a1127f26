import DockerEngine
import Testing

@Suite("DOCKER_HOST parsing")
struct DockerHostTests {
    @Test("absent or empty means the local socket")
    func absent() throws {
        #expect(try DockerHost.fromEnvironment([:]) == .local)
        #expect(try DockerHost.fromEnvironment(["DOCKER_HOST": ""]) == .local)
        #expect(DockerHost.local.description == "unix:///var/run/docker.sock")
        #expect(!DockerHost.local.isRemote)
    }

    @Test("unix sockets")
    func unix() throws {
        let host = try DockerHost(parsing: "unix:///run/user/1000/podman/podman.sock")
        #expect(host.endpoint == .unix(path: "/run/user/1000/podman/podman.sock"))
        #expect(host.description == "unix:///run/user/1000/podman/podman.sock")
        #expect(!host.isRemote)
    }

    @Test("tcp addresses, with and without a port, IPv6 in brackets")
    func tcp() throws {
        let host = try DockerHost.fromEnvironment(["DOCKER_HOST": "tcp://10.0.0.5:2376"])
        #expect(host.endpoint == .tcp(host: "10.0.0.5", port: 2376))
        #expect(host.isRemote)
        #expect(host.description == "tcp://10.0.0.5:2376")
        #expect(try DockerHost(parsing: "tcp://docker.internal").endpoint == .tcp(host: "docker.internal", port: 2375))
        #expect(try DockerHost(parsing: "tcp://[::1]:2375").endpoint == .tcp(host: "::1", port: 2375))
        #expect(try DockerHost(parsing: "tcp://[::1]:2375").description == "tcp://[::1]:2375")
    }

    @Test(
        "bad values are refused with a message naming them",
        arguments: [
            "http://localhost:2375", "unix://relative.sock", "tcp://host:99999", "tcp://:2375", "tcp://host:port",
            "ssh://me@box",
        ])
    func invalid(value: String) {
        let error = #expect(throws: EngineError.self) { try DockerHost(parsing: value) }
        #expect(error?.description.contains(value) == true)
    }
}
