import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

/// The streamed reader against the MCAP conformance suite (`../shared/data/mcap-conformance`).
@Suite struct ConformanceTests {
    static var inputs: [URL] {
        guard let data = TestSupport.sharedData else { return [] }
        return TestSupport.files(in: data.appendingPathComponent("mcap-conformance"), ext: "mcap")
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func suiteIsPresent() throws {
        #expect(Self.inputs.count == 208)
    }

    /// Every input, fed whole, one byte at a time and in odd piece sizes, yields exactly
    /// the expected records (chunks expanded, message indexes dropped).
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment), arguments: [0, 1, 7, 13, 4093])
    func streamedReaderMatchesExpected(pieceSize: Int) throws {
        let inputs = Self.inputs
        try #require(!inputs.isEmpty)
        for url in inputs {
            let bytes = try [UInt8](Data(contentsOf: url))
            let expected = try Self.expectedRecords(for: url)
            let actual = try Self.readAll(bytes, pieceSize: pieceSize)
            #expect(actual == expected, "\(url.lastPathComponent) fed in pieces of \(pieceSize)")
        }
    }

    /// The records a streamed reader yields, as canonical JSON lines in the suite's shape.
    static func readAll(_ bytes: [UInt8], pieceSize: Int) throws -> [String] {
        let reader = MCAPStreamReader()
        var out: [String] = []
        func drain() throws {
            while let raw = try reader.next() {
                if raw.opcode == Opcode.chunk || raw.opcode == Opcode.messageIndex { continue }
                out.append(TestSupport.canonicalJSON(ConformanceJSON.record(try raw.parse())))
            }
        }
        if pieceSize == 0 {
            reader.append(bytes)
            try drain()
        } else {
            var i = 0
            while i < bytes.count {
                let n = min(pieceSize, bytes.count - i)
                reader.append(Array(bytes[i..<(i + n)]))
                try drain()
                i += n
            }
        }
        try reader.finish()
        return out
    }

    static func expectedRecords(for url: URL) throws -> [String] {
        let json = url.deletingPathExtension().appendingPathExtension("json")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let records = obj["records"] as! [[String: Any]]
        return records.map { TestSupport.canonicalJSON($0) }
    }
}

/// Renders records the way the conformance suite's expected files do: fields sorted by
/// name, numbers as decimal strings, bytes as arrays of decimal strings.
enum ConformanceJSON {
    static func record(_ r: Record) -> [String: Any] {
        func s<T: BinaryInteger>(_ v: T) -> String { String(v) }
        func b(_ v: [UInt8]) -> [String] { v.map { String($0) } }
        func m(_ v: [(String, String)]) -> [String: String] { Dictionary(v, uniquingKeysWith: { a, _ in a }) }
        let (type, fields): (String, [(String, Any)]) = {
            switch r {
            case .header(let h): return ("Header", [("library", h.library), ("profile", h.profile)])
            case .footer(let f):
                return ("Footer", [("summary_crc", s(f.summaryCRC)), ("summary_offset_start", s(f.summaryOffsetStart)),
                                   ("summary_start", s(f.summaryStart))])
            case .schema(let x):
                return ("Schema", [("data", b(x.data)), ("encoding", x.encoding), ("id", s(x.id)), ("name", x.name)])
            case .channel(let c):
                return ("Channel", [("id", s(c.id)), ("message_encoding", c.messageEncoding), ("metadata", m(c.metadata)),
                                    ("schema_id", s(c.schemaID)), ("topic", c.topic)])
            case .message(let x):
                return ("Message", [("channel_id", s(x.channelID)), ("data", b(x.data)), ("log_time", s(x.logTime)),
                                    ("publish_time", s(x.publishTime)), ("sequence", s(x.sequence))])
            case .chunk: return ("Chunk", [])
            case .messageIndex: return ("MessageIndex", [])
            case .chunkIndex(let x):
                var offsets: [String: String] = [:]
                for (k, v) in x.messageIndexOffsets { offsets[s(k)] = s(v) }
                return ("ChunkIndex", [("chunk_length", s(x.chunkLength)), ("chunk_start_offset", s(x.chunkStartOffset)),
                                       ("compressed_size", s(x.compressedSize)), ("compression", x.compression),
                                       ("message_end_time", s(x.messageEndTime)),
                                       ("message_index_length", s(x.messageIndexLength)),
                                       ("message_index_offsets", offsets),
                                       ("message_start_time", s(x.messageStartTime)),
                                       ("uncompressed_size", s(x.uncompressedSize))])
            case .attachment(let a):
                return ("Attachment", [("create_time", s(a.createTime)), ("data", b(a.data)), ("log_time", s(a.logTime)),
                                       ("media_type", a.mediaType), ("name", a.name)])
            case .attachmentIndex(let a):
                return ("AttachmentIndex", [("create_time", s(a.createTime)), ("data_size", s(a.dataSize)),
                                            ("length", s(a.length)), ("log_time", s(a.logTime)),
                                            ("media_type", a.mediaType), ("name", a.name), ("offset", s(a.offset))])
            case .statistics(let x):
                var counts: [String: String] = [:]
                for (k, v) in x.channelMessageCounts { counts[s(k)] = s(v) }
                return ("Statistics", [("attachment_count", s(x.attachmentCount)), ("channel_count", s(x.channelCount)),
                                       ("channel_message_counts", counts), ("chunk_count", s(x.chunkCount)),
                                       ("message_count", s(x.messageCount)), ("message_end_time", s(x.messageEndTime)),
                                       ("message_start_time", s(x.messageStartTime)),
                                       ("metadata_count", s(x.metadataCount)), ("schema_count", s(x.schemaCount))])
            case .metadata(let x): return ("Metadata", [("metadata", m(x.metadata)), ("name", x.name)])
            case .metadataIndex(let x):
                return ("MetadataIndex", [("length", s(x.length)), ("name", x.name), ("offset", s(x.offset))])
            case .summaryOffset(let x):
                return ("SummaryOffset", [("group_length", s(x.groupLength)), ("group_opcode", s(x.groupOpcode)),
                                          ("group_start", s(x.groupStart))])
            case .dataEnd(let x): return ("DataEnd", [("data_section_crc", s(x.dataSectionCRC))])
            case .unknown(let op, let body): return ("Unknown", [("opcode", s(op)), ("data", b(body))])
            }
        }()
        return ["type": type, "fields": fields.map { [$0.0, $0.1] }]
    }
}
