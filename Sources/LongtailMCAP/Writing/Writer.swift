/// Settings of an `MCAPWriter`.
public struct MCAPWriterOptions: Sendable {
    /// Chunk compression; zstd level 3 by default.
    public var compression: ChunkCompression = .zstd(level: 3)
    /// Uncompressed bytes after which a chunk is closed.
    public var chunkSize = 1 << 20
    /// Put messages in chunks (with message and chunk indexes); false writes them loose.
    public var useChunks = true
    /// Write a summary section (schemas, channels, statistics, indexes, summary offsets).
    public var writeSummary = true
    /// Compute chunk, data-section and summary CRCs (zero means "not computed").
    public var computeCRCs = true

    public init() {}
}

/// A streaming MCAP writer: chunked or not, zstd/lz4/none, with message indexes, chunk
/// indexes, statistics, attachment and metadata indexes, summary offsets and CRCs.
///
/// Memory holds one open chunk plus the summary's indexes.
public final class MCAPWriter {
    public let options: MCAPWriterOptions
    private let sink: MCAPByteSink
    private let compressor = ChunkCompressor()
    private var position: UInt64 = 0
    private var dataCRC: UInt32 = 0
    private var state = State.new

    private var schemas: [Schema] = []
    private var channels: [Channel] = []
    private var chunkIndexes: [ChunkIndex] = []
    private var attachmentIndexes: [AttachmentIndex] = []
    private var metadataIndexes: [MetadataIndex] = []
    private var stats = Statistics()
    private var channelCounts: [UInt16: UInt64] = [:]

    private var chunk: [UInt8] = []
    private var chunkStart: UInt64 = .max
    private var chunkEnd: UInt64 = 0
    /// Message index entries of the open chunk, by channel id (ids are dense, from 0).
    private var chunkIndex: [[(logTime: UInt64, offset: UInt64)]] = []

    private enum State { case new, open, finished }

    /// Creates a writer over `sink`; call `start` next.
    public init(sink: MCAPByteSink, options: MCAPWriterOptions = MCAPWriterOptions()) {
        self.sink = sink
        self.options = options
        chunk.reserveCapacity(options.chunkSize + (64 << 10))
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        try sink.write(bytes)
        position += UInt64(bytes.count)
        if options.computeCRCs && state != .finished { dataCRC = CRC32.update(dataCRC, bytes) }
    }

    private func emit(_ bytes: [UInt8]) throws(MCAPError) {
        var result: Result<Void, MCAPError> = .success(())
        bytes.withUnsafeBytes { b in result = Result { () throws(MCAPError) in try emit(b) } }
        try result.get()
    }

    private func requireOpen(_ what: String) throws(MCAPError) {
        guard state == .open else { throw MCAPError(.writerState("\(what) before start or after finish"), offset: position) }
    }

    /// Writes the magic and the Header record.
    /// - Throws: `MCAPError` from the sink, or when called twice.
    public func start(profile: String, library: String = "longtail") throws(MCAPError) {
        guard state == .new else { throw MCAPError(.writerState("start called twice"), offset: position) }
        state = .open
        try emit(mcapMagic)
        try emit(Record.header(Header(profile: profile, library: library)).encoded())
    }

    /// Registers a schema and writes its record; returns its id (ids start at 1).
    /// - Throws: `MCAPError` from the sink.
    @discardableResult
    public func addSchema(name: String, encoding: String, data: [UInt8]) throws(MCAPError) -> UInt16 {
        try requireOpen("addSchema")
        let s = Schema(id: UInt16(schemas.count + 1), name: name, encoding: encoding, data: data)
        schemas.append(s)
        try emit(Record.schema(s).encoded())
        return s.id
    }

    /// Registers a channel and writes its record; returns its id (ids start at 0).
    /// - Throws: `MCAPError` from the sink.
    @discardableResult
    public func addChannel(topic: String, messageEncoding: String, schemaID: UInt16,
                           metadata: [(String, String)] = []) throws(MCAPError) -> UInt16 {
        try requireOpen("addChannel")
        let c = Channel(id: UInt16(channels.count), schemaID: schemaID, topic: topic,
                        messageEncoding: messageEncoding, metadata: metadata)
        channels.append(c)
        try emit(Record.channel(c).encoded())
        return c.id
    }

