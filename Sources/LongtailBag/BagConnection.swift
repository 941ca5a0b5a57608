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
