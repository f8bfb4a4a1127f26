import Logging
import Synchronization

/// Says once per executor that blocks asked to run in a session ran in their own processes
/// (the runner could not start a session driver, or `--runner exec`).
final class SessionNotice: Sendable {
    private let told = Mutex(false)

    func tell(_ logger: Logger) {
        guard
            told.withLock({ told in
                defer { told = true }
                return !told
            })
        else { return }
        logger.warning(
            """
            notebook mode is not available here (the image lacks setsid, mkfifo or the interpreter, \
            or --runner exec): blocks run in their own processes, as with --fresh
            """)
    }
}
