import LongtailMCAP

#if canImport(Glibc)
import Glibc
#endif

/// An optional roof lidar for driving archives (`synth --lidar`): `sensor_msgs/PointCloud2`
/// at 10 Hz, 16 rings × 1024 azimuths of float32 x, y, z, intensity (256 KiB a sweep), the
/// payload that dominates a real log's bytes. Ranges come from a flat ground and roadside
/// walls that move with the ego, quantized to 2 mm like a real sensor's counts. No detector
/// reads it: it is there so that scans see a realistic mix of mapped and unmapped bytes.
struct LidarPublisher {
    static let topic = "/sensing/lidar/top/pointcloud"
    static let schema = CommonSchemas.join("""
        std_msgs/Header header
        uint32 height
        uint32 width
        sensor_msgs/PointField[] fields
        bool is_bigendian
        uint32 point_step
        uint32 row_step
        uint8[] data
        bool is_dense
        """, [CommonSchemas.header, CommonSchemas.time, """
        MSG: sensor_msgs/PointField
        uint8 INT8 = 1
        uint8 UINT8 = 2
        uint8 INT16 = 3
        uint8 UINT16 = 4
        uint8 INT32 = 5
        uint8 UINT32 = 6
        uint8 FLOAT32 = 7
        uint8 FLOAT64 = 8
        string name
        uint32 offset
        uint8 datatype
        uint32 count
        """])
    static let rings = 16, azimuths = 1024

    let channel: UInt16
    private var e = CDREncoder(capacity: 16 * 1024 * 16 + 256)
    private var data = [UInt8](repeating: 0, count: 16 * 1024 * 16)
    private var state: UInt64
    private let cosA: [Float], sinA: [Float], cosE: [Float], sinE: [Float]

    init(writer: MCAPWriter, seed: UInt64) throws {
        let s = try writer.addSchema(name: "sensor_msgs/msg/PointCloud2", encoding: "ros2msg", data: Array(Self.schema.utf8))
        channel = try writer.addChannel(topic: Self.topic, messageEncoding: "cdr", schemaID: s)
        state = seed | 1
        let az = (0..<Self.azimuths).map { 2 * Double.pi * Double($0) / Double(Self.azimuths) }
        let el = (0..<Self.rings).map { (-15 + 2 * Double($0)) * Double.pi / 180 }
        cosA = az.map { Float(cos($0)) }; sinA = az.map { Float(sin($0)) }
        cosE = el.map { Float(cos($0)) }; sinE = el.map { Float(sin($0)) }
    }

    /// A cheap uniform in [-1, 1) (xorshift): sensor noise, not physics.
    private mutating func jitter() -> Float {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }

    mutating func sweep(stampNs: UInt64, egoX: Double) -> [UInt8] {
        let wallPhase = Float(egoX.truncatingRemainder(dividingBy: 40))
        var i = 0
        for k in 0..<Self.rings {
            for a in 0..<Self.azimuths {
                let ce = cosE[k], se = sinE[k], ca = cosA[a], sa = sinA[a]
                // Ground for downward rings, otherwise walls 6 m to each side with gaps.
                var r: Float = se < -0.01 ? min(80, 1.9 / -se) : min(80, 6 / max(0.05, abs(sa)) + (abs(ca) > 0.9 ? 30 : 0))
                if se >= -0.01 && (Float(a) + wallPhase * 25).truncatingRemainder(dividingBy: 256) < 40 { r = 80 }
                r = ((r + 0.01 * jitter()) * 500).rounded() / 500
                let x = r * ce * ca, y = r * ce * sa, z = r * se + 1.9
                let intensity = ((r < 80 ? 40 : 0) + 8 * (jitter() + 1)).rounded()
                for v in [x, y, z, intensity] {
                    let b = v.bitPattern.littleEndian
                    data[i] = UInt8(truncatingIfNeeded: b); data[i + 1] = UInt8(truncatingIfNeeded: b >> 8)
                    data[i + 2] = UInt8(truncatingIfNeeded: b >> 16); data[i + 3] = UInt8(truncatingIfNeeded: b >> 24)
                    i += 4
                }
            }
        }
        e.reset()
        e.time(nanoseconds: stampNs); e.string("lidar_top")
        e.uint32(1); e.uint32(UInt32(Self.rings * Self.azimuths))
        e.sequenceLength(4)
        for (k, name) in ["x", "y", "z", "intensity"].enumerated() { e.string(name); e.uint32(UInt32(4 * k)); e.uint8(7); e.uint32(1) }
        e.bool(false); e.uint32(16); e.uint32(UInt32(16 * Self.rings * Self.azimuths))
        e.byteSequence(data)
        e.bool(true)
        return e.bytes
    }
}
