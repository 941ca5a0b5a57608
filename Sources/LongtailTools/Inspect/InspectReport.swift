import Foundation
import LongtailBag
import LongtailHDF5
import LongtailMCAP
import LongtailSupport

/// Renders an `MCAPInfo` as text (like `mcap info`) or as one JSON object.
public enum InspectReport {
    /// Human-readable report.
    public static func text(_ i: MCAPInfo) -> String {
        var s = ""
        s += "file:        \(i.path)\n"
        s += "size:        \(byteCount(i.fileSize))\n"
        s += "library:     \(i.library)\n"
        s += "profile:     \(i.profile)\n"
        s += "messages:    \(i.messageCount)\n"
        let duration = i.endTime >= i.startTime ? Double(i.endTime - i.startTime) / 1e9 : 0
        s += "duration:    \(formatSeconds(duration))\n"
        s += "start:       \(seconds(i.startTime)) (\(i.startTime) ns)\n"
        s += "end:         \(seconds(i.endTime)) (\(i.endTime) ns)\n"
        if i.chunkCount > 0 {
            let ratio = i.uncompressedBytes > 0 ? Double(i.compressedBytes) / Double(i.uncompressedBytes) * 100 : 0
            s += "compression:\n"
            for (name, n) in i.compression.sorted(by: { $0.key < $1.key }) {
                s += "    \(name): [\(n)/\(i.chunkCount) chunks]\n"
            }
            s += "    \(byteCount(i.compressedBytes)) compressed / \(byteCount(i.uncompressedBytes)) uncompressed (\(formatPercent(ratio)))\n"
        } else {
            s += "chunks:      0 (messages are not chunked)\n"
        }
        s += "channels:\n"
        let width = i.channels.map(\.topic.count).max() ?? 0
        for c in i.channels {
            let pad = String(repeating: " ", count: width - c.topic.count)
            let rate = duration > 0 ? " \(formatRate(Double(c.messageCount) / duration))" : ""
            s += "    (\(c.id)) \(c.topic)\(pad)  \(c.messageCount) msgs\(rate) : \(c.schemaName) [\(c.schemaEncoding)] \(c.messageEncoding)\n"
        }
        s += "attachments: \(i.attachmentCount)\n"
        s += "metadata:    \(i.metadataCount)\n"
        if !i.fromSummary { s += "(no usable summary: figures come from a full scan)\n" }
        return s
    }

    /// One JSON object with the same figures.
    public static func json(_ i: MCAPInfo) -> String {
        var j = JSONText()
        j.raw("{")
        j.key("file", first: true); j.string(i.path)
        j.key("size"); j.raw(String(i.fileSize))
        j.key("library"); j.string(i.library)
        j.key("profile"); j.string(i.profile)
        j.key("message_count"); j.raw(String(i.messageCount))
        j.key("start_time"); j.raw(String(i.startTime))
        j.key("end_time"); j.raw(String(i.endTime))
        j.key("chunk_count"); j.raw(String(i.chunkCount))
        j.key("compression"); j.raw("{")
        for (k, (name, n)) in i.compression.sorted(by: { $0.key < $1.key }).enumerated() {
            j.key(name, first: k == 0); j.raw(String(n))
        }
        j.raw("}")
        j.key("compressed_bytes"); j.raw(String(i.compressedBytes))
        j.key("uncompressed_bytes"); j.raw(String(i.uncompressedBytes))
        j.key("channels"); j.raw("[")
        for (k, c) in i.channels.enumerated() {
            if k > 0 { j.raw(",") }
            j.raw("{")
            j.key("id", first: true); j.raw(String(c.id))
            j.key("topic"); j.string(c.topic)
            j.key("schema_name"); j.string(c.schemaName)
            j.key("schema_encoding"); j.string(c.schemaEncoding)
            j.key("message_encoding"); j.string(c.messageEncoding)
            j.key("message_count"); j.raw(String(c.messageCount))
            j.raw("}")
        }
        j.raw("]")
        j.key("attachment_count"); j.raw(String(i.attachmentCount))
        j.key("metadata_count"); j.raw(String(i.metadataCount))
        j.key("from_summary"); j.raw(i.fromSummary ? "true" : "false")
        j.raw("}")
        return j.text
    }

    static func byteCount(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : "\(fixed(v, 2)) \(units[u])"
    }

    static func seconds(_ ns: UInt64) -> String { "\(ns / 1_000_000_000).\(pad9(ns % 1_000_000_000))" }
    static func pad9(_ v: UInt64) -> String { let s = String(v); return String(repeating: "0", count: 9 - s.count) + s }
    static func formatSeconds(_ s: Double) -> String { "\(fixed(s, 3)) s" }
    static func formatPercent(_ p: Double) -> String { "\(fixed(p, 1)) %" }
    static func formatRate(_ hz: Double) -> String { "\(fixed(hz, 2)) Hz" }

    /// `v` with `digits` decimals, without Foundation's locale-dependent formatting.
    static func fixed(_ v: Double, _ digits: Int) -> String { Formatting.fixed(v, digits) }
}

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
        if let problem = RegularFile.problem(path) { throw Unreadable(path: path, what: problem) }
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
