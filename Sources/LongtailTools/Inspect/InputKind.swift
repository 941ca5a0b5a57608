import Foundation
import LongtailBag
import LongtailHDF5
import LongtailMCAP

/// Which reader a file needs, from its first bytes (not its name).
public enum InputKind: Equatable {
    case mcap, hdf5, bag

    /// A file Longtail cannot read, named by what it is.
    public struct Unreadable: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var what: String
        public var description: String { "\(path): \(what); Longtail reads MCAP, ROS 1 bags (format 2.0) and HDF5" }
    }

    /// MCAP, a ROS 1 bag or HDF5 by their magic bytes; anything else is named.
    /// - Throws: `Unreadable` naming what the file is (another log format, an archive,
    ///   an empty file), or that it cannot be opened.
    public static func of(_ path: String) throws(Unreadable) -> InputKind {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Unreadable(path: path, what: "cannot be opened for reading") }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        if head.starts(with: mcapMagic) { return .mcap }
        if head.starts(with: bagMagic) { return .bag }
        if HDF5File.isHDF5(path: path) { return .hdf5 }
        throw Unreadable(path: path, what: describe(head))
    }

    /// What a file's first bytes say it is.
    static func describe(_ head: [UInt8]) -> String {
        func starts(_ s: String) -> Bool { head.starts(with: Array(s.utf8)) }
        if head.isEmpty { return "the file is empty" }
        if starts("#ROSBAG") || starts("#ROSRECORD") {
            return "a ROS 1 bag of an older format (\(String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self))); `rosbag fix` converts it to 2.0"
        }
        if starts("SQLite format 3") { return "an SQLite database (a ROS 2 bag's .db3? convert it to MCAP with `ros2 bag convert`)" }
        if head.starts(with: [0x89, 0x4D, 0x43, 0x41, 0x50]) { return "an MCAP file of another major version" }
        if head.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "a zstd-compressed file (decompress it first)" }
        if head.starts(with: [0x1F, 0x8B]) { return "a gzip-compressed file (decompress it first)" }
        if head.starts(with: [0x42, 0x5A, 0x68]) { return "a bzip2-compressed file (decompress it first)" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive (unpack it first)" }
        if starts("{") || starts("[") { return "a JSON text file" }
        let hex = head.prefix(8).map { b in (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }.joined(separator: " ")
        return "not a log Longtail knows (it starts with \(hex))"
    }
}
