/// What a streamed read of a bag yields, in file order.
public enum BagEvent {
    /// A connection, the first time it appears.
    case connection(BagConnection)
    case message(BagMessage)
}

/// Reads a ROS 1 bag (format 2.0): the header, the index when there is one, and every
/// record in file order (chunks decompressed one at a time, none, bz2 or lz4). Lengths and
/// offsets from the file are checked against the bytes that hold them before use; a chunk
/// buffer grows only as its data arrives.
public final class BagReader {
    public let path: String
    let file: BagFile
    /// From the bag header record: where the index starts (0: none was written), and its counts.
    public let indexPosition: UInt64
    public let connectionCount: UInt32
    public let chunkCount: UInt32
    /// Where the first record after the bag header starts.
    let firstRecord: UInt64
    private var scratch: [UInt8] = []
    private var chunkData: [UInt8] = []
    let inflater = ChunkInflater()

    /// Opens `path` and reads its magic and bag header.
    /// - Throws: `BagError` (`notABag` names what the file starts with instead).
    public init(path: String) throws(BagError) {
        self.path = path
        file = try BagFile(path: path)
        var magic: [UInt8] = []
        let n = Int(min(file.size, UInt64(bagMagic.count)))
        try file.read(n, at: 0, into: &magic, what: "magic")
        guard n == bagMagic.count, Array(magic.prefix(n)) == bagMagic else {
            throw BagError(.notABag(found: Self.describe(Array(magic.prefix(n)))), offset: 0, file: path)
        }
        let at = UInt64(bagMagic.count)
        var buffer: [UInt8] = []
        let head = try Self.readHeader(file, at: at, into: &buffer)
        let header = head.header
        do throws(BagError.Kind) {
            guard try header.op() == BagOp.bagHeader.rawValue else {
                throw .malformed(what: "bag header", detail: "the first record is not a bag header (op 3)")
            }
            indexPosition = try header.uint64("index_pos")
            connectionCount = try header.uint32("conn_count")
            chunkCount = try header.uint32("chunk_count")
        } catch {
            throw BagError(error, offset: at, file: path)
        }
        firstRecord = at + head.length
    }

    /// Whether a file starts like a bag (any version), by its first bytes.
    public static func looksLikeBag(_ head: [UInt8]) -> Bool { head.starts(with: Array("#ROSBAG".utf8)) }

    static func describe(_ head: [UInt8]) -> String {
        if head.starts(with: Array("#ROSBAG V".utf8)) || head.starts(with: Array("#ROSRECORD".utf8)) {
            let line = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
            return "an older bag format (\(line)); convert it with `rosbag fix`"
        }
        if head.isEmpty { return "the file is empty" }
        return "it starts with " + head.prefix(8).map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
            .joined(separator: " ")
    }

    /// A record's header with its lengths.
    struct RecordHead {
        var header: BagHeader
        var headerLength: UInt64
        var dataLength: UInt64
        /// The whole record: both lengths and both parts.
        var length: UInt64 { 8 + headerLength + dataLength }
    }

