import Testing
@testable import LongtailMCAP
import LongtailCore

@Suite struct ROS2SchemaTests {
    @Test func parsesEveryConstruct() throws {
        let text = """
        # comment line
        int32 LIMIT = 7
        string GREETING="hi # not a comment"
        float64[] values          # unbounded
        int8[3] fixed [1, 2, 3]
        uint16[<=4] bounded
        string<=10 short "abc"
        string<=5[<=2] names
        Inner inner
        Inner[2] inners
        builtin_interfaces/Time stamp
        time old_stamp
        ================================================================================
        MSG: pkg/Inner
        bool flag true
        """
        let schema = try ROS2Schema.parse(name: "pkg/msg/Outer", text: text)
        let root = schema.root
        #expect(root.name == "pkg/Outer")
        #expect(root.constants.map(\.name) == ["LIMIT", "GREETING"])
        #expect(root.constants[1].value == "hi # not a comment")
        #expect(root.fields.map(\.name) == ["values", "fixed", "bounded", "short", "names", "inner", "inners", "stamp", "old_stamp"])
        #expect(root.fields[0].array == .unbounded)
        #expect(root.fields[1].array == .fixed(3) && root.fields[1].defaultValue == "[1, 2, 3]")
        #expect(root.fields[2].array == .bounded(4))
        #expect(root.fields[3].type == .string(bound: 10) && root.fields[3].defaultValue == "\"abc\"")
        #expect(root.fields[4].type == .string(bound: 5) && root.fields[4].array == .bounded(2))
        #expect(root.fields[5].type == .complex("pkg/Inner"))
        #expect(root.fields[7].type == .complex("builtin_interfaces/Time"))
        #expect(root.fields[8].type == .complex("builtin_interfaces/Time"))
        #expect(schema.definitions["pkg/Inner"]?.fields.first?.defaultValue == "true")
    }
}

/// Hand-built payloads in every supported encapsulation, decoded by both decoders.
@Suite struct CDRTests {
    static let text = """
    uint8 a
    float64 b
    int16 c
    string s
    float32[2] f
    uint32[] seq
    Item[] items
    ================================================================================
    MSG: pkg/Item
    int64 v
    """

    /// Encodes the sample by hand: `big` selects byte order, `maxAlign` 8 (XCDR1) or 4 (XCDR2).
    static func payload(big: Bool, maxAlign: Int) -> [UInt8] {
        var b: [UInt8] = [0, big ? (maxAlign == 8 ? 0x00 : 0x06) : (maxAlign == 8 ? 0x01 : 0x07), 0, 0]
        func align(_ n: Int) { let a = min(n, maxAlign); while (b.count - 4) % a != 0 { b.append(0) } }
        func put<T: FixedWidthInteger>(_ v: T) {
            align(MemoryLayout<T>.size)
            withUnsafeBytes(of: big ? v.bigEndian : v.littleEndian) { b.append(contentsOf: $0) }
        }
        b.append(7)                                  // a
        put(Double(-2.5).bitPattern)                 // b
        put(Int16(-300))                             // c
        put(UInt32(3)); b += Array("hi".utf8) + [0]  // s
        put(Float(1.5).bitPattern); put(Float(-0.25).bitPattern)
        put(UInt32(2)); put(UInt32(10)); put(UInt32(20))
        put(UInt32(2)); put(Int64(-1)); put(Int64(1 << 40))
        return b
    }

    @Test(arguments: [(false, 8), (true, 8), (false, 4), (true, 4)])
    func decodesEveryEncapsulation(big: Bool, maxAlign: Int) throws {
        let plan = try CDRPlan(ros2msgNamed: "pkg/msg/Sample", text: Self.text)
        let v = try plan.decode(Self.payload(big: big, maxAlign: maxAlign))
        #expect(v["a"] == .uint(7) && v["b"] == .float64(-2.5) && v["c"] == .int(-300) && v["s"] == .string("hi"))
        #expect(v["f"] == .array([.float32(1.5), .float32(-0.25)]))
        #expect(v["seq"] == .array([.uint(10), .uint(20)]))
        #expect(v["items"] == .array([.object([.init(name: "v", value: .int(-1))]), .object([.init(name: "v", value: .int(1 << 40))])]))

        // The column extractor gives the same numbers as the dynamic decoder (the reference).
        let x = CDRColumnExtractor(plan: plan)
        #expect(x.scalarNames == ["a", "b", "c", "f[0]", "f[1]"])
        #expect(x.raggedNames == ["seq[*]", "items[*].v"])
        let block = ColumnBlock(names: x.scalarNames, capacity: 4)
        let ragged = RaggedColumns(names: x.raggedNames)
        try Self.payload(big: big, maxAlign: maxAlign).withUnsafeBytes {
            try x.extract($0, timestamp: 5, into: block, ragged: ragged)
        }
        #expect((0..<5).map { block.columnValues($0)[0] } == [7, -2.5, -300, 1.5, -0.25])
        #expect(Array(ragged.row(0, column: 0)) == [10, 20] && Array(ragged.row(0, column: 1)) == [-1, Double(1 << 40)])
        #expect(block.timestamps[0] == 5)
    }

