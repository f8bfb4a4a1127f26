import CCmark

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory libcmark allocates while one document is parsed: blocks carved from a few
/// large chunks, recycled through per-size free lists, and released all at once, so the
/// parsed tree need not be freed node by node.
///
/// Why: a large document makes libcmark allocate millions of small nodes. Freeing them
/// one by one into the process heap leaves glibc millions of fast-bin chunks to merge on
/// the next large allocation, which costs about as much again as the parse. Here they
/// go back to the arena, and the arena returns whole chunks.
///
/// libcmark's allocator callbacks take no context, so the arena in use is found through
/// a thread-local key: a parse runs on one thread from start to end. Several parses
/// may run at once on different threads, each with its own arena.
struct CmarkArena {
    private static let headerSize = 16
    /// Large blocks also link to each other (previous, next) before the class and size.
    private static let largeHeaderSize = 32
    private static let chunkSize = 4 << 20
    /// Requests above this size go to the system allocator directly.
    private static let largeLimit = 256 << 10
    private static let largeClass = 255
    private static let classCount = 80

    /// Plain memory, not class properties: the callbacks run millions of times and must
    /// not pay for reference counting or exclusivity checks.
    private struct State {
        var next: UnsafeMutableRawPointer?
        var remaining = 0
        /// The newest chunk; each chunk starts with a pointer to the one before it.
        var lastChunk: UnsafeMutableRawPointer?
        /// The newest large block still allocated (a doubly linked list).
        var lastLarge: UnsafeMutableRawPointer?
        var freeLists: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    }

