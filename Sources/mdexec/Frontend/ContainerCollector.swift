import DockerEngine
import Foundation

/// Finds and removes containers mdexec left behind: labelled `mdexec=1` and not in use
/// (stopped, or made by an mdexec process of this machine that no longer exists).
enum ContainerCollector {
    static func collect(includeRunning: Bool) async -> Int32 {
        do {
            let client = try EngineClient()
            let containers = try await client.listContainers(labels: ["mdexec=1"], all: true)
            var removed = 0
            for container in containers where includeRunning || !inUse(container) {
                try await client.removeContainer(container.id, force: true, volumes: true)
                removed += 1
                StandardError.write("removed \(container.names.first ?? String(container.id.prefix(12)))\n")
            }
            let kept = containers.count - removed
            StandardError.write(
                "mdexec gc: removed \(removed) container(s)" + (kept > 0 ? ", kept \(kept) in use" : "") + "\n")
            return ExitStatus.passed
        } catch {
            StandardError.error("\(error)")
            return ExitStatus.infrastructure
        }
    }

    /// Running, and its mdexec process is alive (or lives on another machine).
    private static func inUse(_ container: ContainerSummary) -> Bool {
        guard container.state == "running" else { return false }
        guard container.labels["mdexec.host"] == ProcessInfo.processInfo.hostName,
            let pid = container.labels["mdexec.pid"].flatMap(Int32.init)
        else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
