/// Reads a few named scalar fields straight from little-endian XCDR1 (or ROS 1) payloads
/// at offsets computed once from the schema — the scanner's fast path for small, fixed-shape messages
/// such as `sensor_msgs/Imu` or a vehicle status report.
///
/// It applies when, up to the last wanted field, the message holds no sequence and at most
/// one string (typically `header.frame_id`), and the first field after that string is the
/// most strictly aligned of those that follow: then every field sits at a constant offset
/// from the start, or from the string's end rounded up to that alignment. Anything else
/// (sequences, two strings, big-endian or XCDR2 payloads) is for `CDRColumnExtractor`.
public struct CDRFieldReader: Sendable {
    struct Slot: Sendable {
        let primitive: ROS2Primitive
        /// Offset from the start of the CDR data (after the encapsulation header), or from
        /// the aligned end of the string when `afterString`.
        let offset: Int
        let afterString: Bool
    }

    let slots: [Slot]
    /// Offset of the string's length field, when a string precedes some wanted field.
    let stringAt: Int?
    /// Alignment of the first field after the string.
    let tailAlign: Int
    /// Bytes needed from the start (before the string) and from the aligned tail.
    let headNeeds: Int, tailNeeds: Int
    /// ROS 1 payloads: no header, no alignment, no byte-order flag.
    let ros1: Bool

    /// A reader for `fields` (column names as `CDRColumnExtractor` spells them), in that
    /// order; nil when the layout does not have the fixed shape described above.
    public init?(plan: CDRPlan, fields: [String]) {
        // Flatten the root message into (name, primitive | string) in wire order, up to the
        // last wanted field; give up on sequences or wide strings before it.
        enum Item { case value(String, ROS2Primitive), string }
        var items: [Item] = []
        let wanted = Set(fields)
        var found = 0
        func walk(_ index: Int, _ prefix: String) -> Bool {
            for f in plan.layouts[index].fields {
                if found == wanted.count { return true }
                let name = prefix + f.name
                var names: [String]
                switch f.array {
                case .none: names = [name]
                case .fixed(let n): names = (0..<n).map { "\(name)[\($0)]" }
                case .bounded, .unbounded: return false
                }
                for n in names {
                    switch f.base {
                    case .primitive(let p):
                        items.append(.value(n, p))
                        if wanted.contains(n) { found += 1 }
                    case .string: items.append(.string)
                    case .wstring: return false
                    case .structure(let s): if !walk(s, n + ".") { return false }
                    }
                    if found == wanted.count { return true }
                }
            }
            return true
        }
        guard walk(0, ""), found == wanted.count else { return nil }
        // Offsets: absolute before the string, relative to the aligned tail after it.
        let ros1 = plan.wire == .ros1
        func aligned(_ position: Int, _ size: Int) -> Int {
            let a = ros1 ? 1 : min(size, 8)
            return (position + a - 1) & ~(a - 1)
        }
        var position = 0, stringAt: Int?, tail: [(String, ROS2Primitive)] = []
        var offsets: [String: Slot] = [:]
        for item in items {
            switch item {
            case .string:
                guard stringAt == nil else { return nil }   // a second string: not fixed
                position = aligned(position, 4)
                stringAt = position
            case .value(let name, let p):
                if stringAt != nil { tail.append((name, p)); continue }
                position = aligned(position, p.size)
                offsets[name] = Slot(primitive: p, offset: position, afterString: false)
                position += p.size
            }
        }
        let headNeeds = stringAt.map { $0 + 4 } ?? position
        let tailAlign = ros1 ? 1 : min(8, tail.map { $0.1.size }.max() ?? 1)
        guard ros1 || tail.isEmpty || min(8, tail[0].1.size) == tailAlign else { return nil }
        var rel = 0
        for (name, p) in tail {
            rel = aligned(rel, p.size)
            offsets[name] = Slot(primitive: p, offset: rel, afterString: true)
            rel += p.size
        }
        self.slots = fields.map { offsets[$0]! }
        self.stringAt = stringAt
        self.tailAlign = tailAlign
        self.headNeeds = headNeeds
        self.tailNeeds = rel
        self.ros1 = ros1
    }

    /// Reads the fields of one payload into `out[0..<fields.count]`.
    /// - Returns: false when the payload is not little-endian XCDR1 (use the general
    ///   extractor for it).
    /// - Throws: `CDRError` when the payload is too short for the fields.
    @inline(__always)
    public func read(_ payload: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Double>) throws(CDRError) -> Bool {
        let header = ros1 ? 0 : 4
        guard let start = payload.baseAddress, ros1 || (payload.count >= 4 && payload[1] == 0x01) else { return false }
        let data = start + header, count = payload.count - header
        guard headNeeds <= count else { throw CDRError(offset: header + count, detail: "needs \(headNeeds) bytes, \(count) remain") }
        var tail = 0
        if let s = stringAt {
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: s, as: UInt32.self)))
            tail = (s + 4 + length + tailAlign - 1) & ~(tailAlign - 1)
            guard tail + tailNeeds <= count else {
                throw CDRError(offset: header + s, detail: "needs \(tail + tailNeeds) bytes after a \(length)-byte string, \(count) remain")
            }
        }
        slots.withUnsafeBufferPointer { sl in
            for i in 0..<sl.count {
                let slot = sl[i]
                let at = data + (slot.afterString ? tail : 0) + slot.offset
                switch slot.primitive {   // the common cases inline; the rest through the extractor's converter
                case .float64: out[i] = Double(bitPattern: UInt64(littleEndian: at.loadUnaligned(as: UInt64.self)))
                case .float32: out[i] = Double(Float(bitPattern: UInt32(littleEndian: at.loadUnaligned(as: UInt32.self))))
                case .int32: out[i] = Double(Int32(littleEndian: at.loadUnaligned(as: Int32.self)))
                case .uint32: out[i] = Double(UInt32(littleEndian: at.loadUnaligned(as: UInt32.self)))
                default: out[i] = CDRColumnExtractor.value(slot.primitive, at, false)
                }
            }
        }
        return true
    }
}
