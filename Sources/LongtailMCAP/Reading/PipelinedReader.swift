import Foundation

/// Streams a file like `MCAPStreamReader.forEachRecord(inFile:)`, but reads and
/// decompresses chunks on a second thread while the caller's thread handles the
/// records of the previous chunk: decompression and decoding overlap on two cores.
///
/// Records arrive in file order, exactly as from the streamed reader (chunk records
/// first, then their contents). Memory: `depth` decompressed chunks in flight.
public enum MCAPPipelinedReader {
    /// Calls `body` for every record of the file at `path`, in file order.
    /// - Throws: the first `MCAPError` from the file (with its path) or from `body`.
    public static func forEachRecord(inFile path: String, options: MCAPReadOptions = MCAPReadOptions(), depth: Int = 3,
                                     _ body: (RawRecord) throws(MCAPError) -> Void) throws(MCAPError) {
        let shared = Shared(depth: max(1, depth))
        let thread = Thread { produce(path: path, options: options, shared: shared) }
        thread.stackSize = 1 << 20
        thread.start()
        defer { shared.cancel() }
        while true {
            switch shared.take() {
            case .record(let opcode, let bytes, let offset):
                try withBytes(bytes) { (b) throws(MCAPError) in
                    try body(RawRecord(opcode: opcode, body: b, offset: offset, chunkOffset: nil))
                }
            case .chunk(let header, let buffer, let offset):
                try withBytes(header) { (b) throws(MCAPError) in
                    try body(RawRecord(opcode: Opcode.chunk, body: b, offset: offset, chunkOffset: nil))
                }
                defer { shared.recycle(buffer) }
                try MCAPStreamReader.forEachRecord(inChunk: buffer.bytes, from: 0, chunkOffset: offset, body)
            case .failed(let error):
                throw error
            case .end:
                return
            }
        }
    }

    enum Item {
        /// A record outside chunks, copied.
        case record(UInt8, [UInt8], UInt64)
        /// A chunk: its record body (copied) and its decompressed contents.
        case chunk([UInt8], ChunkBuffer, UInt64)
        case failed(MCAPError)
        case end
    }

    /// The queue between the two threads, and the pool of chunk buffers.
    final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [Item] = []
        private var pool: [ChunkBuffer]
        private var cancelled = false

        init(depth: Int) { pool = (0..<depth).map { _ in ChunkBuffer() } }

        func put(_ item: Item) {
            condition.lock(); defer { condition.unlock() }
            queue.append(item)
            condition.broadcast()
        }

        func take() -> Item {
            condition.lock(); defer { condition.unlock() }
            while queue.isEmpty { condition.wait() }
            return queue.removeFirst()
        }

        /// A free buffer, or nil once the consumer has gone.
        func buffer() -> ChunkBuffer? {
            condition.lock(); defer { condition.unlock() }
            while pool.isEmpty && !cancelled { condition.wait() }
            return cancelled ? nil : pool.removeLast()
        }

        func recycle(_ b: ChunkBuffer) {
            condition.lock(); defer { condition.unlock() }
            pool.append(b)
            condition.broadcast()
        }

        func cancel() {
            condition.lock(); defer { condition.unlock() }
            cancelled = true
            condition.broadcast()
        }

        var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }
    }

    private static func produce(path: String, options: MCAPReadOptions, shared: Shared) {
        var opts = options
        opts.expandChunks = false
        let decompressor = ChunkDecompressor()
        do throws(MCAPError) {
            try MCAPStreamReader.forEachRecord(inFile: path, options: opts) { (raw) throws(MCAPError) in
                guard raw.opcode == Opcode.chunk, options.expandChunks else {
                    shared.put(.record(raw.opcode, Array(raw.body), raw.offset))
                    return
                }
                let h = try ChunkHeader.parse(body: raw.body, offset: raw.offset)
                guard let buffer = shared.buffer() else {
                    throw MCAPError(.cancelled, offset: raw.offset)
                }
                do throws(MCAPError) {
                    try ChunkExpansion.decompress(h, into: buffer, using: decompressor, options: options, offset: raw.offset)
                } catch {
                    shared.recycle(buffer)
                    throw error
                }
                shared.put(.chunk(Array(raw.body), buffer, raw.offset))
            }
            shared.put(.end)
        } catch {
            var e = error
            if e.file == nil { e.file = path }
            if !shared.isCancelled { shared.put(.failed(e)) }
        }
    }
}
