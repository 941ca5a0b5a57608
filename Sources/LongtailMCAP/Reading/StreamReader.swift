/// One record as the streamed reader yields it, borrowing its body from the reader.
///
/// `body` is valid until the reader is advanced or fed again. Records inside a chunk
/// carry the chunk's file offset in `offset` and their position in the decompressed
/// chunk in `chunkOffset`.
public struct RawRecord {
    public var opcode: UInt8
    public var body: UnsafeRawBufferPointer
    public var offset: UInt64
    public var chunkOffset: UInt64?

    /// Parses the body into an owned `Record`.
    public func parse() throws(MCAPError) -> Record {
        try Record.parse(opcode: opcode, body: body, offset: offset, chunkOffset: chunkOffset)
    }

    /// Parses a Message record's header without copying its payload.
    public func messageView() throws(MCAPError) -> MessageView {
        try MessageView(body: body, offset: offset, chunkOffset: chunkOffset)
    }
}

/// Options shared by Longtail's MCAP readers.
public struct MCAPReadOptions: Sendable {
    /// Check chunk and attachment CRCs when they are non-zero.
    public var validateCRCs = true
    /// Yield the records inside chunks (after the Chunk record itself).
    public var expandChunks = true
    /// Refuse records longer than this, before buffering them.
    public var maxRecordLength: UInt64 = 1 << 31
    /// Refuse chunks that declare more decompressed bytes than this, before allocating
    /// (writers make chunks of 1–4 MiB; one message larger than that makes a chunk its size).
    public var maxChunkSize: UInt64 = 128 << 20
    /// The whole input's size when known (a file): lets the reader reject impossible lengths at once.
    public var totalSize: UInt64?
    /// Sees every piece `forEachRecord(inFile:)` reads, with its file offset, in order (a
    /// content hash built while the file is read once).
    public var onRead: (@Sendable (UInt64, UnsafeRawBufferPointer) -> Void)?

    public init() {}
}

/// A sans-IO MCAP reader: the caller feeds bytes, the reader yields records.
///
/// It checks both magics, skips unknown and private opcodes (they come out as
/// `.unknown` records for the caller to ignore), honours each record's length prefix
/// (so fields added by newer writers are skipped), expands chunks (none, zstd, lz4)
/// checking their CRC when it is non-zero, and never allocates from a length field:
/// memory grows only with bytes actually fed.
///
/// ```swift
/// let reader = MCAPStreamReader()
/// reader.append(bytes)
/// while let record = try reader.next() { ... }
/// try reader.finish()   // at end of input
/// ```
public final class MCAPStreamReader {
    public let options: MCAPReadOptions
    private let input = ByteQueue()
    private let chunk = ChunkBuffer()
    private let decompressor = ChunkDecompressor()
    private var state = State.magic
    /// File offset of the first unread byte in `input`.
    private var inputOffset: UInt64 = 0
    private var chunkRecordOffset: UInt64 = 0
    private var chunkPosition = 0

    private enum State { case magic, records, inChunk, closingMagic, done }

    /// Creates a reader.
    public init(options: MCAPReadOptions = MCAPReadOptions()) { self.options = options }

    /// True once the closing magic has been read.
    public var isFinished: Bool { state == .done }

    /// The number of chunks decompressed so far.
    public private(set) var decompressedChunks = 0

