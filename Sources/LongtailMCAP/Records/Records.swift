/// The Header record: first record of every file.
public struct Header: Sendable, Equatable {
    public var profile: String
    public var library: String
    public init(profile: String, library: String) { self.profile = profile; self.library = library }
}

/// The Footer record: last record, pointing at the summary.
public struct Footer: Sendable, Equatable {
    public var summaryStart: UInt64
    public var summaryOffsetStart: UInt64
    public var summaryCRC: UInt32
    public init(summaryStart: UInt64, summaryOffsetStart: UInt64, summaryCRC: UInt32) {
        self.summaryStart = summaryStart; self.summaryOffsetStart = summaryOffsetStart; self.summaryCRC = summaryCRC
    }
}

/// A Schema record: the definition of a message type.
public struct Schema: Sendable, Equatable {
    public var id: UInt16
    public var name: String
    public var encoding: String
    public var data: [UInt8]
    public init(id: UInt16, name: String, encoding: String, data: [UInt8]) {
        self.id = id; self.name = name; self.encoding = encoding; self.data = data
    }
}

/// A Channel record: a topic with its message encoding and schema.
public struct Channel: Sendable, Equatable {
    public var id: UInt16
    public var schemaID: UInt16
    public var topic: String
    public var messageEncoding: String
    public var metadata: [(String, String)]
    public init(id: UInt16, schemaID: UInt16, topic: String, messageEncoding: String, metadata: [(String, String)]) {
        self.id = id; self.schemaID = schemaID; self.topic = topic
        self.messageEncoding = messageEncoding; self.metadata = metadata
    }
    public static func == (a: Channel, b: Channel) -> Bool {
        a.id == b.id && a.schemaID == b.schemaID && a.topic == b.topic
            && a.messageEncoding == b.messageEncoding
            && a.metadata.map(\.0) == b.metadata.map(\.0) && a.metadata.map(\.1) == b.metadata.map(\.1)
    }
}

/// A Message record, with its payload copied out.
public struct Message: Sendable, Equatable {
    public var channelID: UInt16
    public var sequence: UInt32
    public var logTime: UInt64
    public var publishTime: UInt64
    public var data: [UInt8]
    public init(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: [UInt8]) {
        self.channelID = channelID; self.sequence = sequence; self.logTime = logTime
        self.publishTime = publishTime; self.data = data
    }
}

/// A Chunk record's header fields; `records` holds the still-compressed payload.
public struct Chunk: Sendable, Equatable {
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var uncompressedSize: UInt64
    public var uncompressedCRC: UInt32
    public var compression: String
    public var records: [UInt8]
    public init(messageStartTime: UInt64, messageEndTime: UInt64, uncompressedSize: UInt64,
                uncompressedCRC: UInt32, compression: String, records: [UInt8]) {
        self.messageStartTime = messageStartTime; self.messageEndTime = messageEndTime
        self.uncompressedSize = uncompressedSize; self.uncompressedCRC = uncompressedCRC
        self.compression = compression; self.records = records
    }
}

/// A MessageIndex record: (log time, offset in the decompressed chunk) for one channel.
public struct MessageIndex: Sendable, Equatable {
    public var channelID: UInt16
    public var records: [(logTime: UInt64, offset: UInt64)]
    public init(channelID: UInt16, records: [(logTime: UInt64, offset: UInt64)]) {
        self.channelID = channelID; self.records = records
    }
    public static func == (a: MessageIndex, b: MessageIndex) -> Bool {
        a.channelID == b.channelID && a.records.map(\.logTime) == b.records.map(\.logTime)
            && a.records.map(\.offset) == b.records.map(\.offset)
    }
}

/// A ChunkIndex record: where a chunk is and what time range it covers.
public struct ChunkIndex: Sendable, Equatable {
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var chunkStartOffset: UInt64
    public var chunkLength: UInt64
    public var messageIndexOffsets: [(channelID: UInt16, offset: UInt64)]
    public var messageIndexLength: UInt64
    public var compression: String
    public var compressedSize: UInt64
    public var uncompressedSize: UInt64
    public init(messageStartTime: UInt64, messageEndTime: UInt64, chunkStartOffset: UInt64, chunkLength: UInt64,
                messageIndexOffsets: [(channelID: UInt16, offset: UInt64)], messageIndexLength: UInt64,
                compression: String, compressedSize: UInt64, uncompressedSize: UInt64) {
        self.messageStartTime = messageStartTime; self.messageEndTime = messageEndTime
        self.chunkStartOffset = chunkStartOffset; self.chunkLength = chunkLength
        self.messageIndexOffsets = messageIndexOffsets; self.messageIndexLength = messageIndexLength
        self.compression = compression; self.compressedSize = compressedSize; self.uncompressedSize = uncompressedSize
    }
    public static func == (a: ChunkIndex, b: ChunkIndex) -> Bool {
        a.messageStartTime == b.messageStartTime && a.messageEndTime == b.messageEndTime
            && a.chunkStartOffset == b.chunkStartOffset && a.chunkLength == b.chunkLength
            && a.messageIndexOffsets.map(\.channelID) == b.messageIndexOffsets.map(\.channelID)
            && a.messageIndexOffsets.map(\.offset) == b.messageIndexOffsets.map(\.offset)
            && a.messageIndexLength == b.messageIndexLength && a.compression == b.compression
            && a.compressedSize == b.compressedSize && a.uncompressedSize == b.uncompressedSize
    }
}

