import LongtailCore
import Testing
@testable import LongtailMCAP

/// The scanner's fixed-offset field reader against the general column extractor.
@Suite struct FieldReaderTests {
    /// An Imu with a frame_id of `n` characters (every string length mod 8) and values from `seed`.
    static func imu(frameID n: Int, seed: Double) -> [UInt8] {
        var e = CDREncoder()
        e.time(nanoseconds: 1_700_000_000_123_456_789 + UInt64(n)); e.string(String(repeating: "f", count: n))
        for i in 0..<37 { e.float64(seed * Double(i + 1) - 3.25) }
        return e.bytes
    }

    @Test func matchesTheExtractorForEveryStringLength() throws {
        let plan = try CDRPlan(ros2msgNamed: "sensor_msgs/msg/Imu", text: CommonSchemas.imu)
        let x = CDRColumnExtractor(plan: plan)
        let block = ColumnBlock(names: x.scalarNames, capacity: 1)
        let subsets = [["linear_acceleration.x", "linear_acceleration.y", "angular_velocity.z", "header.stamp.sec", "header.stamp.nanosec"],
                       ["orientation.w"], ["header.stamp.nanosec"], x.scalarNames]
        for fields in subsets {
            let reader = try #require(CDRFieldReader(plan: plan, fields: fields), "\(fields)")
            let out = UnsafeMutablePointer<Double>.allocate(capacity: fields.count)
            defer { out.deallocate() }
            for n in 0..<17 {
                let payload = Self.imu(frameID: n, seed: Double(n) + 0.5)
                block.reset()
                try payload.withUnsafeBytes { b in
                    try x.extract(b, timestamp: 0, into: block)
                    #expect(try reader.read(b, into: out))
                }
                for (i, f) in fields.enumerated() {
                    let column = x.scalarNames.firstIndex(of: f)!
                    #expect(out[i] == block.columnValues(column)[0], "\(f) with a \(n)-byte frame_id")
                }
                // Truncated payloads are errors, not reads past the end.
                let cut = Array(payload.prefix(payload.count - 1))
                if fields == x.scalarNames {
                    cut.withUnsafeBytes { b in #expect(throws: CDRError.self) { _ = try reader.read(b, into: out) } }
                }
            }
        }
    }

    @Test func declinesLayoutsItCannotHandle() throws {
        // A sequence before the field, two strings, or a tail whose first field is not the most aligned.
        let seq = try CDRPlan(ros2msgNamed: "t/A", text: "float64[] values\nfloat64 after")
        #expect(CDRFieldReader(plan: seq, fields: ["after"]) == nil)
        let twoStrings = try CDRPlan(ros2msgNamed: "t/B", text: "string a\nstring b\nfloat64 x")
        #expect(CDRFieldReader(plan: twoStrings, fields: ["x"]) == nil)
        let misaligned = try CDRPlan(ros2msgNamed: "t/C", text: "string a\nuint8 flag\nfloat64 x")
        #expect(CDRFieldReader(plan: misaligned, fields: ["x"]) == nil)
        // Fields before a sequence are fine; big-endian payloads are left to the extractor.
        let before = try CDRPlan(ros2msgNamed: "t/D", text: "float32 x\nfloat64[] values")
        let reader = try #require(CDRFieldReader(plan: before, fields: ["x"]))
        let out = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        defer { out.deallocate() }
        var e = CDREncoder(); e.float32(2.5); e.sequenceLength(0)
        #expect(try e.bytes.withUnsafeBytes { try reader.read($0, into: out) } && out[0] == 2.5)
        let big: [UInt8] = [0, 0, 0, 0, 0x40, 0x20, 0, 0, 0, 0, 0, 0]
        #expect(try !big.withUnsafeBytes { try reader.read($0, into: out) })
    }
}