    /// Feeds more input. Views from earlier records become invalid.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        input.append(bytes)
    }

    /// Feeds more input from an array.
    public func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// Lets `fill` write up to `count` bytes straight into the reader's buffer (e.g. `read(2)`),
    /// returning how many it wrote. Avoids a copy when reading files.
    public func appendDirect<E: Error>(upTo count: Int,
                                       _ fill: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) -> Int {
        if input.count == 0 { input.shrink(to: 4 << 20) }
        return try input.write(upTo: count, fill)
    }

    /// The next record, or `nil` when more input is needed (or the file is complete).
    /// - Throws: `MCAPError` for bad magic, impossible lengths, CRC mismatches, bad chunks.
    public func next() throws(MCAPError) -> RawRecord? {
        while true {
            switch state {
            case .magic, .closingMagic:
                guard input.count >= 8 else { return nil }
                let found = Array(UnsafeRawBufferPointer(rebasing: input.readable[0..<8]))
                guard found == mcapMagic else { throw MCAPError(.badMagic(found: found), offset: inputOffset) }
                input.consume(8)
                inputOffset += 8
                if state == .magic { state = .records } else { state = .done; return nil }
            case .done:
                return nil
            case .inChunk:
                if let r = try nextInChunk() { return r }
            case .records:
                guard input.count >= 9 else { return nil }
                let buf = input.readable
                let opcode = buf[0]
                // 0x00 is no opcode (the spec's are 0x01–0xFF): zeroed bytes, e.g. a file
                // preallocated or sparse past its data, which would otherwise read on forever.
                guard opcode != 0 else {
                    throw MCAPError(.unexpectedRecord(opcode: 0, context: "where a record must start (opcode 0x00 is not a record: zeroed bytes?)"),
                                    offset: inputOffset)
                }
                let length = UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
                try checkLength(length)
                let total = 9 + Int(length)
                guard input.count >= total else { return nil }
                let body = UnsafeRawBufferPointer(rebasing: buf[9..<total])
                let offset = inputOffset
                input.consume(total)
                inputOffset += UInt64(total)
                if opcode == Opcode.footer { state = .closingMagic }
                if opcode == Opcode.chunk && options.expandChunks {
                    try expand(body: body, offset: offset)
                }
                return RawRecord(opcode: opcode, body: body, offset: offset, chunkOffset: nil)
            }
        }
    }

    /// Declares the end of input.
    /// - Throws: `.truncated` when the input stopped before the closing magic.
    public func finish() throws(MCAPError) {
        switch state {
        case .done: return
        case .magic, .closingMagic:
            throw MCAPError(.truncated(needed: UInt64(8 - input.count), available: UInt64(input.count)),
                            offset: inputOffset)
        case .inChunk, .records:
            if input.count >= 9 {
                let length = UInt64(littleEndian: input.readable.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
                throw MCAPError(.truncated(needed: 9 + length - UInt64(input.count), available: UInt64(input.count)),
                                offset: inputOffset)
            }
            throw MCAPError(.truncated(needed: UInt64(9 - input.count), available: UInt64(input.count)),
                            offset: inputOffset)
        }
    }

    private func checkLength(_ length: UInt64) throws(MCAPError) {
        if let total = options.totalSize {
            let remaining = total >= inputOffset + 9 ? total - inputOffset - 9 : 0
            if length > remaining {
                throw MCAPError(.lengthExceedsFile(length: length, remaining: remaining), offset: inputOffset)
            }
        }
        if length > options.maxRecordLength {
            throw MCAPError(.recordTooLarge(length: length, limit: options.maxRecordLength), offset: inputOffset)
        }
    }

    private func expand(body: UnsafeRawBufferPointer, offset: UInt64) throws(MCAPError) {
        let header = try ChunkHeader.parse(body: body, offset: offset)
        try ChunkExpansion.decompress(header, into: chunk, using: decompressor, options: options, offset: offset)
        decompressedChunks += 1
        chunkRecordOffset = offset
        chunkPosition = 0
        state = .inChunk
    }

    /// Calls `body` for every remaining record of the chunk being expanded (if any), in one
    /// tight loop. Equivalent to calling `next()` until the chunk ends, but cheaper per record.
    /// - Throws: `MCAPError` for a malformed record inside the chunk, or from `body`.
    public func drainChunk(_ body: (RawRecord) throws(MCAPError) -> Void) throws(MCAPError) {
        guard state == .inChunk else { return }
        let bytes = chunk.bytes
        let from = chunkPosition
        chunkPosition = bytes.count
        state = .records
        try Self.forEachRecord(inChunk: bytes, from: from, chunkOffset: chunkRecordOffset, body)
    }

    /// Walks the records of a decompressed chunk, starting at `from`.
    /// - Throws: `MCAPError` for a record that overruns the chunk or a nested chunk, or from `body`.
    static func forEachRecord(inChunk bytes: UnsafeRawBufferPointer, from: Int, chunkOffset chunkAt: UInt64,
                              _ body: (RawRecord) throws(MCAPError) -> Void) throws(MCAPError) {
        var pos = from
        while pos < bytes.count {
            let record = try recordInChunk(bytes, at: &pos, chunkOffset: chunkAt)
            try body(record)
        }
    }

    /// The record at `pos` in a decompressed chunk; advances `pos` past it.
    /// - Throws: `MCAPError` for a record that overruns the chunk, or a chunk inside a chunk.
    @inline(__always)
    static func recordInChunk(_ bytes: UnsafeRawBufferPointer, at pos: inout Int,
                              chunkOffset chunkAt: UInt64) throws(MCAPError) -> RawRecord {
        let here = UInt64(pos)
        guard bytes.count - pos >= 9 else {
            throw MCAPError(.truncated(needed: 9, available: UInt64(bytes.count - pos)), offset: chunkAt, chunkOffset: here)
        }
        let opcode = bytes[pos]
        guard opcode != 0 else {
            throw MCAPError(.unexpectedRecord(opcode: 0, context: "inside a chunk (opcode 0x00 is not a record: zeroed bytes?)"),
                            offset: chunkAt, chunkOffset: UInt64(pos))
        }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: pos + 1, as: UInt64.self))
        let left = UInt64(bytes.count - pos - 9)
        guard length <= left else {
            throw MCAPError(.lengthExceedsFile(length: length, remaining: left), offset: chunkAt, chunkOffset: here)
        }
        if opcode == Opcode.chunk {
            throw MCAPError(.unexpectedRecord(opcode: opcode, context: "inside a chunk"), offset: chunkAt, chunkOffset: here)
        }
        let start = pos + 9
        pos = start + Int(length)
        return RawRecord(opcode: opcode, body: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]),
                         offset: chunkAt, chunkOffset: here)
    }

    private func nextInChunk() throws(MCAPError) -> RawRecord? {
        let bytes = chunk.bytes
        if chunkPosition == bytes.count { state = .records; return nil }
        var pos = chunkPosition
        let record = try Self.recordInChunk(bytes, at: &pos, chunkOffset: chunkRecordOffset)
        chunkPosition = pos
        return record
    }
}

