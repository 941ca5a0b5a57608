import Foundation
import LongtailCore
import SwiftProtobuf
import Testing
import TestSupport
@testable import LongtailMCAP

/// Protobuf MCAP: mcap-protobuf-support writes, Longtail decodes every message to exactly
/// what mcap-protobuf-support decodes; hostile schemas and payloads give typed errors.
@Suite struct ProtobufTests {
    static func generate() throws -> URL? {
        guard let python = TestSupport.interopPython,
              (try? TestSupport.run(python, ["-c", "import mcap_protobuf, google.protobuf"]).status) == 0 else {
            Issue.record("no Python with mcap-protobuf-support: run scripts/bootstrap.sh"); return nil
        }
        let dir = TestSupport.temporaryDirectory("protobuf")
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_protobuf.py").path, dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    /// Every message of `file`, decoded with its channel's decoder.
    static func decodeAll(_ path: String) throws -> [(topic: String, time: UInt64, value: DecodedValue)] {
        let reader = try MCAPIndexedReader(path: path)
        var out: [(String, UInt64, DecodedValue)] = []
        var decoders: [UInt16: MessageDecoder] = [:]
        var failure: (any Error)?
        try reader.readMessages { (m: IndexedMessage) throws(MCAPError) in
            do {
                if decoders[m.channel.id] == nil { decoders[m.channel.id] = try MessageDecoder.make(channel: m.channel, schema: m.schema) }
                out.append((m.channel.topic, m.logTime, try decoders[m.channel.id]!.decode(m.data, topic: m.channel.topic)))
            } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    @Test func mcapProtobufSupportFilesDecodeExactly() throws {
        guard let dir = try Self.generate() else { return }
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, count) in [("sample", 60), ("unknown", 30)] {
            let mine = try Self.decodeAll(dir.appendingPathComponent("\(name).mcap").path)
            let expected = try String(contentsOf: dir.appendingPathComponent("expected-\(name).jsonl"), encoding: .utf8)
                .split(separator: "\n").map { try DecodedComparison.parse(Array($0.utf8)) }
            #expect(mine.count == count && expected.count == count, "\(name)")
            var same = 0
            for (m, e) in zip(mine, expected) {
                guard case .object(let fields) = e, let decoded = fields.first(where: { $0.name == "decoded" })?.value else { continue }
                if let d = DecodedComparison.difference(m.value, decoded) { Issue.record("\(name) at \(m.time): \(d)") } else { same += 1 }
            }
            #expect(same == count, "\(name)")
        }
    }

    // MARK: hostile schemas and payloads (built here with swift-protobuf's descriptor types)

    static func schema(_ messages: [Google_Protobuf_DescriptorProto], package: String = "t") -> [UInt8] {
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = "t.proto"; file.package = package; file.syntax = "proto3"; file.messageType = messages
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = [file]
        return try! Array(set.serializedBytes() as [UInt8])
    }

    static func message(_ name: String, _ fields: [(String, Int32, Google_Protobuf_FieldDescriptorProto.TypeEnum, String)]) -> Google_Protobuf_DescriptorProto {
        var m = Google_Protobuf_DescriptorProto()
        m.name = name
        m.field = fields.map { n, num, type, typeName in
            var f = Google_Protobuf_FieldDescriptorProto()
            f.name = n; f.number = num; f.type = type; f.label = .optional
            if !typeName.isEmpty { f.typeName = typeName }
            return f
        }
        return m
    }

    @Test func badSchemasAreNamed() {
        #expect { _ = try ProtobufPlan(fileDescriptorSet: [0xFF, 0xFF, 0xFF], messageName: "t.A") } throws: { "\($0)".contains("does not parse") }
        let missing = Self.schema([Self.message("A", [("b", 1, .message, ".t.B")])])
        #expect { _ = try ProtobufPlan(fileDescriptorSet: missing, messageName: "t.A") } throws: { "\($0)".contains("refers to t.B") }
        #expect { _ = try ProtobufPlan(fileDescriptorSet: missing, messageName: "t.Nope") } throws: { "\($0)".contains("defines no message t.Nope") }
        let badEnum = Self.schema([Self.message("A", [("e", 1, .enum, ".t.E")])])
        #expect { _ = try ProtobufPlan(fileDescriptorSet: badEnum, messageName: "t.A") } throws: { "\($0)".contains("refers to enum t.E") }
    }

    /// Recursive types are legal; a payload nesting them deeper than `maxDepth` is refused.
    @Test func deepNestingIsRefusedNotRecursedForever() throws {
        let plan = try ProtobufPlan(fileDescriptorSet: Self.schema([Self.message("N", [("v", 1, .int32, ""), ("child", 2, .message, ".t.N")])]),
                                    messageName: "t.N")
        // 150 levels: each level is field 2, length-delimited, wrapping the next.
        var payload: [UInt8] = [0x08, 0x01]
        for _ in 0..<150 {
            var len = payload.count, varint: [UInt8] = []
            repeat { varint.append(UInt8(len & 0x7F) | (len > 0x7F ? 0x80 : 0)); len >>= 7 } while len > 0
            payload = [0x12] + varint + payload
        }
        #expect { _ = try payload.withUnsafeBytes { try plan.decode($0) } } throws: { "\($0)".contains("nested deeper than 100") }
        let shallow: [UInt8] = [0x12, 0x02, 0x08, 0x05]
        #expect(try shallow.withUnsafeBytes { try plan.decode($0) } == .object([DecodedField(name: "v", value: .int(0)),
                                                                              DecodedField(name: "child", value: .object([DecodedField(name: "v", value: .int(5))]))]))
    }

    @Test func hostilePayloadsAreTypedErrors() throws {
        let plan = try ProtobufPlan(fileDescriptorSet: Self.schema([Self.message("A", [("s", 1, .string, ""), ("d", 2, .double, ""), ("x", 3, .int64, "")])]),
                                    messageName: "t.A")
        let cases: [([UInt8], String)] = [
            ([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "exceeds"),            // a string of 2^32−1 bytes
            ([0x18] + [UInt8](repeating: 0xFF, count: 11), "longer than 10"),   // an endless varint
            ([0x11, 0x00, 0x00], "needs 8 bytes"),                     // a truncated double
            ([0x2B], "groups"),                                         // a group start (unknown field 5)
            ([0x08, 0x01], "wire type 0"),                              // the string field as a varint
        ]
        for (bytes, says) in cases {
            #expect { _ = try bytes.withUnsafeBytes { try plan.decode($0) } } throws: { "\($0)".contains(says) }
        }
        // Unknown fields of every wire type are stepped over.
        let unknown: [UInt8] = [0xF8, 0x01, 0x05, 0xF9, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xFA, 0x01, 0x01, 0x41, 0xFD, 0x01, 0, 0, 0, 0, 0x18, 0x07]
        let value = try unknown.withUnsafeBytes { try plan.decode($0) }
        #expect(value == .object([DecodedField(name: "s", value: .string("")), DecodedField(name: "d", value: .float64(0)),
                                  DecodedField(name: "x", value: .int(7))]))
        // Every truncation of a valid payload is an error or a shorter message, never a crash.
        let full: [UInt8] = [0x0A, 0x03, 0x61, 0x62, 0x63, 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x18, 0x96, 0x01]
        for n in 0..<full.count { _ = try? Array(full.prefix(n)).withUnsafeBytes { try plan.decode($0) } }
    }
}

