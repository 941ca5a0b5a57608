#if canImport(Glibc)
import Glibc
#endif
/// A ROS 1 bag that cannot be read, with the file, the byte offset and what was wrong.
public struct BagError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Error, Sendable, Equatable {
        /// The file does not start with `#ROSBAG V2.0`; `found` says what it is instead.
        case notABag(found: String)
        /// A record or field runs past the bytes that hold it.
        case truncated(what: String, needed: UInt64, available: UInt64)
        /// A record, header field or index entry is malformed.
        case malformed(what: String, detail: String)
        /// A chunk's compression is not one Longtail reads (none, bz2, lz4).
        case unsupportedCompression(String)
        /// Decompressing a chunk failed.
        case decompression(compression: String, detail: String)
        /// A message names a connection the bag never defined.
        case unknownConnection(UInt32)
        /// The operating system refused a read.
        case io(operation: String, errno: Int32)
    }

    public var kind: Kind
    /// Byte offset in the file (of the record, or of the chunk holding it).
    public var offset: UInt64
    /// Offset inside the chunk's uncompressed data, when the problem is inside a chunk.
    public var chunkOffset: UInt64?
    public var file: String

    public init(_ kind: Kind, offset: UInt64, chunkOffset: UInt64? = nil, file: String) {
        self.kind = kind; self.offset = offset; self.chunkOffset = chunkOffset; self.file = file
    }

    /// What went wrong, in words, without the file and offset.
    public var reason: String {
        switch kind {
        case .notABag(let found): "not a ROS 1 bag (format 2.0): \(found)"
        case .truncated(let w, let needed, let available): "\(w) needs \(needed) bytes, \(available) remain (truncated file?)"
        case .malformed(let w, let detail): "malformed \(w): \(detail)"
        case .unsupportedCompression(let c): "chunk compression '\(c)' is not supported (none, bz2, lz4)"
        case .decompression(let c, let detail): "\(c) decompression failed: \(detail)"
        case .unknownConnection(let id): "message on connection \(id), which the bag never defines"
        case .io(let op, let e): "\(op) failed: \(String(cString: strerror(e))) (errno \(e))"
        }
    }

    public var description: String {
        let at = chunkOffset.map { "chunk at byte \(offset), byte \($0) of its data" } ?? "byte \(offset)"
        return "\(file): \(at): \(reason)"
    }
}