    /// Adds one message.
    /// - Throws: `MCAPError` from the sink or compressor, or for an unknown channel.
    public func addMessage(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64,
                           data: UnsafeRawBufferPointer) throws(MCAPError) {
        try requireOpen("addMessage")
        guard Int(channelID) < channels.count else { throw MCAPError(.unknownChannel(channelID), offset: position) }
        if stats.messageCount == 0 || logTime < stats.messageStartTime { stats.messageStartTime = logTime }
        if logTime > stats.messageEndTime { stats.messageEndTime = logTime }
        stats.messageCount += 1
        channelCounts[channelID, default: 0] += 1
        guard options.useChunks else {
            var header = RecordEncoder()
            header.u8(Opcode.message)
            header.u64(UInt64(22 + data.count))
            header.u16(channelID); header.u32(sequence); header.u64(logTime); header.u64(publishTime)
            try emit(header.bytes)
            try emit(data)
            return
        }
        while chunkIndex.count <= Int(channelID) { chunkIndex.append([]) }
        chunkIndex[Int(channelID)].append((logTime, UInt64(chunk.count)))
        // The 31-byte record header straight into the chunk, then the payload by memcpy.
        chunk.append(Opcode.message)
        appendLE(UInt64(22 + data.count)); appendLE(channelID); appendLE(sequence); appendLE(logTime); appendLE(publishTime)
        chunk.append(contentsOf: data.bindMemory(to: UInt8.self))
        chunkStart = min(chunkStart, logTime)
        chunkEnd = max(chunkEnd, logTime)
        if chunk.count >= options.chunkSize { try flushChunk() }
    }

    @inline(__always)
    private func appendLE<T: FixedWidthInteger>(_ v: T) {
        var x = v
        for _ in 0..<MemoryLayout<T>.size {
            chunk.append(UInt8(truncatingIfNeeded: x))
            x = MemoryLayout<T>.size > 1 ? x >> 8 : 0
        }
    }

    /// Adds one message from an array.
    public func addMessage(channelID: UInt16, sequence: UInt32 = 0, logTime: UInt64, publishTime: UInt64,
                           data: [UInt8]) throws(MCAPError) {
        var result: Result<Void, MCAPError> = .success(())
        data.withUnsafeBytes { b in
            result = Result { () throws(MCAPError) in
                try addMessage(channelID: channelID, sequence: sequence, logTime: logTime, publishTime: publishTime, data: b)
            }
        }
        try result.get()
    }

