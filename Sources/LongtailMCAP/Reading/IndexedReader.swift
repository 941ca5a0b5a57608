/// What the summary section (or a scan that stood in for it) says about a file.
public struct MCAPSummary: Sendable {
    public var schemas: [UInt16: Schema] = [:]
    public var channels: [UInt16: Channel] = [:]
    public var statistics: Statistics?
    public var chunkIndexes: [ChunkIndex] = []
    public var attachmentIndexes: [AttachmentIndex] = []
    public var metadataIndexes: [MetadataIndex] = []
    public init() {}
}

/// A message delivered by the indexed reader; `data` is valid only during the callback.
public struct IndexedMessage {
    public var channel: Channel
    public var schema: Schema?
    public var sequence: UInt32
    public var logTime: UInt64
    public var publishTime: UInt64
    public var data: UnsafeRawBufferPointer
}

/// Reads selected messages of an MCAP file in log-time order, using the summary's chunk
/// indexes to skip chunks outside the requested time range or topics.
///
/// When the summary is absent or damaged (bad CRC, offsets outside the file, no chunk
/// indexes), one streamed pass builds the same index in memory (chunks are located, not
/// decompressed), so callers see the same messages either way.
public final class MCAPIndexedReader {
    /// The open file.
    public let source: FileSource
    public let options: MCAPReadOptions
    /// The summary, from the file or rebuilt by a scan.
    public private(set) var summary = MCAPSummary()
    /// True when the file's own summary was used; false after a fallback scan.
    public private(set) var usedFileSummary = false
    /// Why the file's summary was not used, when it was not.
    public private(set) var fallbackReason: String?
    /// Chunks decompressed so far (for tests and statistics).
    public private(set) var decompressedChunks = 0

    private var items: [Item] = []
    private let decompressor = ChunkDecompressor()

    /// A piece of the data section that holds messages: a chunk, or one loose message.
    struct Item {
        var isChunk: Bool
        var offset: UInt64
        var length: UInt64
        var start: UInt64
        var end: UInt64
        /// Channels present (from message index offsets); nil when unknown.
        var channels: Set<UInt16>?
    }

    /// Opens `path` and loads its summary (or scans for one).
    /// - Throws: `MCAPError` naming the file when it cannot be read at all.
    public init(path: String, options: MCAPReadOptions = MCAPReadOptions()) throws(MCAPError) {
        source = try FileSource(path: path)
        var opts = options
        opts.totalSize = source.size
        self.options = opts
        do {
            try loadSummary()
            usedFileSummary = true
        } catch let reason as SummaryProblem {
            fallbackReason = reason.detail
            summary = MCAPSummary()
            try scanForIndex()
        } catch {
            throw error as! MCAPError
        }
    }

    private struct SummaryProblem: Error { var detail: String }

