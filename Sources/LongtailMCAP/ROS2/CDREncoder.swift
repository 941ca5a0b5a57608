/// Builds XCDR1 little-endian payloads (the encoding ROS 2 publishes), with the
/// 4-byte encapsulation header and natural alignment. Used by the writer side of
/// Longtail: synthetic data, clips, tests.
public struct CDREncoder {
    /// The payload so far, encapsulation header included.
    public private(set) var bytes: [UInt8] = [0x00, 0x01, 0x00, 0x00]

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Empties the payload (keeping capacity) for the next message.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        bytes += [0x00, 0x01, 0x00, 0x00]
    }

    @inline(__always)
    mutating func align(_ n: Int) {
        let pos = bytes.count - 4
        let pad = (n - pos % n) % n
        for _ in 0..<pad { bytes.append(0) }
    }


    @inline(__always)
    mutating func put<T: FixedWidthInteger>(_ v: T) {
        align(MemoryLayout<T>.size)
        // Through a typed byte buffer: appending a raw buffer takes a slow generic path.
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0.bindMemory(to: UInt8.self)) }
    }

    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func uint8(_ v: UInt8) { bytes.append(v) }
    public mutating func int8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func int16(_ v: Int16) { put(v) }
    public mutating func uint16(_ v: UInt16) { put(v) }
    public mutating func int32(_ v: Int32) { put(v) }
    public mutating func uint32(_ v: UInt32) { put(v) }
    public mutating func int64(_ v: Int64) { put(v) }
    public mutating func uint64(_ v: UInt64) { put(v) }
    public mutating func float32(_ v: Float) { put(v.bitPattern) }
    public mutating func float64(_ v: Double) { put(v.bitPattern) }

    /// A string: uint32 length including the NUL, the UTF-8 bytes, the NUL.
    public mutating func string(_ s: String) {
        uint32(UInt32(s.utf8.count + 1))
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(0)
    }

    /// A sequence length prefix.
    public mutating func sequenceLength(_ n: Int) { uint32(UInt32(n)) }
    /// A `uint8[]` field: its length, then the bytes.
    public mutating func byteSequence(_ data: [UInt8]) { sequenceLength(data.count); bytes += data }

    /// `builtin_interfaces/Time` from nanoseconds.
    public mutating func time(nanoseconds t: UInt64) {
        int32(Int32(t / 1_000_000_000))
        uint32(UInt32(t % 1_000_000_000))
    }
}
