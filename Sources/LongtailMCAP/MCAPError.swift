#if canImport(Glibc)
import Glibc
#endif
/// Everything that can go wrong while reading or writing MCAP, with where it happened.
///
/// `offset` is the byte offset in the file of the record (or structure) at fault. For a
/// record inside a chunk, `offset` is the chunk's offset and `chunkOffset` the record's
/// offset within the chunk's decompressed data. `file` is filled in by readers that know
/// the path; the sans-IO reader leaves it `nil`.
public struct MCAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public var reason: Reason
    /// Byte offset in the file where the failing record or structure starts.
    public var offset: UInt64
    /// Offset within the decompressed chunk, for records inside a chunk.
    public var chunkOffset: UInt64?
    /// The file being read, when the reader knows it.
    public var file: String?

    /// Creates an error for `reason` at `offset`.
    public init(_ reason: Reason, offset: UInt64, chunkOffset: UInt64? = nil, file: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.chunkOffset = chunkOffset
        self.file = file
    }

    /// The causes, one line of documentation each.
    public enum Reason: Error, Sendable, Equatable {
        /// The file does not start (or end) with the 8-byte MCAP magic.
        case badMagic(found: [UInt8])
        /// The input ended inside a record or before the closing magic.
        case truncated(needed: UInt64, available: UInt64)
        /// A record's length field claims more bytes than the file holds.
        case lengthExceedsFile(length: UInt64, remaining: UInt64)
        /// A record's length is above the reader's configured limit.
        case recordTooLarge(length: UInt64, limit: UInt64)
        /// A record's body is shorter than its fields need.
        case malformedRecord(opcode: UInt8, field: String, detail: String)
        /// A checksum did not match.
        case crcMismatch(what: String, expected: UInt32, actual: UInt32)
        /// A chunk uses a compression Longtail does not know.
        case unsupportedCompression(String)
        /// The decompressor rejected a chunk, or produced a different size than declared.
        case decompressionFailed(compression: String, detail: String)
        /// A chunk declares a decompressed size above the reader's limit.
        case chunkTooLarge(uncompressedSize: UInt64, limit: UInt64)
        /// A record appears where the format forbids it (e.g. a chunk inside a chunk).
        case unexpectedRecord(opcode: UInt8, context: String)
        /// The summary section is inconsistent (bad offsets, unknown ids).
        case invalidSummary(String)
        /// A message refers to a channel that was never defined.
        case unknownChannel(UInt16)
        /// An I/O call failed.
        case io(operation: String, errno: Int32)
        /// A writer was used out of order (e.g. a message after `finish`).
        case writerState(String)
        /// The consumer stopped reading (pipelined reader); not reported to callers.
        case cancelled
    }

    public var description: String {
        var place = file.map { "\($0): " } ?? ""
        place += "at byte \(offset)"
        if let chunkOffset { place += " (offset \(chunkOffset) inside the chunk)" }
        return "\(place): \(reason)"
    }
}

extension MCAPError.Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .badMagic(let found):
            return "bad magic: expected 89 4D 43 41 50 30 0D 0A, found "
                + found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        case .truncated(let needed, let available):
            return "truncated: needed \(needed) more bytes, \(available) available"
        case .lengthExceedsFile(let length, let remaining):
            return "record length \(length) exceeds the \(remaining) bytes left in the file"
        case .recordTooLarge(let length, let limit):
            return "record length \(length) exceeds the limit of \(limit) bytes"
        case .malformedRecord(let opcode, let field, let detail):
            return "malformed \(Opcode.name(opcode)) record, field \(field): \(detail)"
        case .crcMismatch(let what, let expected, let actual):
            return "\(what) CRC mismatch: expected 0x\(hex32(expected)), got 0x\(hex32(actual))"
        case .unsupportedCompression(let name):
            return "unsupported chunk compression '\(name)' (supported: none, zstd, lz4)"
        case .decompressionFailed(let compression, let detail):
            return "\(compression) decompression failed: \(detail)"
        case .chunkTooLarge(let size, let limit):
            return "chunk declares \(size) decompressed bytes, above the limit of \(limit)"
        case .unexpectedRecord(let opcode, let context):
            return "unexpected \(Opcode.name(opcode)) record \(context)"
        case .invalidSummary(let detail):
            return "invalid summary: \(detail)"
        case .unknownChannel(let id):
            return "message refers to unknown channel id \(id)"
        case .io(let operation, let errno):
            return "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case .writerState(let detail):
            return "writer misuse: \(detail)"
        case .cancelled:
            return "reading was cancelled"
        }
    }
}

@inline(__always)
func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