    /// Writes an Attachment record (outside chunks) and indexes it.
    public func addAttachment(name: String, mediaType: String, data: [UInt8], logTime: UInt64,
                              createTime: UInt64) throws(MCAPError) {
        try requireOpen("addAttachment")
        try flushChunk()
        var a = Attachment(logTime: logTime, createTime: createTime, name: name, mediaType: mediaType, data: data, crc: 0)
        var bytes = Record.attachment(a).encoded()
        if options.computeCRCs {
            let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[9..<($0.count - 4)])) }
            a.crc = crc
            bytes = Record.attachment(a).encoded()
        }
        attachmentIndexes.append(AttachmentIndex(offset: position, length: UInt64(bytes.count), logTime: logTime,
                                                 createTime: createTime, dataSize: UInt64(data.count), name: name,
                                                 mediaType: mediaType))
        stats.attachmentCount += 1
        try emit(bytes)
    }

    /// Writes a Metadata record (outside chunks) and indexes it.
    public func addMetadata(name: String, metadata: [(String, String)]) throws(MCAPError) {
        try requireOpen("addMetadata")
        try flushChunk()
        let bytes = Record.metadata(Metadata(name: name, metadata: metadata)).encoded()
        metadataIndexes.append(MetadataIndex(offset: position, length: UInt64(bytes.count), name: name))
        stats.metadataCount += 1
        try emit(bytes)
    }

    private func flushChunk() throws(MCAPError) {
        guard !chunk.isEmpty else { return }
        let crc: UInt32 = options.computeCRCs ? CRC32.checksum(chunk) : 0
        var compressed: ArraySlice<UInt8> = []
        var failure: MCAPError.Reason?
        chunk.withUnsafeBytes { b in
            do throws(MCAPError.Reason) { compressed = try compressor.compress(b, with: options.compression) } catch {
                failure = error
            }
        }
        if let failure { throw MCAPError(failure, offset: position) }
        let chunkOffset = position
        var head = RecordEncoder()
        head.u8(Opcode.chunk)
        let compressionName = options.compression.name
        let bodyLength = 8 + 8 + 8 + 4 + 4 + compressionName.utf8.count + 8 + compressed.count
        head.u64(UInt64(bodyLength))
        head.u64(chunkStart); head.u64(chunkEnd); head.u64(UInt64(chunk.count)); head.u32(crc)
        head.string(compressionName); head.u64(UInt64(compressed.count))
        try emit(head.bytes)
        var result: Result<Void, MCAPError> = .success(())
        compressed.withUnsafeBytes { b in result = Result { () throws(MCAPError) in try emit(b) } }
        try result.get()
        let chunkLength = position - chunkOffset
        var offsets: [(channelID: UInt16, offset: UInt64)] = []
        let indexStart = position
        for (id, records) in chunkIndex.enumerated() where !records.isEmpty {
            offsets.append((UInt16(id), position))
            try emit(Record.messageIndex(MessageIndex(channelID: UInt16(id), records: records)).encoded())
        }
        chunkIndexes.append(ChunkIndex(messageStartTime: chunkStart, messageEndTime: chunkEnd, chunkStartOffset: chunkOffset,
                                       chunkLength: chunkLength, messageIndexOffsets: offsets,
                                       messageIndexLength: position - indexStart, compression: compressionName,
                                       compressedSize: UInt64(compressed.count), uncompressedSize: UInt64(chunk.count)))
        stats.chunkCount += 1
        chunk.removeAll(keepingCapacity: true)
        for i in chunkIndex.indices { chunkIndex[i].removeAll(keepingCapacity: true) }
        chunkStart = .max
        chunkEnd = 0
    }

    /// Flushes the open chunk, writes DataEnd, the summary, the footer and the closing magic.
    /// The sink is not closed.
    /// - Throws: `MCAPError` from the sink or compressor.
    public func finish() throws(MCAPError) {
        try requireOpen("finish")
        try flushChunk()
        try emit(Record.dataEnd(DataEnd(dataSectionCRC: options.computeCRCs ? dataCRC : 0)).encoded())
        state = .finished
        var summaryStart: UInt64 = 0
        var summaryOffsetStart: UInt64 = 0
        var summaryCRC: UInt32 = 0
        var summary: [UInt8] = []
        if options.writeSummary {
            var groups: [SummaryOffset] = []
            func group(_ opcode: UInt8, _ records: [Record]) {
                guard !records.isEmpty else { return }
                let start = position + UInt64(summary.count)
                for r in records { summary += r.encoded() }
                groups.append(SummaryOffset(groupOpcode: opcode, groupStart: start,
                                            groupLength: position + UInt64(summary.count) - start))
            }
            stats.schemaCount = UInt16(schemas.count)
            stats.channelCount = UInt32(channels.count)
            stats.channelMessageCounts = channelCounts.keys.sorted().map { ($0, channelCounts[$0]!) }
            group(Opcode.schema, schemas.map { .schema($0) })
            group(Opcode.channel, channels.map { .channel($0) })
            group(Opcode.statistics, [.statistics(stats)])
            group(Opcode.chunkIndex, chunkIndexes.map { .chunkIndex($0) })
            group(Opcode.attachmentIndex, attachmentIndexes.map { .attachmentIndex($0) })
            group(Opcode.metadataIndex, metadataIndexes.map { .metadataIndex($0) })
            summaryStart = position
            summaryOffsetStart = position + UInt64(summary.count)
            for g in groups { summary += Record.summaryOffset(g).encoded() }
        }
        var footerHead = RecordEncoder()
        footerHead.u8(Opcode.footer); footerHead.u64(20); footerHead.u64(summaryStart); footerHead.u64(summaryOffsetStart)
        if options.computeCRCs && options.writeSummary {
            summaryCRC = footerHead.bytes.withUnsafeBytes { CRC32.update(CRC32.checksum(summary), $0) }
        }
        footerHead.u32(summaryCRC)
        try emit(summary)
        try emit(footerHead.bytes)
        try emit(mcapMagic)
    }
}