extension ProtobufTests {
    /// The tree-free extractor the scanner uses gives, value for value, what the paths give
    /// over the decoded tree: every numeric field of every message (arrays as `[*]`), plus
    /// element paths and time aliases.
    @Test func columnExtractorMatchesTheTreeDecoder() throws {
        guard let dir = try Self.generate() else { return }
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["sample", "unknown"] {
            let reader = try MCAPIndexedReader(path: dir.appendingPathComponent("\(name).mcap").path)
            var checked = 0
            var failure: String?
            try reader.readMessages { (m: IndexedMessage) throws(MCAPError) in
                guard let s = m.schema, let plan = try? ProtobufPlan(fileDescriptorSet: s.data, messageName: s.name) else { failure = "no plan"; return }
                let paths = ProtobufColumnExtractor.allPaths(plan) + ["stamp.sec", "stamp.nanosec", "packed_values[1]", "points[0].x",
                                                                       "points[2].z", "tree.children[0].value", "tree.children[*].children[*].value", "maybe"]
                let fast = ProtobufColumnExtractor(plan: plan, fields: paths), tree = PathColumnExtractor(fields: paths, source: .protobuf(plan))
                guard fast.scalarNames == tree.scalarNames, fast.raggedNames == tree.raggedNames else { failure = "names differ: \(fast.scalarNames) \(tree.scalarNames)"; return }
                let (b1, b2) = (ColumnBlock(names: fast.scalarNames, capacity: 1), ColumnBlock(names: tree.scalarNames, capacity: 1))
                let (r1, r2) = (RaggedColumns(names: fast.raggedNames), RaggedColumns(names: tree.raggedNames))
                do throws(CDRError) {
                    try fast.extract(m.data, timestamp: 0, into: b1, ragged: r1)
                    try tree.extract(m.data, timestamp: 0, into: b2, ragged: r2)
                } catch { failure = "\(error)"; return }
                for c in 0..<fast.scalarNames.count where b1.column(c)[0].bitPattern != b2.column(c)[0].bitPattern && !(b1.column(c)[0].isNaN && b2.column(c)[0].isNaN) {
                    failure = "\(name) \(m.logTime) \(fast.scalarNames[c]): \(b1.column(c)[0]) vs \(b2.column(c)[0])"
                }
                for c in 0..<fast.raggedNames.count {
                    let (a, b) = (Array(r1.row(0, column: c)), Array(r2.row(0, column: c)))
                    if a.count != b.count || zip(a, b).contains(where: { $0.bitPattern != $1.bitPattern && !($0.isNaN && $1.isNaN) }) {
                        failure = "\(name) \(m.logTime) \(fast.raggedNames[c]): \(a) vs \(b)"
                    }
                }
                checked += 1
            }
            #expect(failure == nil, "\(failure ?? "")")
            #expect(checked == (name == "sample" ? 60 : 30))
        }
    }
}
