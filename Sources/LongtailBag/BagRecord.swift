/// The record layer of ROS 1 bags (format 2.0): `<header_len><header><data_len><data>`,
/// the header a list of `<len>name=value` fields. Every length is checked against the
/// bytes that hold it before use.
public enum BagOp: UInt8, Sendable {
    case messageData = 0x02, bagHeader = 0x03, indexData = 0x04, chunk = 0x05, chunkInfo = 0x06, connection = 0x07
}

/// The magic line every version-2.0 bag starts with.
public let bagMagic: [UInt8] = Array("#ROSBAG V2.0\n".utf8)

/// A record's header fields: name → value bytes (copied: a header outlives the buffer it
/// was read from; messages, the hot path, use `MessageFields` instead).
struct BagHeader {
    private(set) var fields: [(name: String, value: [UInt8])] = []

    /// Parses `bytes` as header fields.
    /// - Throws: `BagError.Kind.malformed` for a field that overruns or has no `=`.
    init(_ bytes: UnsafeRawBufferPointer) throws(BagError.Kind) {
        var at = 0
        while at < bytes.count {
            guard bytes.count - at >= 4 else { throw .malformed(what: "record header", detail: "\(bytes.count - at) stray bytes after the last field") }
            let n = Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
            at += 4
            guard n <= bytes.count - at else {
                throw .malformed(what: "record header", detail: "a field of \(n) bytes with \(bytes.count - at) left in the header")
            }
            let field = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)])
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else {
                throw .malformed(what: "record header", detail: "a field without '='")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: field[..<eq]), as: UTF8.self)
            fields.append((name, Array(UnsafeRawBufferPointer(rebasing: field[(eq + 1)...]))))
            at += n
        }
    }

    func value(_ name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }

    /// The record's op code.
    func op() throws(BagError.Kind) -> UInt8 {
        guard let v = value("op"), v.count == 1 else { throw .malformed(what: "record header", detail: "no one-byte 'op' field") }
        return v[0]
    }

    func uint32(_ name: String) throws(BagError.Kind) -> UInt32 {
        guard let v = value(name), v.count == 4 else { throw .malformed(what: "record header", detail: "field '\(name)' missing or not 4 bytes") }
        return v.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
    }

    func uint64(_ name: String) throws(BagError.Kind) -> UInt64 {
        guard let v = value(name), v.count == 8 else { throw .malformed(what: "record header", detail: "field '\(name)' missing or not 8 bytes") }
        return v.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    }

    /// A ROS time (`secs`, `nsecs` as two uint32) in nanoseconds.
    func time(_ name: String) throws(BagError.Kind) -> UInt64 {
        guard let v = value(name), v.count == 8 else { throw .malformed(what: "record header", detail: "field '\(name)' missing or not 8 bytes") }
        return v.withUnsafeBytes { BagTime.nanoseconds($0, at: 0) }
    }

    func string(_ name: String) -> String? { value(name).map { String(decoding: $0, as: UTF8.self) } }
}

enum BagTime {
    /// The ROS time at `at` (uint32 secs, uint32 nsecs) in nanoseconds.
    @inline(__always)
    static func nanoseconds(_ b: UnsafeRawBufferPointer, at: Int) -> UInt64 {
        let secs = UInt64(b.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        let nsecs = UInt64(b.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
        return secs &* 1_000_000_000 &+ nsecs
    }
}

/// One record inside a buffer: its header and data as views.
struct BagRecordView {
    var header: BagHeader
    var data: UnsafeRawBufferPointer
    /// Where the record starts in the buffer, and its total length.
    var start: Int
    var length: Int

    /// The record at `at` in `buffer`.
    /// - Throws: `BagError.Kind.truncated` when a length runs past the buffer.
    static func parse(_ buffer: UnsafeRawBufferPointer, at: Int) throws(BagError.Kind) -> BagRecordView {
        let left = buffer.count - at
        guard left >= 4 else { throw .truncated(what: "record header length", needed: 4, available: UInt64(left)) }
        let hlen = Int(buffer.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        guard hlen <= left - 4 else { throw .truncated(what: "record header", needed: UInt64(hlen), available: UInt64(left - 4)) }
        guard left - 4 - hlen >= 4 else { throw .truncated(what: "record data length", needed: 4, available: UInt64(left - 4 - hlen)) }
        let dataAt = at + 4 + hlen + 4
        let dlen = Int(buffer.loadUnaligned(fromByteOffset: at + 4 + hlen, as: UInt32.self).littleEndian)
        guard dlen <= buffer.count - dataAt else {
            throw .truncated(what: "record data", needed: UInt64(dlen), available: UInt64(buffer.count - dataAt))
        }
        let header = try BagHeader(UnsafeRawBufferPointer(rebasing: buffer[(at + 4)..<(at + 4 + hlen)]))
        return BagRecordView(header: header, data: UnsafeRawBufferPointer(rebasing: buffer[dataAt..<(dataAt + dlen)]),
                             start: at, length: 8 + hlen + dlen)
    }
}

/// One connection of a bag: a topic with its message type and definition, as a recorder saw it.
public struct BagConnection: Sendable, Equatable {
    public var id: UInt32
    public var topic: String
    /// The ROS 1 type, `pkg/Name` (e.g. `sensor_msgs/Imu`).
    public var type: String
    public var md5sum: String
    /// The full `ros1msg` text: the type's definition, then each dependency after a `===` line.
    public var messageDefinition: String
    public var callerid: String
    public var latching: Bool

    public init(id: UInt32, topic: String, type: String, md5sum: String, messageDefinition: String, callerid: String = "",
                latching: Bool = false) {
        self.id = id; self.topic = topic; self.type = type; self.md5sum = md5sum
        self.messageDefinition = messageDefinition; self.callerid = callerid; self.latching = latching
    }

    /// A connection record: `conn` and `topic` in the record header, the connection header
    /// (type, md5sum, message_definition, callerid, latching) as the data.
    static func parse(_ r: BagRecordView) throws(BagError.Kind) -> BagConnection {
        let id = try r.header.uint32("conn")
        let fields = try BagHeader(r.data)
        guard let type = fields.string("type"), let md5 = fields.string("md5sum"), let def = fields.string("message_definition") else {
            throw .malformed(what: "connection \(id)", detail: "its header lacks type, md5sum or message_definition")
        }
        let topic = fields.string("topic") ?? r.header.string("topic") ?? ""
        return BagConnection(id: id, topic: topic, type: type, md5sum: md5, messageDefinition: def,
                             callerid: fields.string("callerid") ?? "", latching: fields.string("latching") == "1")
    }
}

/// One message as a reader hands it over: a view valid only during the callback.
public struct BagMessage {
    public var connection: UInt32
    /// Receive time in nanoseconds since the epoch.
    public var timeNs: UInt64
    /// The ROS 1 serialized payload.
    public var data: UnsafeRawBufferPointer
    /// The record's position: the file offset of its chunk (or of the record), and the
    /// offset inside the chunk's data.
    public var offset: UInt64
    public var chunkOffset: UInt64?
}

/// What a chunk info record says about one chunk (the bag's index).
public struct BagChunkInfo: Sendable, Equatable {
    /// File offset of the chunk record.
    public var position: UInt64
    public var startNs: UInt64
    public var endNs: UInt64
    /// Messages per connection.
    public var counts: [UInt32: UInt32]
}
