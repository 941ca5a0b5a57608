/// A bag's index: its connections and what each chunk holds (from the connection and chunk
/// info records the recorder writes at `index_pos` when it closes the file), or the same
/// rebuilt by reading every record when the bag has none.
public struct BagIndex: Sendable {
    public var connections: [UInt32: BagConnection] = [:]
    public var chunks: [BagChunkInfo] = []
    /// Messages per connection.
    public var counts: [UInt32: UInt64] = [:]
    public var startNs: UInt64 = .max
    public var endNs: UInt64 = 0
    /// Read from the file's index (false: rebuilt by a scan).
    public var fromIndex = false
    /// Chunk compressions and how many chunks use each.
    public var compressions: [String: Int] = [:]
    /// Why the file's own index was not used, when it was not.
    public var note: String?

    public var messageCount: UInt64 { counts.values.reduce(0, +) }
}

extension BagReader {
    /// The bag's index, read from the file when it has one, else rebuilt by a scan.
    public func index() throws(BagError) -> BagIndex {
        var note: String
        if indexPosition == 0 {
            note = "no index (index_pos 0: the recorder did not close the bag)"
        } else if indexPosition < firstRecord || indexPosition >= file.size {
            note = "index_pos \(indexPosition) lies outside the file's \(file.size) bytes (truncated after it was written?)"
        } else {
            do throws(BagError) { return try readIndex() } catch { note = "the index does not read (\(error))" }
        }
        var index = try scanIndex()
        index.note = note + "; rebuilt by reading every record"
        return index
    }

    /// The connection and chunk info records at `index_pos`, then each chunk's compression.
    func readIndex() throws(BagError) -> BagIndex {
        var index = BagIndex()
        index.fromIndex = true
        var pos = indexPosition, buffer: [UInt8] = [], data: [UInt8] = []
        while pos < file.size {
            let head = try Self.readHeader(file, at: pos, into: &buffer)
            let dataAt = pos + 8 + head.headerLength
            let op: UInt8
            do throws(BagError.Kind) { op = try head.header.op() } catch { throw BagError(error, offset: pos, file: path) }
            if op == BagOp.connection.rawValue {
                try file.read(Int(head.dataLength), at: dataAt, into: &data, what: "connection")
                let c = try withBytes(data) { (b) throws(BagError) in
                    do throws(BagError.Kind) {
                        return try BagConnection.parse(BagRecordView(header: head.header, data: UnsafeRawBufferPointer(rebasing: b[0..<Int(head.dataLength)]),
                                                                     start: 0, length: Int(head.length)))
                    } catch { throw BagError(error, offset: pos, file: path) }
                }
                index.connections[c.id] = c
            }
            do throws(BagError.Kind) {
                switch op {
                case BagOp.chunkInfo.rawValue:
                    let info = try chunkInfo(head, dataAt: dataAt, into: &data)
                    index.chunks.append(info)
                    for (conn, n) in info.counts { index.counts[conn, default: 0] += UInt64(n) }
                    index.startNs = min(index.startNs, info.startNs)
                    index.endNs = max(index.endNs, info.endNs)
                default: break
                }
            } catch { throw BagError(error, offset: pos, file: path) }
            pos += head.length
        }
        for chunk in index.chunks {
            guard chunk.position >= firstRecord, chunk.position < file.size else {
                throw BagError(.malformed(what: "chunk info", detail: "chunk position \(chunk.position) outside the file"), offset: indexPosition, file: path)
            }
            let head = try Self.readHeader(file, at: chunk.position, into: &buffer)
            guard (try? head.header.op()) == BagOp.chunk.rawValue else {
                throw BagError(.malformed(what: "chunk info", detail: "no chunk at \(chunk.position)"), offset: indexPosition, file: path)
            }
            index.compressions[head.header.string("compression") ?? "none", default: 0] += 1
        }
        if index.chunks.isEmpty { index.startNs = 0 }
        return index
    }

    private func chunkInfo(_ head: RecordHead, dataAt: UInt64, into data: inout [UInt8]) throws(BagError.Kind) -> BagChunkInfo {
        let h = head.header
        guard try h.uint32("ver") == 1 else { throw .malformed(what: "chunk info", detail: "version \(try h.uint32("ver")), expected 1") }
        let count = try h.uint32("count")
        guard UInt64(count) * 8 == head.dataLength else {
            throw .malformed(what: "chunk info", detail: "\(count) connections need \(UInt64(count) * 8) bytes, the record has \(head.dataLength)")
        }
        do throws(BagError) { try file.read(Int(head.dataLength), at: dataAt, into: &data, what: "chunk info") } catch { throw error.kind }
        var counts: [UInt32: UInt32] = [:]
        data.withUnsafeBytes { b in
            for k in 0..<Int(count) {
                counts[b.loadUnaligned(fromByteOffset: 8 * k, as: UInt32.self).littleEndian, default: 0]
                    &+= b.loadUnaligned(fromByteOffset: 8 * k + 4, as: UInt32.self).littleEndian   // a hostile file's counts may wrap
            }
        }
        return BagChunkInfo(position: try h.uint64("chunk_pos"), startNs: try h.time("start_time"), endNs: try h.time("end_time"), counts: counts)
    }

