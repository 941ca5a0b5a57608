extension Record {
    /// Parses a record body. Bytes after the known fields are ignored, as the
    /// specification requires (newer writers may append fields).
    ///
    /// - Parameters:
    ///   - opcode: the record's opcode.
    ///   - body: the record's body, without opcode and length.
    ///   - offset: file offset of the record, for errors.
    ///   - chunkOffset: offset within the decompressed chunk, for records inside one.
    /// - Throws: `MCAPError` with `.malformedRecord` when a field does not fit.
    public static func parse(opcode: UInt8, body: UnsafeRawBufferPointer, offset: UInt64,
                             chunkOffset: UInt64? = nil) throws(MCAPError) -> Record {
        var c = ByteCursor(body)
        var field = ""
        var attachment: (Attachment, Int)?
        do throws(ByteCursor.FieldError) {
            switch opcode {
            case Opcode.header:
                field = "profile"; let profile = try c.string()
                field = "library"; let library = try c.string()
                return .header(Header(profile: profile, library: library))
            case Opcode.footer:
                field = "summary_start"; let a = try c.u64()
                field = "summary_offset_start"; let b = try c.u64()
                field = "summary_crc"; let crc = try c.u32()
                return .footer(Footer(summaryStart: a, summaryOffsetStart: b, summaryCRC: crc))
            case Opcode.schema:
                field = "id"; let id = try c.u16()
                field = "name"; let name = try c.string()
                field = "encoding"; let enc = try c.string()
                field = "data"; let data = try c.bytes32()
                return .schema(Schema(id: id, name: name, encoding: enc, data: data))
            case Opcode.channel:
                field = "id"; let id = try c.u16()
                field = "schema_id"; let sid = try c.u16()
                field = "topic"; let topic = try c.string()
                field = "message_encoding"; let enc = try c.string()
                field = "metadata"; let md = try c.stringMap()
                return .channel(Channel(id: id, schemaID: sid, topic: topic, messageEncoding: enc, metadata: md))
            case Opcode.message:
                field = "header"
                let h = try MessageView.parseHeader(&c)
                return .message(Message(channelID: h.channelID, sequence: h.sequence, logTime: h.logTime,
                                         publishTime: h.publishTime, data: Array(c.rest())))
            case Opcode.chunk:
                field = "header"
                let h = try ChunkHeader.parse(&c)
                return .chunk(Chunk(messageStartTime: h.messageStartTime, messageEndTime: h.messageEndTime,
                                    uncompressedSize: h.uncompressedSize, uncompressedCRC: h.uncompressedCRC,
                                    compression: h.compression, records: Array(h.records)))
            case Opcode.messageIndex:
                field = "channel_id"; let id = try c.u16()
                field = "records"
                let n = try c.length(UInt32.self)
                var sub = ByteCursor(try c.bytesView(count: n))
                var recs: [(logTime: UInt64, offset: UInt64)] = []
                recs.reserveCapacity(n / 16)
                while sub.remaining > 0 { recs.append((try sub.u64(), try sub.u64())) }
                return .messageIndex(MessageIndex(channelID: id, records: recs))
            case Opcode.chunkIndex:
                field = "message_start_time"; let s = try c.u64()
                field = "message_end_time"; let e = try c.u64()
                field = "chunk_start_offset"; let off = try c.u64()
                field = "chunk_length"; let len = try c.u64()
                field = "message_index_offsets"; let mio = try c.u16u64Map()
                field = "message_index_length"; let mil = try c.u64()
                field = "compression"; let comp = try c.string()
                field = "compressed_size"; let cs = try c.u64()
                field = "uncompressed_size"; let us = try c.u64()
                return .chunkIndex(ChunkIndex(messageStartTime: s, messageEndTime: e, chunkStartOffset: off,
                                              chunkLength: len, messageIndexOffsets: mio.map { ($0.0, $0.1) },
                                              messageIndexLength: mil, compression: comp,
                                              compressedSize: cs, uncompressedSize: us))
            case Opcode.attachment:
                field = "log_time"; let lt = try c.u64()
                field = "create_time"; let ct = try c.u64()
                field = "name"; let name = try c.string()
                field = "media_type"; let mt = try c.string()
                field = "data"; let data = try c.bytes64()
                let crcEnd = c.position
                field = "crc"; let crc = try c.u32()
                attachment = (Attachment(logTime: lt, createTime: ct, name: name, mediaType: mt, data: data, crc: crc), crcEnd)
            case Opcode.attachmentIndex:
                field = "offset"; let off = try c.u64()
                field = "length"; let len = try c.u64()
                field = "log_time"; let lt = try c.u64()
                field = "create_time"; let ct = try c.u64()
                field = "data_size"; let ds = try c.u64()
                field = "name"; let name = try c.string()
                field = "media_type"; let mt = try c.string()
                return .attachmentIndex(AttachmentIndex(offset: off, length: len, logTime: lt, createTime: ct,
                                                        dataSize: ds, name: name, mediaType: mt))
            case Opcode.statistics:
                field = "message_count"; let mc = try c.u64()
                field = "schema_count"; let sc = try c.u16()
                field = "channel_count"; let cc = try c.u32()
                field = "attachment_count"; let ac = try c.u32()
                field = "metadata_count"; let mdc = try c.u32()
                field = "chunk_count"; let chc = try c.u32()
                field = "message_start_time"; let s = try c.u64()
                field = "message_end_time"; let e = try c.u64()
                field = "channel_message_counts"; let cmc = try c.u16u64Map()
                return .statistics(Statistics(messageCount: mc, schemaCount: sc, channelCount: cc,
                                              attachmentCount: ac, metadataCount: mdc, chunkCount: chc,
                                              messageStartTime: s, messageEndTime: e,
                                              channelMessageCounts: cmc.map { ($0.0, $0.1) }))
            case Opcode.metadata:
                field = "name"; let name = try c.string()
                field = "metadata"; let md = try c.stringMap()
                return .metadata(Metadata(name: name, metadata: md))
            case Opcode.metadataIndex:
                field = "offset"; let off = try c.u64()
                field = "length"; let len = try c.u64()
                field = "name"; let name = try c.string()
                return .metadataIndex(MetadataIndex(offset: off, length: len, name: name))
            case Opcode.summaryOffset:
                field = "group_opcode"; let op = try c.u8()
                field = "group_start"; let s = try c.u64()
                field = "group_length"; let l = try c.u64()
                return .summaryOffset(SummaryOffset(groupOpcode: op, groupStart: s, groupLength: l))
            case Opcode.dataEnd:
                field = "data_section_crc"; let crc = try c.u32()
                return .dataEnd(DataEnd(dataSectionCRC: crc))
            default:
                return .unknown(opcode: opcode, body: Array(body))
            }
        } catch {
            throw MCAPError(.malformedRecord(opcode: opcode, field: field, detail: error.detail),
                            offset: offset, chunkOffset: chunkOffset)
        }
        // Only the attachment case falls through to here.
        let (a, crcEnd) = attachment!
        if a.crc != 0 {
            let actual = CRC32.checksum(UnsafeRawBufferPointer(rebasing: body[0..<crcEnd]))
            if actual != a.crc {
                throw MCAPError(.crcMismatch(what: "attachment '\(a.name)'", expected: a.crc, actual: actual),
                                offset: offset, chunkOffset: chunkOffset)
            }
        }
        return .attachment(a)
    }
}