/// An Attachment record: an arbitrary file stored in the log.
public struct Attachment: Sendable, Equatable {
    public var logTime: UInt64
    public var createTime: UInt64
    public var name: String
    public var mediaType: String
    public var data: [UInt8]
    public var crc: UInt32
    public init(logTime: UInt64, createTime: UInt64, name: String, mediaType: String, data: [UInt8], crc: UInt32) {
        self.logTime = logTime; self.createTime = createTime; self.name = name
        self.mediaType = mediaType; self.data = data; self.crc = crc
    }
}

/// An AttachmentIndex record.
public struct AttachmentIndex: Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    public var logTime: UInt64
    public var createTime: UInt64
    public var dataSize: UInt64
    public var name: String
    public var mediaType: String
    public init(offset: UInt64, length: UInt64, logTime: UInt64, createTime: UInt64, dataSize: UInt64,
                name: String, mediaType: String) {
        self.offset = offset; self.length = length; self.logTime = logTime; self.createTime = createTime
        self.dataSize = dataSize; self.name = name; self.mediaType = mediaType
    }
}

/// A Statistics record: counts and the time range of the whole file.
public struct Statistics: Sendable, Equatable {
    public var messageCount: UInt64
    public var schemaCount: UInt16
    public var channelCount: UInt32
    public var attachmentCount: UInt32
    public var metadataCount: UInt32
    public var chunkCount: UInt32
    public var messageStartTime: UInt64
    public var messageEndTime: UInt64
    public var channelMessageCounts: [(channelID: UInt16, count: UInt64)]
    public init(messageCount: UInt64 = 0, schemaCount: UInt16 = 0, channelCount: UInt32 = 0,
                attachmentCount: UInt32 = 0, metadataCount: UInt32 = 0, chunkCount: UInt32 = 0,
                messageStartTime: UInt64 = 0, messageEndTime: UInt64 = 0,
                channelMessageCounts: [(channelID: UInt16, count: UInt64)] = []) {
        self.messageCount = messageCount; self.schemaCount = schemaCount; self.channelCount = channelCount
        self.attachmentCount = attachmentCount; self.metadataCount = metadataCount; self.chunkCount = chunkCount
        self.messageStartTime = messageStartTime; self.messageEndTime = messageEndTime
        self.channelMessageCounts = channelMessageCounts
    }
    public static func == (a: Statistics, b: Statistics) -> Bool {
        a.messageCount == b.messageCount && a.schemaCount == b.schemaCount && a.channelCount == b.channelCount
            && a.attachmentCount == b.attachmentCount && a.metadataCount == b.metadataCount
            && a.chunkCount == b.chunkCount && a.messageStartTime == b.messageStartTime
            && a.messageEndTime == b.messageEndTime
            && a.channelMessageCounts.map(\.channelID) == b.channelMessageCounts.map(\.channelID)
            && a.channelMessageCounts.map(\.count) == b.channelMessageCounts.map(\.count)
    }
}

/// A Metadata record: named string key/value pairs.
public struct Metadata: Sendable, Equatable {
    public var name: String
    public var metadata: [(String, String)]
    public init(name: String, metadata: [(String, String)]) { self.name = name; self.metadata = metadata }
    public static func == (a: Metadata, b: Metadata) -> Bool {
        a.name == b.name && a.metadata.map(\.0) == b.metadata.map(\.0) && a.metadata.map(\.1) == b.metadata.map(\.1)
    }
}

/// A MetadataIndex record.
public struct MetadataIndex: Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    public var name: String
    public init(offset: UInt64, length: UInt64, name: String) { self.offset = offset; self.length = length; self.name = name }
}

/// A SummaryOffset record: where the group of one opcode sits in the summary.
public struct SummaryOffset: Sendable, Equatable {
    public var groupOpcode: UInt8
    public var groupStart: UInt64
    public var groupLength: UInt64
    public init(groupOpcode: UInt8, groupStart: UInt64, groupLength: UInt64) {
        self.groupOpcode = groupOpcode; self.groupStart = groupStart; self.groupLength = groupLength
    }
}

/// The DataEnd record: closes the data section.
public struct DataEnd: Sendable, Equatable {
    public var dataSectionCRC: UInt32
    public init(dataSectionCRC: UInt32) { self.dataSectionCRC = dataSectionCRC }
}

/// Every MCAP record, one case per opcode, plus records with unknown opcodes.
public enum Record: Sendable, Equatable {
    case header(Header)
    case footer(Footer)
    case schema(Schema)
    case channel(Channel)
    case message(Message)
    case chunk(Chunk)
    case messageIndex(MessageIndex)
    case chunkIndex(ChunkIndex)
    case attachment(Attachment)
    case attachmentIndex(AttachmentIndex)
    case statistics(Statistics)
    case metadata(Metadata)
    case metadataIndex(MetadataIndex)
    case summaryOffset(SummaryOffset)
    case dataEnd(DataEnd)
    /// A record whose opcode this version does not know (or a private one, 0x80 and up).
    case unknown(opcode: UInt8, body: [UInt8])

    /// The record's opcode.
    public var opcode: UInt8 {
        switch self {
        case .header: Opcode.header
        case .footer: Opcode.footer
        case .schema: Opcode.schema
        case .channel: Opcode.channel
        case .message: Opcode.message
        case .chunk: Opcode.chunk
        case .messageIndex: Opcode.messageIndex
        case .chunkIndex: Opcode.chunkIndex
        case .attachment: Opcode.attachment
        case .attachmentIndex: Opcode.attachmentIndex
        case .statistics: Opcode.statistics
        case .metadata: Opcode.metadata
        case .metadataIndex: Opcode.metadataIndex
        case .summaryOffset: Opcode.summaryOffset
        case .dataEnd: Opcode.dataEnd
        case .unknown(let opcode, _): opcode
        }
    }
}