    /// Runs `body` with a libcmark allocator backed by a new arena, then releases the
    /// arena with everything libcmark allocated in `body` and did not free: nothing
    /// allocated in `body` may be used after it.
    static func withMemory<R, E: Error>(_ body: (UnsafeMutablePointer<cmark_mem>) throws(E) -> R) throws(E) -> R {
        let freeLists = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: classCount)
        freeLists.initialize(repeating: nil, count: classCount)
        let state = UnsafeMutablePointer<State>.allocate(capacity: 1)
        state.initialize(to: State(freeLists: freeLists))
        let key = cmarkArenaKey
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, state)
        defer {
            pthread_setspecific(key, previous)
            var large = state.pointee.lastLarge
            while let current = large {
                large = current.load(as: UnsafeMutableRawPointer?.self)
                free(current)
            }
            var chunk = state.pointee.lastChunk
            while let current = chunk {
                chunk = current.load(as: UnsafeMutableRawPointer?.self)
                munmap(current, chunkSize)
            }
            freeLists.deallocate()
            state.deallocate()
        }
        var memory = cmark_mem(calloc: cmarkArenaCalloc, realloc: cmarkArenaRealloc, free: cmarkArenaFree)
        return try withUnsafeMutablePointer(to: &memory) { (pointer) throws(E) -> R in try body(pointer) }
    }

    /// Sizes up to 1 KiB in steps of 16 bytes (libcmark's nodes are about 140 bytes),
    /// then powers of two.
    private static func sizeClass(_ size: Int) -> Int {
        size <= 1024 ? (size + 15) >> 4 : 54 + Int.bitWidth - (size - 1).leadingZeroBitCount
    }

    private static func capacity(ofClass sizeClass: Int) -> Int {
        sizeClass <= 64 ? sizeClass << 4 : 1 << (sizeClass - 54)
    }

    fileprivate static func allocate(_ size: Int, zeroed: Bool, in state: UnsafeMutableRawPointer)
        -> UnsafeMutableRawPointer?
    {
        let state = state.assumingMemoryBound(to: State.self)
        if size > largeLimit {
            guard let raw = zeroed ? calloc(1, size + largeHeaderSize) : malloc(size + largeHeaderSize) else {
                return nil
            }
            raw.storeBytes(of: largeClass, toByteOffset: 16, as: Int.self)
            raw.storeBytes(of: size, toByteOffset: 24, as: Int.self)
            link(raw, in: state)
            return raw + largeHeaderSize
        }
        let sizeClass = sizeClass(size)
        if let block = state.pointee.freeLists[sizeClass] {
            state.pointee.freeLists[sizeClass] = block.load(as: UnsafeMutableRawPointer?.self)
            if zeroed { block.initializeMemory(as: UInt8.self, repeating: 0, count: size) }
            return block
        }
        let total = capacity(ofClass: sizeClass) + headerSize
        if total > state.pointee.remaining {
            guard let chunk = newChunk(populated: state.pointee.lastChunk != nil) else { return nil }
            chunk.storeBytes(of: state.pointee.lastChunk, as: UnsafeMutableRawPointer?.self)
            state.pointee.lastChunk = chunk
            state.pointee.next = chunk + headerSize
            state.pointee.remaining = chunkSize - headerSize
        }
        guard let raw = state.pointee.next else { return nil }
        state.pointee.next = raw + total
        state.pointee.remaining -= total
        raw.storeBytes(of: sizeClass, as: Int.self)
        return raw + headerSize  // fresh chunk memory is already zero
    }

    fileprivate static func release(_ block: UnsafeMutableRawPointer, in state: UnsafeMutableRawPointer) {
        let state = state.assumingMemoryBound(to: State.self)
        let raw = block - headerSize
        let sizeClass = raw.load(as: Int.self)
        if sizeClass == largeClass {
            let large = block - largeHeaderSize
            unlink(large, in: state)
            free(large)
            return
        }
        block.storeBytes(of: state.pointee.freeLists[sizeClass], as: UnsafeMutableRawPointer?.self)
        state.pointee.freeLists[sizeClass] = block
    }

    fileprivate static func reallocate(
        _ block: UnsafeMutableRawPointer?, _ size: Int, in state: UnsafeMutableRawPointer
    ) -> UnsafeMutableRawPointer? {
        guard let block else { return allocate(size, zeroed: false, in: state) }
        let raw = block - headerSize
        let sizeClass = raw.load(as: Int.self)
        let capacity =
            sizeClass == largeClass ? raw.load(fromByteOffset: 8, as: Int.self) : capacity(ofClass: sizeClass)
        if size <= capacity { return block }
        if sizeClass == largeClass {
            // Large blocks (libcmark's growing buffers) grow in place where the heap can.
            let state = state.assumingMemoryBound(to: State.self)
            let large = block - largeHeaderSize
            unlink(large, in: state)
            guard let grown = realloc(large, size + largeHeaderSize) else {
                link(large, in: state)
                return nil
            }
            grown.storeBytes(of: size, toByteOffset: 24, as: Int.self)
            link(grown, in: state)
            return grown + largeHeaderSize
        }
        guard let moved = allocate(size, zeroed: false, in: state) else { return nil }
        moved.copyMemory(from: block, byteCount: capacity)
        release(block, in: state)
        return moved
    }

    /// Fresh zeroed memory for one chunk. From the second chunk on (a large document), its
    /// pages are mapped in one go (`MAP_POPULATE`): one system call instead of a thousand
    /// page faults, which cost more than libcmark's own work on the memory. A small
    /// document's one chunk is mapped page by page, only as far as it is used.
    private static func newChunk(populated: Bool) -> UnsafeMutableRawPointer? {
        var flags = MAP_PRIVATE | MAP_ANONYMOUS
        #if os(Linux)
        if populated { flags |= MAP_POPULATE }
        #endif
        guard let chunk = mmap(nil, chunkSize, PROT_READ | PROT_WRITE, flags, -1, 0),
            chunk != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return chunk
    }

    /// Puts the large block at `raw` at the head of the arena's list (its first two words
    /// are the links: toward older blocks, toward newer ones).
    private static func link(_ raw: UnsafeMutableRawPointer, in state: UnsafeMutablePointer<State>) {
        let older = state.pointee.lastLarge
        raw.storeBytes(of: older, as: UnsafeMutableRawPointer?.self)
        raw.storeBytes(of: nil, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        older?.storeBytes(of: raw, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        state.pointee.lastLarge = raw
    }

    private static func unlink(_ raw: UnsafeMutableRawPointer, in state: UnsafeMutablePointer<State>) {
        let older = raw.load(as: UnsafeMutableRawPointer?.self)
        let newer = raw.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        older?.storeBytes(of: newer, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        if let newer {
            newer.storeBytes(of: older, as: UnsafeMutableRawPointer?.self)
        } else {
            state.pointee.lastLarge = older
        }
    }
}

private let cmarkArenaKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

private func currentArena() -> UnsafeMutableRawPointer {
    pthread_getspecific(cmarkArenaKey)!
}

private func cmarkArenaCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    let (total, overflow) = count.multipliedReportingOverflow(by: size)
    guard !overflow, let block = CmarkArena.allocate(max(total, 1), zeroed: true, in: currentArena()) else {
        fatalError("libcmark ran out of memory")
    }
    return block
}

private func cmarkArenaRealloc(_ block: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let moved = CmarkArena.reallocate(block, max(size, 1), in: currentArena()) else {
        fatalError("libcmark ran out of memory")
    }
    return moved
}

private func cmarkArenaFree(_ block: UnsafeMutableRawPointer?) {
    if let block { CmarkArena.release(block, in: currentArena()) }
}