    private func loadSummary() throws {
        let size = source.size
        guard size >= 8 + 8 + 37 else { throw SummaryProblem(detail: "file too small for a footer") }
        let tail = try source.readExactly(at: size - 37, count: 37)
        guard Array(tail[29...]) == mcapMagic, tail[0] == Opcode.footer else {
            throw SummaryProblem(detail: "no footer and closing magic at the end of the file")
        }
        let footer = try tail.withUnsafeBytes { (b) throws(MCAPError) -> Record in
            try Record.parse(opcode: Opcode.footer, body: UnsafeRawBufferPointer(rebasing: b[9..<29]), offset: size - 37)
        }
        guard case .footer(let f) = footer else { throw SummaryProblem(detail: "bad footer") }
        guard f.summaryStart != 0 else { throw SummaryProblem(detail: "the file has no summary section") }
        guard f.summaryStart >= 8, f.summaryStart <= size - 37 else {
            throw SummaryProblem(detail: "summary_start \(f.summaryStart) lies outside the file")
        }
        let summaryBytes = try source.readExactly(at: f.summaryStart, count: Int(size - 37 - f.summaryStart))
        if f.summaryCRC != 0 {
            let crc = CRC32.update(CRC32.checksum(summaryBytes),
                                   tail.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<25]) })
            guard crc == f.summaryCRC else {
                throw SummaryProblem(detail: "summary CRC mismatch: expected 0x\(hex32(f.summaryCRC)), got 0x\(hex32(crc))")
            }
        }
        var s = MCAPSummary()
        try summaryBytes.withUnsafeBytes { (b) throws in
            var pos = 0
            while pos < b.count {
                guard b.count - pos >= 9 else { throw SummaryProblem(detail: "summary ends inside a record") }
                let op = b[pos]
                let len = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: pos + 1, as: UInt64.self))
                guard len <= UInt64(b.count - pos - 9) else { throw SummaryProblem(detail: "summary record overruns the summary") }
                let body = UnsafeRawBufferPointer(rebasing: b[(pos + 9)..<(pos + 9 + Int(len))])
                let record: Record
                do { record = try Record.parse(opcode: op, body: body, offset: f.summaryStart + UInt64(pos)) } catch {
                    throw SummaryProblem(detail: "\(error)")
                }
                switch record {
                case .schema(let x): s.schemas[x.id] = x
                case .channel(let x): s.channels[x.id] = x
                case .statistics(let x): s.statistics = x
                case .chunkIndex(let x): s.chunkIndexes.append(x)
                case .attachmentIndex(let x): s.attachmentIndexes.append(x)
                case .metadataIndex(let x): s.metadataIndexes.append(x)
                default: break
                }
                pos += 9 + Int(len)
            }
        }
        for c in s.chunkIndexes {
            guard c.chunkStartOffset >= 8, c.chunkLength >= 9,
                  c.chunkStartOffset + c.chunkLength <= f.summaryStart else {
                throw SummaryProblem(detail: "chunk index points outside the data section (offset \(c.chunkStartOffset))")
            }
        }
        if s.chunkIndexes.isEmpty && (s.statistics?.messageCount ?? 1) > 0 {
            throw SummaryProblem(detail: "the summary has no chunk indexes")
        }
        summary = s
        items = s.chunkIndexes.map {
            Item(isChunk: true, offset: $0.chunkStartOffset, length: $0.chunkLength, start: $0.messageStartTime,
                 end: $0.messageEndTime,
                 channels: $0.messageIndexOffsets.isEmpty ? nil : Set($0.messageIndexOffsets.map(\.channelID)))
        }
    }

    /// One streamed pass that locates chunks and loose messages without decompressing.
    private func scanForIndex() throws(MCAPError) {
        var opts = options
        opts.expandChunks = false
        var found: [Item] = []
        var s = MCAPSummary()
        try MCAPStreamReader.forEachRecord(inFile: source.path, options: opts) { (raw) throws(MCAPError) in
            switch raw.opcode {
            case Opcode.chunk:
                let h = try ChunkHeader.parse(body: raw.body, offset: raw.offset)
                found.append(Item(isChunk: true, offset: raw.offset, length: UInt64(raw.body.count) + 9,
                                  start: h.messageStartTime, end: h.messageEndTime, channels: nil))
            case Opcode.message:
                let m = try raw.messageView()
                found.append(Item(isChunk: false, offset: raw.offset, length: UInt64(raw.body.count) + 9,
                                  start: m.logTime, end: m.logTime, channels: [m.channelID]))
            case Opcode.schema, Opcode.channel, Opcode.statistics, Opcode.attachmentIndex, Opcode.metadataIndex:
                switch try raw.parse() {
                case .schema(let x): s.schemas[x.id] = x
                case .channel(let x): s.channels[x.id] = x
                case .statistics(let x): s.statistics = x
                case .attachmentIndex(let x): s.attachmentIndexes.append(x)
                case .metadataIndex(let x): s.metadataIndexes.append(x)
                default: break
                }
            default: break
            }
        }
        summary = s
        items = found
    }

    /// Calls `body` for every message of `topics` (all when nil) with `startTime <= logTime < endTime`,
    /// in log-time order (ties in file order).
    /// - Throws: `MCAPError` from the file or from `body`.
    public func readMessages(topics: Set<String>? = nil, startTime: UInt64 = 0, endTime: UInt64 = .max,
                             _ body: (IndexedMessage) throws(MCAPError) -> Void) throws(MCAPError) {
        var wantedIDs: Set<UInt16>?
        if let topics, !summary.channels.isEmpty {
            wantedIDs = Set(summary.channels.values.filter { topics.contains($0.topic) }.map(\.id))
        }
        let selected = items.filter { item in
            if item.end < startTime || item.start >= endTime { return false }
            if let wantedIDs, let present = item.channels, present.isDisjoint(with: wantedIDs) { return false }
            return true
        }.sorted { ($0.start, $0.offset) < ($1.start, $1.offset) }
        var i = 0
        while i < selected.count {
            var groupEnd = selected[i].end
            var j = i + 1
            while j < selected.count && selected[j].start <= groupEnd {
                groupEnd = max(groupEnd, selected[j].end)
                j += 1
            }
            try readGroup(selected[i..<j], topics: topics, startTime: startTime, endTime: endTime, body)
            i = j
        }
    }

    private struct Ref { var logTime: UInt64; var itemOffset: UInt64; var buffer: Int; var start: Int; var length: Int }

    private func readGroup(_ group: ArraySlice<Item>, topics: Set<String>?, startTime: UInt64, endTime: UInt64,
                           _ body: (IndexedMessage) throws(MCAPError) -> Void) throws(MCAPError) {
        var buffers: [[UInt8]] = []
        var refs: [Ref] = []
        for item in group {
            let record = try source.readExactly(at: item.offset, count: Int(item.length))
            var payload = record
            var inner: UInt64? = nil
            if item.isChunk {
                guard record[0] == Opcode.chunk else {
                    throw MCAPError(.unexpectedRecord(opcode: record[0], context: "where the index points to a chunk"),
                                    offset: item.offset, file: source.path)
                }
                let chunk = ChunkBuffer()
                try withBytes(record) { (b) throws(MCAPError) in
                    let h = try ChunkHeader.parse(body: UnsafeRawBufferPointer(rebasing: b[9...]), offset: item.offset)
                    try ChunkExpansion.decompress(h, into: chunk, using: decompressor, options: options, offset: item.offset)
                }
                decompressedChunks += 1
                payload = Array(chunk.bytes)
                inner = 0
            }
            let index = buffers.count
            buffers.append(payload)
            try withBytes(payload) { (b) throws(MCAPError) in
                var pos = 0
                while pos < b.count {
                    guard b.count - pos >= 9 else {
                        throw MCAPError(.truncated(needed: 9, available: UInt64(b.count - pos)), offset: item.offset,
                                        chunkOffset: inner.map { _ in UInt64(pos) }, file: source.path)
                    }
                    let op = b[pos]
                    // Compared as UInt64 first: a length of 2^63 or more does not fit an Int.
                    let rawLength = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: pos + 1, as: UInt64.self))
                    guard rawLength <= UInt64(b.count - pos - 9) else {
                        throw MCAPError(.lengthExceedsFile(length: rawLength, remaining: UInt64(b.count - pos - 9)),
                                        offset: item.offset, chunkOffset: inner.map { _ in UInt64(pos) }, file: source.path)
                    }
                    let len = Int(rawLength)
                    let bodyRange = (pos + 9)..<(pos + 9 + len)
                    let recBody = UnsafeRawBufferPointer(rebasing: b[bodyRange])
                    let at = inner.map { _ in UInt64(pos) }
                    switch op {
                    case Opcode.message:
                        let m = try MessageView(body: recBody, offset: item.offset, chunkOffset: at)
                        if m.logTime >= startTime && m.logTime < endTime {
                            if topics == nil || summary.channels[m.channelID].map({ topics!.contains($0.topic) }) ?? true {
                                refs.append(Ref(logTime: m.logTime, itemOffset: item.offset, buffer: index,
                                                start: bodyRange.lowerBound, length: len))
                            }
                        }
                    case Opcode.schema, Opcode.channel:
                        switch try Record.parse(opcode: op, body: recBody, offset: item.offset, chunkOffset: at) {
                        case .schema(let x): summary.schemas[x.id] = x
                        case .channel(let x): summary.channels[x.id] = x
                        default: break
                        }
                    default: break
                    }
                    pos += 9 + len
                }
            }
        }
        refs.sort { ($0.logTime, $0.itemOffset, $0.start) < ($1.logTime, $1.itemOffset, $1.start) }
        for r in refs {
            var result: Result<Void, MCAPError> = .success(())
            buffers[r.buffer].withUnsafeBytes { b in
                result = Result { () throws(MCAPError) in
                    let m = try MessageView(body: UnsafeRawBufferPointer(rebasing: b[r.start..<(r.start + r.length)]),
                                            offset: r.itemOffset)
                    guard let channel = summary.channels[m.channelID] else {
                        throw MCAPError(.unknownChannel(m.channelID), offset: r.itemOffset, file: source.path)
                    }
                    if let topics, !topics.contains(channel.topic) { return }
                    try body(IndexedMessage(channel: channel, schema: summary.schemas[channel.schemaID],
                                            sequence: m.sequence, logTime: m.logTime, publishTime: m.publishTime,
                                            data: m.data))
                }
            }
            try result.get()
        }
    }
}