    /// Reads the header of the record at `at`, checking both lengths against the file. The
    /// header's views point into `buffer`.
    static func readHeader(_ file: BagFile, at: UInt64, into buffer: inout [UInt8]) throws(BagError) -> RecordHead {
        let hlen = UInt64(try file.uint32(at: at, what: "record header length", scratch: &buffer))
        try file.read(Int(hlen) + 4, at: at + 4, into: &buffer, what: "record header")
        let dlen = UInt64(buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: Int(hlen), as: UInt32.self).littleEndian })
        guard dlen <= file.size - (at + 8 + hlen) else {
            throw BagError(.truncated(what: "record data", needed: dlen, available: file.size - (at + 8 + hlen)), offset: at, file: file.path)
        }
        var header: BagHeader?
        var failure: BagError.Kind?
        buffer.withUnsafeBytes { b in
            do throws(BagError.Kind) { header = try BagHeader(UnsafeRawBufferPointer(rebasing: b[0..<Int(hlen)])) } catch { failure = error }
        }
        if let failure { throw BagError(failure, offset: at, file: file.path) }
        return RecordHead(header: header!, headerLength: hlen, dataLength: dlen)
    }

    /// Every connection and message in file order: chunks are decompressed one at a time;
    /// connection records outside chunks (the index's copies) are not repeated. Works on
    /// bags without an index (a recorder that did not close the file).
    public func forEach(_ body: (BagEvent) throws(BagError) -> Void) throws(BagError) {
        var pos = firstRecord
        var known = ConnectionSet()
        var header: [UInt8] = []
        while pos < file.size {
            let head = try Self.readHeader(file, at: pos, into: &header)
            let h = head.header, length = head.length
            let dataAt = pos + 8 + head.headerLength, dlen = Int(head.dataLength)
            let op: UInt8
            do throws(BagError.Kind) { op = try h.op() } catch { throw BagError(error, offset: pos, file: path) }
            switch op {
            case BagOp.chunk.rawValue:
                let compression = h.string("compression") ?? "none"
                let size: UInt32
                do throws(BagError.Kind) { size = try h.uint32("size") } catch { throw BagError(error, offset: pos, file: path) }
                try file.read(dlen, at: dataAt, into: &chunkData, what: "chunk data")
                try withBytes(chunkData) { (raw) throws(BagError) in
                    let input = UnsafeRawBufferPointer(rebasing: raw[0..<dlen])
                    let data: UnsafeRawBufferPointer
                    do throws(BagError.Kind) { data = try inflater.inflate(input, compression: compression, size: Int(size)) } catch {
                        throw BagError(error, offset: pos, file: path)
                    }
                    try Self.records(in: data, chunkAt: pos, file: path, known: &known, body)
                }
            case BagOp.connection.rawValue, BagOp.messageData.rawValue:
                // Outside chunks: the index's copies of connections (skipped when known), or
                // messages of a bag written without chunks.
                try file.read(Int(length), at: pos, into: &scratch, what: "record")
                try withBytes(scratch) { (raw) throws(BagError) in
                    try Self.records(in: UnsafeRawBufferPointer(rebasing: raw[0..<Int(length)]), chunkAt: nil, base: pos, file: path,
                                     known: &known, body)
                }
            default: break   // bag header, index data, chunk info: the index, read by `index()`
            }
            pos += length
        }
    }

    /// The records of a chunk's data (or one record outside chunks, at file offset `base`).
    static func records(in data: UnsafeRawBufferPointer, chunkAt: UInt64?, base: UInt64 = 0, file: String,
                        known: inout ConnectionSet, _ body: (BagEvent) throws(BagError) -> Void) throws(BagError) {
        var at = 0
        while at < data.count {
            func fail(_ k: BagError.Kind) -> BagError {
                chunkAt.map { BagError(k, offset: $0, chunkOffset: UInt64(at), file: file) } ?? BagError(k, offset: base + UInt64(at), file: file)
            }
            let left = data.count - at
            guard left >= 4 else { throw fail(.truncated(what: "record header length", needed: 4, available: UInt64(left))) }
            let hlen = Int(data.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
            guard hlen <= left - 4, left - 4 - hlen >= 4 else {
                throw fail(.truncated(what: "record header", needed: UInt64(hlen) + 4, available: UInt64(left - 4)))
            }
            let dlen = Int(data.loadUnaligned(fromByteOffset: at + 4 + hlen, as: UInt32.self).littleEndian)
            let dataAt = at + 8 + hlen
            guard dlen <= data.count - dataAt else { throw fail(.truncated(what: "record data", needed: UInt64(dlen), available: UInt64(data.count - dataAt))) }
            let headerBytes = UnsafeRawBufferPointer(rebasing: data[(at + 4)..<(at + 4 + hlen)])
            let payload = UnsafeRawBufferPointer(rebasing: data[dataAt..<(dataAt + dlen)])
            // Messages, the common case, without allocating: op, conn and time by byte.
            let fields = MessageFields(headerBytes)
            switch fields.op {
            case BagOp.messageData.rawValue:
                guard let conn = fields.conn, let time = fields.time else {
                    throw fail(.malformed(what: "message record", detail: "no 4-byte 'conn' or 8-byte 'time' field"))
                }
                guard known.contains(conn) else { throw fail(.unknownConnection(conn)) }
                try body(.message(BagMessage(connection: conn, timeNs: time, data: payload,
                                             offset: chunkAt ?? base + UInt64(at), chunkOffset: chunkAt.map { _ in UInt64(at) })))
            case BagOp.connection.rawValue:
                let c: BagConnection
                do throws(BagError.Kind) {
                    c = try BagConnection.parse(BagRecordView(header: try BagHeader(headerBytes), data: payload, start: at, length: 8 + hlen + dlen))
                } catch { throw fail(error) }
                if known.insert(c.id).inserted { try body(.connection(c)) }
            case nil: throw fail(.malformed(what: "record header", detail: "no one-byte 'op' field"))
            default: break
            }
            at = dataAt + dlen
        }
    }
}

