/// Little-endian serialisation of MCAP record fields into a growing byte array.
struct RecordEncoder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) { u32(UInt32(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    mutating func bytes32(_ b: [UInt8]) { u32(UInt32(b.count)); bytes.append(contentsOf: b) }

    mutating func stringMap(_ m: [(String, String)]) {
        var inner = RecordEncoder()
        for (k, v) in m { inner.string(k); inner.string(v) }
        bytes32(inner.bytes)
    }

    mutating func u16u64Map(_ m: [(UInt16, UInt64)]) {
        u32(UInt32(m.count * 10))
        for (k, v) in m { u16(k); u64(v) }
    }

    /// Opcode, a placeholder length, then `body`, then the length patched in.
    mutating func record(_ opcode: UInt8, _ body: (inout RecordEncoder) -> Void) {
        u8(opcode)
        let lengthAt = bytes.count
        u64(0)
        let start = bytes.count
        body(&self)
        let length = UInt64(bytes.count - start).littleEndian
        withUnsafeBytes(of: length) { l in
            for i in 0..<8 { bytes[lengthAt + i] = l[i] }
        }
    }
}

extension Record {
    /// The record's full serialisation: opcode, length and body.
    public func encoded() -> [UInt8] {
        var e = RecordEncoder()
        e.record(opcode) { e in
            switch self {
            case .header(let h): e.string(h.profile); e.string(h.library)
            case .footer(let f): e.u64(f.summaryStart); e.u64(f.summaryOffsetStart); e.u32(f.summaryCRC)
            case .schema(let s): e.u16(s.id); e.string(s.name); e.string(s.encoding); e.bytes32(s.data)
            case .channel(let c):
                e.u16(c.id); e.u16(c.schemaID); e.string(c.topic); e.string(c.messageEncoding); e.stringMap(c.metadata)
            case .message(let m):
                e.u16(m.channelID); e.u32(m.sequence); e.u64(m.logTime); e.u64(m.publishTime)
                e.bytes.append(contentsOf: m.data)
            case .chunk(let c):
                e.u64(c.messageStartTime); e.u64(c.messageEndTime); e.u64(c.uncompressedSize); e.u32(c.uncompressedCRC)
                e.string(c.compression); e.u64(UInt64(c.records.count)); e.bytes.append(contentsOf: c.records)
            case .messageIndex(let m):
                e.u16(m.channelID); e.u32(UInt32(m.records.count * 16))
                for r in m.records { e.u64(r.logTime); e.u64(r.offset) }
            case .chunkIndex(let c):
                e.u64(c.messageStartTime); e.u64(c.messageEndTime); e.u64(c.chunkStartOffset); e.u64(c.chunkLength)
                e.u16u64Map(c.messageIndexOffsets.map { ($0.channelID, $0.offset) }); e.u64(c.messageIndexLength)
                e.string(c.compression); e.u64(c.compressedSize); e.u64(c.uncompressedSize)
            case .attachment(let a):
                e.u64(a.logTime); e.u64(a.createTime); e.string(a.name); e.string(a.mediaType)
                e.u64(UInt64(a.data.count)); e.bytes.append(contentsOf: a.data); e.u32(a.crc)
            case .attachmentIndex(let a):
                e.u64(a.offset); e.u64(a.length); e.u64(a.logTime); e.u64(a.createTime); e.u64(a.dataSize)
                e.string(a.name); e.string(a.mediaType)
            case .statistics(let s):
                e.u64(s.messageCount); e.u16(s.schemaCount); e.u32(s.channelCount); e.u32(s.attachmentCount)
                e.u32(s.metadataCount); e.u32(s.chunkCount); e.u64(s.messageStartTime); e.u64(s.messageEndTime)
                e.u16u64Map(s.channelMessageCounts.map { ($0.channelID, $0.count) })
            case .metadata(let m): e.string(m.name); e.stringMap(m.metadata)
            case .metadataIndex(let m): e.u64(m.offset); e.u64(m.length); e.string(m.name)
            case .summaryOffset(let s): e.u8(s.groupOpcode); e.u64(s.groupStart); e.u64(s.groupLength)
            case .dataEnd(let d): e.u32(d.dataSectionCRC)
            case .unknown(_, let body): e.bytes.append(contentsOf: body)
            }
        }
        return e.bytes
    }
}
