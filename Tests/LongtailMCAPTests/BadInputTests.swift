import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

/// Malformed input gives typed errors naming the file, the byte offset and the cause;
/// never a crash, a hang, or an allocation sized by a bogus length.
@Suite struct BadInputTests {
    /// A small valid file (zstd chunks, summary) from Longtail's writer.
    static func sample(compression: ChunkCompression = .zstd(level: 3)) throws -> [UInt8] {
        let dir = TestSupport.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.mcap").path
        _ = try SampleFile.write(path: path, compression: compression, chunked: true, count: 6, chunkSize: 600)
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func streamAll(_ bytes: [UInt8], options: MCAPReadOptions = MCAPReadOptions()) throws(MCAPError) -> Int {
        let reader = MCAPStreamReader(options: options)
        reader.append(bytes)
        var n = 0
        while let r = try reader.next() { _ = try r.parse(); n += 1 }
        try reader.finish()
        return n
    }

    @Test func truncatedAtEveryOffsetFailsCleanly() throws {
        let bytes = try Self.sample()
        #expect(try Self.streamAll(bytes) > 10)
        for cut in 0..<bytes.count {
            do {
                _ = try Self.streamAll(Array(bytes[0..<cut]))
                Issue.record("prefix of \(cut) bytes was accepted")
            } catch {
                guard case .truncated = error.reason else { Issue.record("cut \(cut): \(error)"); continue }
                #expect(error.offset <= UInt64(cut))
            }
        }
    }

    @Test func truncatedFileNamesTheFile() throws {
        let bytes = try Self.sample()
        let dir = TestSupport.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cut.mcap").path
        try Data(bytes[0..<(bytes.count / 2)]).write(to: URL(fileURLWithPath: path))
        do {
            try MCAPStreamReader.forEachRecord(inFile: path) { _ in }
            Issue.record("accepted a truncated file")
        } catch {
            #expect(error.file == path)
            // The record that runs past the end is reported where it starts.
            if case .lengthExceedsFile = error.reason {} else if case .truncated = error.reason {} else {
                Issue.record("unexpected \(error)")
            }
            #expect(error.description.contains("cut.mcap") && error.description.contains("at byte"))
        }
    }

    @Test func bitFlippedChunkIsACRCMismatch() throws {
        var bytes = try Self.sample(compression: .none)
        // Flip a byte inside the first chunk's records (uncompressed, so it still parses).
        let reader = MCAPStreamReader(options: { var o = MCAPReadOptions(); o.expandChunks = false; return o }())
        reader.append(bytes)
        var chunkAt: UInt64?
        while chunkAt == nil, let r = try reader.next() { if r.opcode == Opcode.chunk { chunkAt = r.offset } }
        let at = Int(try #require(chunkAt)) + 9 + 8 * 3 + 4 + 4 + 8 + 40
        bytes[at] ^= 0x10
        do {
            _ = try Self.streamAll(bytes)
            Issue.record("accepted a corrupted chunk")
        } catch {
            guard case .crcMismatch(let what, let expected, let actual) = error.reason else { Issue.record("\(error)"); return }
            #expect(what == "chunk" && expected != actual)
            #expect(error.offset == chunkAt)
            #expect(error.description.contains("expected 0x"))
        }
    }

    @Test func wrongMagic() throws {
        var bytes = try Self.sample()
        bytes[1] = UInt8(ascii: "X")
        #expect(throws: MCAPError(.badMagic(found: [0x89, 0x58, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]), offset: 0)) {
            _ = try Self.streamAll(bytes)
        }
        #expect(throws: MCAPError.self) { _ = try Self.streamAll(Array("not an mcap file at all".utf8)) }
    }

    @Test func hugeLengthsNeverAllocate() throws {
        let bytes = try Self.sample()
        // Header record length set to 2^63: with the file size known it is rejected at once…
        var huge = bytes
        withUnsafeBytes(of: (UInt64(1) << 63).littleEndian) { for i in 0..<8 { huge[9 + i] = $0[i] } }
        var opts = MCAPReadOptions()
        opts.totalSize = UInt64(huge.count)
        do { _ = try Self.streamAll(huge, options: opts); Issue.record("accepted") } catch {
            #expect(error.reason == .lengthExceedsFile(length: 1 << 63, remaining: UInt64(huge.count - 17)))
            #expect(error.offset == 8)
        }
        // …and without it, by the record-size limit, before buffering.
        do { _ = try Self.streamAll(huge); Issue.record("accepted") } catch {
            #expect(error.reason == .recordTooLarge(length: 1 << 63, limit: 1 << 31))
        }
        // A chunk declaring 2^63 uncompressed bytes is refused before allocating.
        var chunk = RecordEncoder()
        chunk.record(Opcode.chunk) { e in
            e.u64(0); e.u64(0); e.u64(1 << 63); e.u32(0); e.string("zstd"); e.u64(4); e.u32(0xFD2F_B528)
        }
        let file = mcapMagic + Record.header(Header(profile: "", library: "")).encoded() + chunk.bytes
        do { _ = try Self.streamAll(file); Issue.record("accepted") } catch {
            #expect(error.reason == .chunkTooLarge(uncompressedSize: 1 << 63, limit: 128 << 20))
        }
        // A string length of 2^32-1 inside a record is a malformed field, not an allocation.
        var schema = RecordEncoder()
        schema.record(Opcode.schema) { e in e.u16(1); e.u32(.max) }
        do { _ = try Self.streamAll(mcapMagic + schema.bytes); Issue.record("accepted") } catch {
            guard case .malformedRecord(let op, let field, _) = error.reason else { Issue.record("\(error)"); return }
            #expect(op == Opcode.schema && field == "name")
        }
        // A CDR sequence claiming 2^32-1 elements.
        let plan = try CDRPlan(ros2msgNamed: "pkg/msg/Seq", text: "float64[] values")
        #expect(throws: CDRError.self) { _ = try plan.decode([0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test func unknownCompression() throws {
        var chunk = RecordEncoder()
        chunk.record(Opcode.chunk) { e in
            e.u64(0); e.u64(0); e.u64(3); e.u32(0); e.string("brotli"); e.u64(3); e.u8(1); e.u8(2); e.u8(3)
        }
        let file = mcapMagic + Record.header(Header(profile: "", library: "")).encoded() + chunk.bytes
        do { _ = try Self.streamAll(file); Issue.record("accepted") } catch {
            #expect(error.reason == .unsupportedCompression("brotli"))
            #expect(error.offset == UInt64(8 + 17))
        }
    }

    @Test func schemaThatDoesNotParse() throws {
        for (text, fragment) in [("float64 x\nnot_a_type!! y", "line 2"), ("Missing thing", "not defined"),
                                 ("float64[abc] x", "line 1"), ("int32", "line 1")] {
            do {
                _ = try CDRPlan(ros2msgNamed: "pkg/msg/Bad", text: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.schema == "pkg/msg/Bad")
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
        let channel = Channel(id: 1, schemaID: 1, topic: "/bad", messageEncoding: "cdr", metadata: [])
        let schema = Schema(id: 1, name: "pkg/msg/Bad", encoding: "ros2msg", data: Array("Missing thing".utf8))
        #expect(throws: DecodeError.self) { _ = try MessageDecoder.make(channel: channel, schema: schema) }
    }

    @Test func recordsWithExtraTrailingBytesAreSkippedByLength() throws {
        // A Header and a Channel with bytes appended after their known fields (as a newer
        // writer might), and a private opcode: all must be read by their length prefix.
        var header = Record.header(Header(profile: "p", library: "l")).encoded()
        header += [1, 2, 3]
        header[1] += 3
        var channel = Record.channel(Channel(id: 3, schemaID: 0, topic: "/t", messageEncoding: "json", metadata: [])).encoded()
        channel += [9, 9]
        channel[1] += 2
        var priv = RecordEncoder()
        priv.record(0x80) { e in e.u32(42) }
        let footer = Record.footer(Footer(summaryStart: 0, summaryOffsetStart: 0, summaryCRC: 0)).encoded()
        let file = mcapMagic + header + channel + priv.bytes + Record.dataEnd(DataEnd(dataSectionCRC: 0)).encoded() + footer + mcapMagic
        let reader = MCAPStreamReader()
        reader.append(file)
        var records: [Record] = []
        while let r = try reader.next() { records.append(try r.parse()) }
        try reader.finish()
        #expect(records.count == 5)
        #expect(records[0] == .header(Header(profile: "p", library: "l")))
        #expect(records[1] == .channel(Channel(id: 3, schemaID: 0, topic: "/t", messageEncoding: "json", metadata: [])))
        #expect(records[2] == .unknown(opcode: 0x80, body: [42, 0, 0, 0]))
    }
}
