import Foundation
import LongtailMCAP
import Testing
import TestSupport
@testable import LongtailBag

/// Hostile bags: every truncation, bit flips, wrong compression names, lengths of 2^32−1,
/// malformed definitions. Each gives a typed error naming the file and offset, never a
/// crash, and no allocation larger than the bytes that back it.
@Suite struct BagBadInputTests {
    static let fixtures = TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1")

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name))) }

    /// Reads a bag the way every command does: header, index (or scan), every record, every
    /// payload decoded. Returns the error, nil when the bytes read whole.
    static func readAll(_ bytes: [UInt8], in dir: URL) -> (any Error)? {
        let path = dir.appendingPathComponent("bad.bag").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            let reader = try BagReader(path: path)
            _ = try reader.index()
            var decoders: [UInt32: MessageDecoder] = [:]
            try reader.forEach { (event) throws(BagError) in
                switch event {
                case .connection(let c): decoders[c.id] = try? MessageDecoder.ros1(type: c.type, definition: c.messageDefinition, topic: c.topic)
                case .message(let m): _ = try? decoders[m.connection]?.decode(m.data, topic: "t")
                }
            }
            return nil
        } catch { return error }
    }

    /// The top-level records: (offset, header length, op, data offset, data length).
    static func records(_ b: [UInt8]) -> [(at: Int, hlen: Int, op: UInt8, dataAt: Int, dlen: Int)] {
        func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
        var out: [(Int, Int, UInt8, Int, Int)] = []
        var at = 13
        while at + 8 <= b.count {
            let hlen = u32(at), dlen = u32(at + 4 + hlen)
            var op: UInt8 = 0, k = at + 4
            while k < at + 4 + hlen {
                let n = u32(k)
                if n == 4 && b[k + 4] == UInt8(ascii: "o") && b[k + 5] == UInt8(ascii: "p") { op = b[k + 7] }
                k += 4 + n
            }
            out.append((at, hlen, op, at + 8 + hlen, dlen))
            at += 8 + hlen + dlen
        }
        return out
    }

    static func put(_ v: UInt32, into b: inout [UInt8], at: Int) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) } }

    /// The offset of `field=` inside the header of the record at `r`.
    static func field(_ name: String, in b: [UInt8], record r: (at: Int, hlen: Int, op: UInt8, dataAt: Int, dlen: Int)) -> Int? {
        let needle = Array((name + "=").utf8)
        for k in (r.at + 4)..<(r.at + 4 + r.hlen - needle.count) where Array(b[k..<(k + needle.count)]) == needle { return k + needle.count }
        return nil
    }

    /// A scratch directory in memory where there is one (these tests write thousands of files).
    static func scratch(_ name: String) -> URL {
        let shm = URL(fileURLWithPath: "/dev/shm")
        guard FileManager.default.isWritableFile(atPath: shm.path) else { return TestSupport.temporaryDirectory(name) }
        let dir = shm.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Every cut of the bz2 bag, every fifth of the others.
    @Test(arguments: [("small-bz2.bag", 1), ("small-lz4.bag", 5), ("small-none.bag", 5)])
    func everyTruncationIsATypedError(name: String, stride step: Int) throws {
        let b = try Self.bytes(name)
        let dir = Self.scratch("bag-trunc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.records(b)
        let chunks = records.filter { $0.op == BagOp.chunk.rawValue }
        // Cuts between records leave a shorter bag whose index lies past its end: it reads,
        // rebuilt by a scan, with a note. Any other cut is an error.
        let boundaries = Set(records.map { $0.dataAt + $0.dlen })
        var errors = 0
        for n in Swift.stride(from: 0, to: b.count, by: step) {
            let error = Self.readAll(Array(b.prefix(n)), in: dir)
            if let error {
                #expect(error is BagError, "\(name) cut at \(n): \(error)")
                errors += 1
            } else {
                #expect(boundaries.contains(n), "\(name) cut at \(n) read without an error")
            }
        }
        #expect(errors > b.count / step - records.count - 1)
        let path = dir.appendingPathComponent("cut.bag").path
        FileManager.default.createFile(atPath: path, contents: Data(b.prefix(chunks[0].dataAt + chunks[0].dlen)))
        let index = try BagReader(path: path).index()
        #expect(!index.fromIndex && index.note?.contains("outside the file") == true)
        // The message names the file and the offset.
        let cut = Self.readAll(Array(b.prefix(chunks[0].dataAt + 10)), in: dir)
        #expect("\(cut!)".contains("bad.bag") && "\(cut!)".contains("byte \(chunks[0].at)") && "\(cut!)".contains("truncated"))
    }

    /// A bit flipped in every byte of the bz2 bag, in every fifth byte of the others.
    @Test(arguments: [("small-bz2.bag", 1), ("small-lz4.bag", 5), ("small-none.bag", 5)])
    func bitFlipsNeverCrash(name: String, stride step: Int) throws {
        let b = try Self.bytes(name)
        let dir = Self.scratch("bag-flip")
        defer { try? FileManager.default.removeItem(at: dir) }
        var errors = 0
        for p in Swift.stride(from: 0, to: b.count, by: step) {
            var flipped = b
            flipped[p] ^= UInt8(1 << (p % 8))
            if let error = Self.readAll(flipped, in: dir) {
                #expect(error is BagError, "\(name) flip at \(p): \(error)")
                errors += 1
            }
        }
        #expect(errors > 0)
    }

    @Test func wrongCompressionNamesAreNamed() throws {
        var b = try Self.bytes("small-bz2.bag")
        let dir = TestSupport.temporaryDirectory("bag-comp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let chunk = Self.records(b).first { $0.op == BagOp.chunk.rawValue }!
        let at = try #require(Self.field("compression", in: b, record: chunk))
        b.replaceSubrange(at..<(at + 3), with: Array("xz2".utf8))
        let error = try #require(Self.readAll(b, in: dir) as? BagError)
        #expect(error.kind == .unsupportedCompression("xz2") && error.offset == UInt64(chunk.at))
        #expect("\(error)".contains("'xz2' is not supported"))
    }

    @Test func lengthsOf2To32Minus1AreRefusedNotAllocated() throws {
        let dir = TestSupport.temporaryDirectory("bag-len")
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Self.peakRSS()
        for name in ["small-bz2.bag", "small-lz4.bag", "small-none.bag"] {
            let b = try Self.bytes(name)
            let chunk = Self.records(b).first { $0.op == BagOp.chunk.rawValue }!
            var headerLength = b, dataLength = b, size = b
            Self.put(.max, into: &headerLength, at: chunk.at)
            Self.put(.max, into: &dataLength, at: chunk.at + 4 + chunk.hlen)
            Self.put(.max, into: &size, at: try #require(Self.field("size", in: b, record: chunk)))
            for (what, bad) in [("header length", headerLength), ("data length", dataLength), ("chunk size", size)] {
                let error = Self.readAll(bad, in: dir)
                #expect(error is BagError, "\(name) \(what): \(String(describing: error))")
            }
            if name == "small-none.bag" {   // a message record inside the chunk claiming 4 GiB
                var inner = b
                let first = chunk.dataAt   // the chunk's first record: its header length
                let hlen = Int(inner[first]) | Int(inner[first + 1]) << 8 | Int(inner[first + 2]) << 16 | Int(inner[first + 3]) << 24
                Self.put(.max, into: &inner, at: first + 4 + hlen)
                let error = try #require(Self.readAll(inner, in: dir) as? BagError)
                #expect(error.chunkOffset == 0 && error.offset == UInt64(chunk.at), "\(error)")
            }
        }
        #expect(Self.peakRSS() - before < 64 << 20, "a 4 GiB length must not be allocated")
    }

    /// Fuzzing found: chunk-info counts that add past 2^32 trapped (`BagIndex.swift:96`).
    @Test func chunkInfoCountsThatWrapAreNotATrap() throws {
        var b = try Self.bytes("small-none.bag")
        let dir = TestSupport.temporaryDirectory("bag-counts")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Every chunk-info entry (connection id, count) gets count 2^32 − 1 and connection 0,
        // so their sum wraps.
        var changed = 0
        for r in Self.records(b) where r.op == 0x06 {
            for k in stride(from: r.dataAt, to: r.dataAt + r.dlen, by: 8) {
                Self.put(0, into: &b, at: k)
                Self.put(.max, into: &b, at: k + 4)
                changed += 1
            }
        }
        try #require(changed >= 2)
        let path = dir.appendingPathComponent("counts.bag").path
        FileManager.default.createFile(atPath: path, contents: Data(b))
        // The index still reads (the counts are only statistics) and so do the messages.
        let index = try BagReader(path: path).index()
        #expect(index.fromIndex)
        #expect(Self.readAll(b, in: dir) == nil)
    }

    @Test func indexProblemsFallBackToAScan() throws {
        var b = try Self.bytes("small-bz2.bag")
        let dir = TestSupport.temporaryDirectory("bag-index")
        defer { try? FileManager.default.removeItem(at: dir) }
        // index_pos past the end of the file: the index is rebuilt by reading every record.
        let header = Self.records(b)[0]
        let at = try #require(Self.field("index_pos", in: b, record: header))
        for k in 0..<8 { b[at + k] = 0xFF }
        let path = dir.appendingPathComponent("moved.bag").path
        FileManager.default.createFile(atPath: path, contents: Data(b))
        let index = try BagReader(path: path).index()
        #expect(!index.fromIndex && index.messageCount == 8 && index.connections.count == 6)
    }

    @Test func filesThatAreNotBagsSayWhatTheyAre() throws {
        let dir = TestSupport.temporaryDirectory("bag-not")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (bytes, says) in [(Array("#ROSRECORD V1.2\n".utf8) + [UInt8](repeating: 0, count: 64), "older bag format"),
                              (mcapMagic + [UInt8](repeating: 0, count: 64), "89 4D 43 41"), ([], "empty")] {
            let error = Self.readAll(bytes, in: dir)
            #expect(error is BagError && "\(error!)".contains("not a ROS 1 bag") && "\(error!)".contains(says), "\(String(describing: error))")
        }
    }

    @Test func malformedDefinitionsAreSchemaErrors() {
        let cases = [("float64[ x", "unterminated array"), ("Foo missing", "is not defined"), ("int32 bad-name", "invalid field name"),
                     ("Mid m\n===\nMSG: a/Mid\nLoop back\n", "recursive definition")]
        for (text, says) in cases {
            #expect { _ = try MessageDecoder.ros1(type: "a/Loop", definition: text, topic: "/t") } throws: { e in
                guard let d = e as? DecodeError, case .schema = d else { return false }
                return says.isEmpty || "\(d)".contains(says)
            }
        }
        // A recursive definition is refused, not expanded forever.
        #expect(throws: DecodeError.self) { try MessageDecoder.ros1(type: "a/Loop", definition: "Loop next\n", topic: "/t") }
    }

    static func peakRSS() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return u.ru_maxrss * 1024
    }
}

extension BagBadInputTests {
    /// The same cycle check guards ROS 2 schemas (a self-referencing ros2msg once compiled and
    /// then recursed without end).
    @Test func recursiveROS2SchemasAreRefused() {
        #expect { _ = try CDRPlan(ros2msgNamed: "a/msg/Loop", text: "Loop next\n") } throws: { "\($0)".contains("recursive definition") }
        #expect { _ = try CDRPlan(ros2msgNamed: "a/msg/A", text: "B b\n===\nMSG: a/B\nA back\n") } throws: { "\($0)".contains("recursive definition") }
        #expect(throws: Never.self) { _ = try CDRPlan(ros2msgNamed: "a/msg/A", text: "B b\nB c\n===\nMSG: a/B\nint32 x\n") }
    }
}