/// The `op`, `conn` and `time` fields of a record header, found by walking its fields
/// without allocating (the per-message path). Malformed field lengths end the walk.
struct MessageFields {
    var op: UInt8?
    var conn: UInt32?
    var time: UInt64?

    @inline(__always)
    init(_ h: UnsafeRawBufferPointer) {
        var at = 0
        while h.count - at >= 4 {
            let n = Int(h.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
            at += 4
            guard n <= h.count - at else { return }
            let f = at
            at += n
            // "op=", "conn=", "time=": name bytes, then '='.
            if n == 4 && h[f] == 0x6F && h[f + 1] == 0x70 && h[f + 2] == 0x3D {
                op = h[f + 3]
            } else if n == 9 && h[f] == 0x63 && h[f + 1] == 0x6F && h[f + 2] == 0x6E && h[f + 3] == 0x6E && h[f + 4] == 0x3D {
                conn = h.loadUnaligned(fromByteOffset: f + 5, as: UInt32.self).littleEndian
            } else if n == 13 && h[f] == 0x74 && h[f + 1] == 0x69 && h[f + 2] == 0x6D && h[f + 3] == 0x65 && h[f + 4] == 0x3D {
                time = BagTime.nanoseconds(h, at: f + 5)
            }
        }
    }
}

/// `body` over the bytes of `array`, with its typed error.
func withBytes<T>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(BagError) -> T) throws(BagError) -> T {
    var result: Result<T, BagError>!
    array.withUnsafeBytes { b in result = Result { () throws(BagError) in try body(b) } }
    return try result.get()
}

/// The connection ids seen so far: a bit per id below 65 536 (the per-message check costs no
/// hashing), a set beyond.
struct ConnectionSet {
    private var bits = [UInt64](repeating: 0, count: 1024)
    private var large = Set<UInt32>()

    init() {}
    init<S: Sequence>(_ ids: S) where S.Element == UInt32 { for id in ids { _ = insert(id) } }

    @inline(__always)
    func contains(_ id: UInt32) -> Bool {
        id < 65536 ? bits[Int(id >> 6)] & (1 << UInt64(id & 63)) != 0 : large.contains(id)
    }

    /// Adds `id`; whether it was new.
    mutating func insert(_ id: UInt32) -> (inserted: Bool, memberAfterInsert: UInt32) {
        if contains(id) { return (false, id) }
        if id < 65536 { bits[Int(id >> 6)] |= 1 << UInt64(id & 63) } else { large.insert(id) }
        return (true, id)
    }
}