    /// The index rebuilt by reading every record (a bag whose recorder did not close it).
    func scanIndex() throws(BagError) -> BagIndex {
        var index = BagIndex()
        try forEach { (event) throws(BagError) in
            switch event {
            case .connection(let c): index.connections[c.id] = c
            case .message(let m):
                index.counts[m.connection, default: 0] += 1
                index.startNs = min(index.startNs, m.timeNs)
                index.endNs = max(index.endNs, m.timeNs)
            }
        }
        var pos = firstRecord, buffer: [UInt8] = []
        while pos < file.size {   // chunk compressions (headers only)
            guard let head = try? Self.readHeader(file, at: pos, into: &buffer) else { break }
            if (try? head.header.op()) == BagOp.chunk.rawValue { index.compressions[head.header.string("compression") ?? "none", default: 0] += 1 }
            pos += head.length
        }
        if index.counts.isEmpty { index.startNs = 0 }
        return index
    }

    /// The messages of the chunks that may hold times in `[start, end)` (by the index), in
    /// file order; only messages inside the interval reach `body`. Without an index, every record is read.
    public func messages(from start: UInt64, to end: UInt64, index: BagIndex,
                         _ body: (BagConnection, BagMessage) throws(BagError) -> Void) throws(BagError) {
        guard index.fromIndex else {
            var connections: [UInt32: BagConnection] = [:]
            try forEach { (event) throws(BagError) in
                switch event {
                case .connection(let c): connections[c.id] = c
                case .message(let m): if m.timeNs >= start && m.timeNs < end, let c = connections[m.connection] { try body(c, m) }
                }
            }
            return
        }
        var known = ConnectionSet(index.connections.keys)
        var buffer: [UInt8] = [], data: [UInt8] = []
        for chunk in index.chunks.sorted(by: { $0.position < $1.position }) where chunk.endNs >= start && chunk.startNs < end {
            let head = try Self.readHeader(file, at: chunk.position, into: &buffer)
            let compression = head.header.string("compression") ?? "none"
            let size: UInt32
            do throws(BagError.Kind) { size = try head.header.uint32("size") } catch { throw BagError(error, offset: chunk.position, file: path) }
            try file.read(Int(head.dataLength), at: chunk.position + 8 + head.headerLength, into: &data, what: "chunk data")
            try withBytes(data) { (raw) throws(BagError) in
                let plain: UnsafeRawBufferPointer
                do throws(BagError.Kind) {
                    plain = try inflater.inflate(UnsafeRawBufferPointer(rebasing: raw[0..<Int(head.dataLength)]), compression: compression, size: Int(size))
                } catch { throw BagError(error, offset: chunk.position, file: path) }
                try Self.records(in: plain, chunkAt: chunk.position, file: path, known: &known) { (event) throws(BagError) in
                    if case .message(let m) = event, m.timeNs >= start && m.timeNs < end, let c = index.connections[m.connection] { try body(c, m) }
                }
            }
        }
    }
}

/// A chunk as stored: its compression, declared uncompressed size and compressed bytes
/// (a view valid during the callback).
public struct BagChunk {
    public var position: UInt64
    public var compression: String
    public var uncompressedSize: UInt32
    public var data: UnsafeRawBufferPointer
}

extension BagReader {
    /// Every chunk record in file order, not decompressed (for tools that measure or copy
    /// the compressed payloads).
    public func forEachChunk(_ body: (BagChunk) throws(BagError) -> Void) throws(BagError) {
        var pos = firstRecord, header: [UInt8] = [], data: [UInt8] = []
        while pos < file.size {
            let head = try Self.readHeader(file, at: pos, into: &header)
            if (try? head.header.op()) == BagOp.chunk.rawValue {
                let size: UInt32
                do throws(BagError.Kind) { size = try head.header.uint32("size") } catch { throw BagError(error, offset: pos, file: path) }
                try file.read(Int(head.dataLength), at: pos + 8 + head.headerLength, into: &data, what: "chunk data")
                let compression = head.header.string("compression") ?? "none"
                try withBytes(data) { (raw) throws(BagError) in
                    try body(BagChunk(position: pos, compression: compression, uncompressedSize: size,
                                      data: UnsafeRawBufferPointer(rebasing: raw[0..<Int(head.dataLength)])))
                }
            }
            pos += head.length
        }
    }
}
