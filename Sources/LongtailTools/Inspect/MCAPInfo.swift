import LongtailMCAP
import LongtailSupport

/// What `longtail inspect` reports about an MCAP file (like `mcap info`).
public struct MCAPInfo: Sendable {
    /// One channel's line.
    public struct ChannelInfo: Sendable {
        public var id: UInt16
        public var topic: String
        public var schemaName: String
        public var schemaEncoding: String
        public var messageEncoding: String
        public var messageCount: UInt64
    }

    public var path: String
    public var fileSize: UInt64
    public var profile: String
    public var library: String
    public var messageCount: UInt64
    public var startTime: UInt64
    public var endTime: UInt64
    public var chunkCount: Int
    /// Chunk counts by compression name ("none" for uncompressed).
    public var compression: [String: Int]
    public var compressedBytes: UInt64
    public var uncompressedBytes: UInt64
    public var channels: [ChannelInfo]
    public var attachmentCount: Int
    public var metadataCount: Int
    /// Whether the figures came from the file's summary (true) or from a full scan.
    public var fromSummary: Bool

    /// Gathers the report: from the summary when it has statistics and chunk indexes,
    /// otherwise by streaming the whole file.
    /// - Throws: `MCAPError` naming the file.
    public static func read(path: String) throws(MCAPError) -> MCAPInfo {
        let header = try FileSource(path: path).readHeader()
        let indexed = try MCAPIndexedReader(path: path)
        var info = MCAPInfo(path: path, fileSize: indexed.source.size, profile: header.profile, library: header.library,
                            messageCount: 0, startTime: 0, endTime: 0, chunkCount: 0, compression: [:],
                            compressedBytes: 0, uncompressedBytes: 0, channels: [], attachmentCount: 0,
                            metadataCount: 0, fromSummary: false)
        var counts: [UInt16: UInt64] = [:]
        let s = indexed.summary
        var channels = s.channels
        var schemas = s.schemas
        if indexed.usedFileSummary, let stats = s.statistics {
            info.fromSummary = true
            info.messageCount = stats.messageCount
            info.startTime = stats.messageStartTime
            info.endTime = stats.messageEndTime
            for (id, n) in stats.channelMessageCounts { counts[id] = n }
            for c in s.chunkIndexes {
                info.compression[c.compression.isEmpty ? "none" : c.compression, default: 0] += 1
                info.compressedBytes += c.compressedSize
                info.uncompressedBytes += c.uncompressedSize
            }
            info.chunkCount = s.chunkIndexes.count
            info.attachmentCount = Int(stats.attachmentCount)
            info.metadataCount = Int(stats.metadataCount)
        } else {
            var first = true
            try MCAPStreamReader.forEachRecord(inFile: path) { (raw) throws(MCAPError) in
                switch raw.opcode {
                case Opcode.message:
                    let m = try raw.messageView()
                    counts[m.channelID, default: 0] += 1
                    info.messageCount += 1
                    if first || m.logTime < info.startTime { info.startTime = m.logTime }
                    if first || m.logTime > info.endTime { info.endTime = m.logTime }
                    first = false
                case Opcode.chunk:
                    let h = try ChunkHeader.parse(body: raw.body, offset: raw.offset)
                    info.chunkCount += 1
                    info.compression[h.compression.isEmpty ? "none" : h.compression, default: 0] += 1
                    info.compressedBytes += UInt64(h.records.count)
                    info.uncompressedBytes += h.uncompressedSize
                case Opcode.attachment: info.attachmentCount += 1
                case Opcode.metadata: info.metadataCount += 1
                case Opcode.channel, Opcode.schema:
                    switch try raw.parse() {
                    case .channel(let c): channels[c.id] = c
                    case .schema(let x): schemas[x.id] = x
                    default: break
                    }
                default: break
                }
            }
        }
        // A summary without repeated channels or schemas: they sit in the data section
        // (possibly inside chunks); one more pass collects them.
        if channels.count < counts.count || (schemas.isEmpty && !channels.isEmpty) {
            try MCAPStreamReader.forEachRecord(inFile: path) { (raw) throws(MCAPError) in
                guard raw.opcode == Opcode.channel || raw.opcode == Opcode.schema else { return }
                switch try raw.parse() {
                case .channel(let c): channels[c.id] = c
                case .schema(let x): schemas[x.id] = x
                default: break
                }
            }
        }
        info.channels = channels.values.sorted { $0.id < $1.id }.map { c in
            let schema = schemas[c.schemaID]
            return ChannelInfo(id: c.id, topic: c.topic, schemaName: schema?.name ?? "",
                               schemaEncoding: schema?.encoding ?? "", messageEncoding: c.messageEncoding,
                               messageCount: counts[c.id] ?? 0)
        }
        return info
    }
}