/// Decompression and CRC checking of one chunk, shared by the streamed and indexed readers.
enum ChunkExpansion {
    static func decompress(_ header: ChunkHeader, into buffer: ChunkBuffer, using decompressor: ChunkDecompressor,
                           options: MCAPReadOptions, offset: UInt64) throws(MCAPError) {
        guard header.uncompressedSize <= options.maxChunkSize else {
            throw MCAPError(.chunkTooLarge(uncompressedSize: header.uncompressedSize, limit: options.maxChunkSize),
                            offset: offset)
        }
        // The declared size against what the compressed bytes can hold, before allocating it.
        if let holds = decompressor.contentSize(compression: header.compression, input: header.records),
           holds != header.uncompressedSize {
            throw MCAPError(.decompressionFailed(compression: header.compression.isEmpty ? "none" : header.compression,
                                                detail: "the chunk declares \(header.uncompressedSize) uncompressed bytes, its data holds \(holds)"),
                            offset: offset)
        }
        let out = buffer.prepare(Int(header.uncompressedSize))
        do throws(MCAPError.Reason) {
            try decompressor.decompress(compression: header.compression, input: header.records, output: out)
        } catch {
            throw MCAPError(error, offset: offset)
        }
        if options.validateCRCs && header.uncompressedCRC != 0 {
            let actual = CRC32.checksum(UnsafeRawBufferPointer(out))
            if actual != header.uncompressedCRC {
                throw MCAPError(.crcMismatch(what: "chunk", expected: header.uncompressedCRC, actual: actual),
                                offset: offset)
            }
        }
    }
}