/// The fields of a Chunk record with its payload still borrowed.
public struct ChunkHeader {
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var uncompressedSize: UInt64
    public var uncompressedCRC: UInt32
    public var compression: String
    /// The compressed records; valid only as long as the body it was parsed from.
    public var records: UnsafeRawBufferPointer

    static func parse(_ c: inout ByteCursor) throws(ByteCursor.FieldError) -> ChunkHeader {
        let s = try c.u64()
        let e = try c.u64()
        let us = try c.u64()
        let crc = try c.u32()
        let comp = try c.string()
        let n = try c.length(UInt64.self)
        let recs = try c.bytesView(count: n)
        return ChunkHeader(messageStartTime: s, messageEndTime: e, uncompressedSize: us,
                           uncompressedCRC: crc, compression: comp, records: recs)
    }

    /// Parses a chunk body.
    /// - Throws: `MCAPError.malformedRecord` naming the field that did not fit.
    public static func parse(body: UnsafeRawBufferPointer, offset: UInt64) throws(MCAPError) -> ChunkHeader {
        var c = ByteCursor(body)
        do throws(ByteCursor.FieldError) { return try parse(&c) } catch {
            throw MCAPError(.malformedRecord(opcode: Opcode.chunk, field: "header", detail: error.detail), offset: offset)
        }
    }
}

/// A Message record whose payload is borrowed from the reader's buffer (no copy).
///
/// `data` is valid only until the reader that produced it is advanced.
public struct MessageView {
    public var channelID: UInt16
    public var sequence: UInt32
    public var logTime: UInt64
    public var publishTime: UInt64
    public var data: UnsafeRawBufferPointer

    struct FixedHeader { var channelID: UInt16; var sequence: UInt32; var logTime: UInt64; var publishTime: UInt64 }

    static func parseHeader(_ c: inout ByteCursor) throws(ByteCursor.FieldError) -> FixedHeader {
        FixedHeader(channelID: try c.u16(), sequence: try c.u32(), logTime: try c.u64(), publishTime: try c.u64())
    }

    /// Parses a Message record body without copying its payload.
    /// - Throws: `MCAPError.malformedRecord` when the body is shorter than the 22-byte header.
    @inline(__always)
    public init(body: UnsafeRawBufferPointer, offset: UInt64, chunkOffset: UInt64? = nil) throws(MCAPError) {
        guard body.count >= 22 else {
            throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "header",
                                             detail: "needs 22 bytes, record has \(body.count)"),
                            offset: offset, chunkOffset: chunkOffset)
        }
        channelID = UInt16(littleEndian: body.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
        sequence = UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        logTime = UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 6, as: UInt64.self))
        publishTime = UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 14, as: UInt64.self))
        data = UnsafeRawBufferPointer(rebasing: body[22...])
    }
}
