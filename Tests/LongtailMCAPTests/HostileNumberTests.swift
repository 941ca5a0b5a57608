import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

/// Regression tests for the crash sites that mutation fuzzing found (issue 17), each built
/// from a minimal reproducer: lengths, counts and array bounds from a file are checked
/// before use, and a hostile schema cannot exhaust the stack or memory.
@Suite struct HostileNumberTests {
    /// Offsets of the first chunk's records section in `bytes` (uncompressed chunks).
    static func firstChunkRecords(_ bytes: [UInt8]) -> (chunk: Int, records: Int)? {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        var pos = 8
        while pos + 9 <= bytes.count {
            let op = bytes[pos], len = Int(u64(pos + 1))
            if op == Opcode.chunk {
                let body = pos + 9
                let compressionLength = u32(body + 28)
                return (pos, body + 32 + compressionLength + 8)
            }
            pos += 9 + len
        }
        return nil
    }

    /// `cat`'s indexed path: a record length of 2^63 inside a chunk is a typed error (it trapped
    /// converting to Int: "Not enough bits to represent the passed value").
    @Test func recordLengthOfTwoToThe63InsideAChunk() throws {
        let dir = TestSupport.temporaryDirectory("hostile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.mcap").path
        _ = try SampleFile.write(path: path, compression: .none, chunked: true, count: 6, chunkSize: 600)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let (chunk, records) = try #require(Self.firstChunkRecords(bytes))
        for i in 0..<4 { bytes[chunk + 9 + 24 + i] = 0 }   // uncompressed CRC 0: not checked
        for i in 0..<8 { bytes[records + 1 + i] = i == 7 ? 0x80 : 0 }   // the first record's length: 2^63
        let bad = dir.appendingPathComponent("bad.mcap").path
        try Data(bytes).write(to: URL(fileURLWithPath: bad))
        let reader = try MCAPIndexedReader(path: bad)
        do throws(MCAPError) {
            try reader.readMessages { (_) throws(MCAPError) in }
            Issue.record("accepted a record length of 2^63")
        } catch {
            guard case .lengthExceedsFile(let length, _) = error.reason else { Issue.record("\(error)"); return }
            #expect(length == 1 << 63 && error.file == bad)
        }
    }

    /// Fixed arrays whose size no payload could back: refused when the schema is compiled
    /// (`float64[4294967295]` asked for 34 GB; `string[Int.max]` overflowed a heap buffer).
    @Test func fixedArraysBeyondAnyPayloadAreRefused() {
        for text in ["float64[4294967295] x", "string[9223372036854775807] s", "uint8[9223372036854775807] b",
                     "pkg/Inner[70000] many\n===\nMSG: pkg/Inner\nfloat32 a", "pkg/Inner[300] a\n===\nMSG: pkg/Inner\nfloat64[300] b"] {
            #expect(throws: ROS2SchemaError.self, "\(text)") { _ = try CDRPlan(ros2msgNamed: "pkg/msg/Big", text: text) }
        }
        // Real sizes still compile.
        #expect(throws: Never.self) { _ = try CDRPlan(ros2msgNamed: "pkg/msg/Ok", text: "float64[36] covariance\nuint8[4096] blob") }
    }

    /// A schema nested 30 000 deep overflowed the stack (SIGSEGV); now a typed error at depth 100.
    @Test func deeplyNestedSchemasAreRefused() throws {
        let depth = 30_000
        var text = "pkg/L1 next\n"
        for level in 1..<depth { text += "================================================================================\nMSG: pkg/L\(level)\npkg/L\(level + 1) next\n" }
        text += "================================================================================\nMSG: pkg/L\(depth)\nfloat64 x\n"
        do {
            _ = try CDRPlan(ros2msgNamed: "pkg/msg/Deep", text: text)
            Issue.record("accepted a schema nested \(depth) deep")
        } catch {
            #expect(error.detail.contains("nested more than \(CDRPlan.maxDepth) deep"), "\(error)")
        }
        // Nesting within the limit decodes.
        var ok = "pkg/L1 next\n"
        for level in 1..<50 { ok += "===\nMSG: pkg/L\(level)\npkg/L\(level + 1) next\n" }
        ok += "===\nMSG: pkg/L50\nfloat64 x\n"
        let plan = try CDRPlan(ros2msgNamed: "pkg/msg/Fifty", text: ok)
        #expect(throws: Never.self) { _ = try plan.decode([0, 1, 0, 0] + [UInt8](repeating: 0, count: 8)) }
    }

    /// Fuzzing found: a chunk of a few bytes declaring 256 MiB (and 600 MB) of records was
    /// allocated before decompression failed. The declared size is now checked against what
    /// the data states (an uncompressed chunk's length, a zstd frame's content size) first.
    @Test func chunkSizesTheDataContradictsAreNotAllocated() throws {
        func chunk(_ compression: String, declared: UInt64, payload: [UInt8]) -> [UInt8] {
            var e = RecordEncoder()
            e.record(Opcode.chunk) { e in
                e.u64(0); e.u64(0); e.u64(declared); e.u32(0); e.string(compression); e.u64(UInt64(payload.count))
                e.bytes += payload
            }
            return mcapMagic + Record.header(Header(profile: "", library: "")).encoded() + e.bytes
        }
        // A real zstd frame of 10 bytes (content size stated in its header), declared as 100 MiB.
        let frame = try ZstdTestFrame.compress([UInt8](repeating: 7, count: 10))
        for (compression, payload) in [("zstd", frame), ("", [UInt8](repeating: 0, count: 16))] {
            do { _ = try BadInputTests.streamAll(chunk(compression, declared: 100 << 20, payload: payload)); Issue.record("accepted") } catch {
                guard case .decompressionFailed(_, let detail) = error.reason else { Issue.record("\(error)"); continue }
                #expect(detail.contains("declares 104857600 uncompressed bytes"), "\(detail)")
            }
        }
    }
}

/// A zstd frame from libzstd (through the MCAP writer's compressor).
enum ZstdTestFrame {
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let c = ChunkCompressor()
        return try bytes.withUnsafeBytes { (b) throws -> [UInt8] in
            do throws(MCAPError.Reason) { return Array(try c.compress(b, with: .zstd(level: 1))) } catch { throw MCAPError(error, offset: 0) }
        }
    }
}
