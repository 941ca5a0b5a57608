/// MCAP record opcodes, as assigned by the specification.
public enum Opcode {
    public static let header: UInt8 = 0x01
    public static let footer: UInt8 = 0x02
    public static let schema: UInt8 = 0x03
    public static let channel: UInt8 = 0x04
    public static let message: UInt8 = 0x05
    public static let chunk: UInt8 = 0x06
    public static let messageIndex: UInt8 = 0x07
    public static let chunkIndex: UInt8 = 0x08
    public static let attachment: UInt8 = 0x09
    public static let attachmentIndex: UInt8 = 0x0A
    public static let statistics: UInt8 = 0x0B
    public static let metadata: UInt8 = 0x0C
    public static let metadataIndex: UInt8 = 0x0D
    public static let summaryOffset: UInt8 = 0x0E
    public static let dataEnd: UInt8 = 0x0F

    /// The record type's name as the specification spells it, or `opcode 0xNN`.
    public static func name(_ opcode: UInt8) -> String {
        switch opcode {
        case header: "Header"
        case footer: "Footer"
        case schema: "Schema"
        case channel: "Channel"
        case message: "Message"
        case chunk: "Chunk"
        case messageIndex: "MessageIndex"
        case chunkIndex: "ChunkIndex"
        case attachment: "Attachment"
        case attachmentIndex: "AttachmentIndex"
        case statistics: "Statistics"
        case metadata: "Metadata"
        case metadataIndex: "MetadataIndex"
        case summaryOffset: "SummaryOffset"
        case dataEnd: "DataEnd"
        default: "opcode 0x" + String(opcode, radix: 16, uppercase: true)
        }
    }
}

/// The 8 bytes that open and close every MCAP file: `\x89MCAP0\r\n`.
public let mcapMagic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]
