import Dispatch

/// Plans blocks and writes their JSON on a second thread while the document is still
/// being walked: `mdexec blocks --json` on a huge document then costs little more than
/// libcmark's parse. Blocks travel in batches, at most a few batches ahead of the writer,
/// so memory stays bounded; the JSON is the same as ``PlanJSONWriter`` writes in one thread.
public final class BackgroundPlanWriter: @unchecked Sendable {
    // @unchecked: `writer` is touched only on `queue`; `batch` only by the caller's thread.
    private let queue = DispatchQueue(label: "mdexec.plan-writer")
    private let inFlight = DispatchSemaphore(value: 8)
    private let planner: BlockPlanner
    private var writer: PlanJSONWriter
    private var batch: [CodeBlock] = []
    private static let batchSize = 1024

    /// A writer of one document's plan (`inArray` false) or of several, as a JSON array.
    public init(planner: BlockPlanner, inArray: Bool) {
        self.planner = planner
        self.writer = PlanJSONWriter(inArray: inArray)
    }

    public func beginDocument(_ path: String) {
        queue.async { self.writer.beginDocument(path) }
    }

    public func add(_ block: CodeBlock) {
        batch.append(block)
        if batch.count == Self.batchSize { send() }
    }

    public func endDocument() {
        send()
        queue.async { self.writer.endDocument() }
    }

    /// Waits for the writer and returns the whole text, in pieces.
    public func finish() -> [[UInt8]] {
        send()
        return queue.sync { writer.finish() }
    }

    private func send() {
        guard !batch.isEmpty else { return }
        let blocks = batch
        batch = []
        batch.reserveCapacity(Self.batchSize)
        inFlight.wait()
        queue.async {
            for block in blocks { self.writer.add(self.planner.plan(block)) }
            self.inFlight.signal()
        }
    }
}