    @Test func truncatedPayloadIsAnError() throws {
        let plan = try CDRPlan(ros2msgNamed: "pkg/msg/Sample", text: Self.text)
        let full = Self.payload(big: false, maxAlign: 8)
        for cut in 0..<full.count {
            #expect(throws: CDRError.self) { _ = try plan.decode(Array(full[0..<cut])) }
        }
    }

    /// The extractor against the dynamic decoder on every message of the common types.
    @Test func extractorMatchesDynamicDecoderOnCommonTypes() throws {
        let dir = TestSupportShim.tempFile()
        let written = try SampleFile.write(path: dir, compression: .none, chunked: true, count: 30)
        #expect(written.count == 90)
        var plans: [UInt16: (CDRPlan, CDRColumnExtractor, ColumnBlock, RaggedColumns)] = [:]
        var checked = 0
        try MCAPIndexedReader(path: dir).readMessages { (m) throws(MCAPError) in
            if plans[m.channel.id] == nil {
                let plan = try! CDRPlan(ros2msgNamed: m.schema!.name, text: String(decoding: m.schema!.data, as: UTF8.self))
                let x = CDRColumnExtractor(plan: plan)
                plans[m.channel.id] = (plan, x, ColumnBlock(names: x.scalarNames, capacity: 1), RaggedColumns(names: x.raggedNames))
            }
            let (plan, x, block, ragged) = plans[m.channel.id]!
            block.reset(); ragged.reset()
            do { try x.extract(m.data, timestamp: 0, into: block, ragged: ragged) } catch {
                Issue.record("\(m.channel.topic) \(Array(m.data)): \(error)"); return
            }
            let tree = try! plan.decode(m.data)
            if m.channel.topic == "/joints" {
                #expect(x.raggedNames == ["position[*]", "velocity[*]", "effort[*]"])
                for (k, name) in ["position", "velocity", "effort"].enumerated() {
                    guard case .array(let items)? = tree[name] else { Issue.record("no \(name)"); return }
                    #expect(Array(ragged.row(0, column: k)) == items.map { $0.doubleValue! })
                }
            }
            var flat: [Double] = []
            var seqs: [[Double]] = []
            Self.flatten(tree, &flat, &seqs, inSequence: false)
            let fromBlock = (0..<x.scalarNames.count).map { block.columnValues($0)[0] }
            #expect(fromBlock.count == flat.count)
            for (a, b) in zip(fromBlock, flat) { #expect(a == b || (a.isNaN && b.isNaN)) }
            checked += 1
        }
        #expect(checked == 90)
    }

    /// Numeric leaves in definition order; JointState's sequences (checked against the ragged columns) left out.
    static func flatten(_ v: DecodedValue, _ out: inout [Double], _ seqs: inout [[Double]], inSequence: Bool) {
        switch v {
        case .object(let fields):
            for f in fields where !["name", "position", "velocity", "effort"].contains(f.name) {
                flatten(f.value, &out, &seqs, inSequence: inSequence)
            }
        case .array(let items):
            // Fixed arrays flatten into scalar columns; sequences (the JointState fields) go ragged.
            for i in items { flatten(i, &out, &seqs, inSequence: false) }
        case .string, .null, .bytes: break
        default: if !inSequence { out.append(v.doubleValue!) }
        }
    }
}

enum TestSupportShim {
    static func tempFile() -> String {
        "/tmp/longtail-cdr-\(UInt64.random(in: 0..<UInt64.max)).mcap"
    }
}
