import Foundation
import LongtailBag
import LongtailCore
import LongtailHDF5
import LongtailMCAP
import LongtailScan
import LongtailSupport

/// `longtail export`: a segment's interval cut out of its source.
public enum ClipExport {
    public struct Written: Sendable { public var messages = 0; public var channels = 0; public var series = 0 }

    public struct Unsupported: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Every message of every topic logged in `[start, end)`, copied byte for byte with its
    /// channel and schema into a new MCAP file (zstd chunks, indexed: Foxglove opens it).
    public static func mcap(source: SourceID, start: Int64, end: Int64, to out: String) throws -> Written {
        let path = source.file
        guard !HDF5File.isHDF5(path: path) else {
            throw Unsupported(message: "\(source) is an HDF5 episode: export it --to a .h5 file")
        }
        if BagReader.looksLikeBag(Self.head(path)) { return try bag(path, start: start, end: end, to: out) }
        let reader = try MCAPIndexedReader(path: path)
        let sink = try FileSink(path: out)
        let writer = MCAPWriter(sink: sink)
        try writer.start(profile: "ros2")
        var schemaIDs: [UInt16: UInt16] = [:], channelIDs: [UInt16: UInt16] = [:]
        var written = Written()
        try reader.readMessages(startTime: UInt64(max(0, start)), endTime: UInt64(max(0, end))) { (m: IndexedMessage) throws(MCAPError) in
            var channel = channelIDs[m.channel.id]
            if channel == nil {
                var schema: UInt16 = 0
                if let s = m.schema {
                    if let id = schemaIDs[s.id] { schema = id } else {
                        schema = try writer.addSchema(name: s.name, encoding: s.encoding, data: s.data)
                        schemaIDs[s.id] = schema
                    }
                }
                channel = try writer.addChannel(topic: m.channel.topic, messageEncoding: m.channel.messageEncoding, schemaID: schema,
                                                metadata: m.channel.metadata)
                channelIDs[m.channel.id] = channel
                written.channels += 1
            }
            try writer.addMessage(channelID: channel!, sequence: m.sequence, logTime: m.logTime, publishTime: m.publishTime, data: m.data)
            written.messages += 1
        }
        try writer.finish()
        try sink.close()
        return written
    }

    /// A bag's messages in `[start, end)` as an MCAP file with `ros1` channels: each
    /// connection's type and `ros1msg` definition as its schema, md5sum, callerid and
    /// latching as channel metadata, every payload copied byte for byte (`ros1` MCAP, as
    /// `mcap convert` writes it).
    static func bag(_ path: String, start: Int64, end: Int64, to out: String) throws -> Written {
        let reader = try BagReader(path: path)
        let index = try reader.index()
        let sink = try FileSink(path: out)
        let writer = MCAPWriter(sink: sink)
        try writer.start(profile: "ros1")
        var schemaIDs: [String: UInt16] = [:], channelIDs: [UInt32: UInt16] = [:]
        var written = Written()
        var failure: (any Error)?
        try reader.messages(from: UInt64(max(0, start)), to: UInt64(max(0, end)), index: index) { (c, m) throws(BagError) in
            do {
                var channel = channelIDs[c.id]
                if channel == nil {
                    let key = c.type + "\u{0}" + c.messageDefinition
                    let schema = try schemaIDs[key] ?? writer.addSchema(name: c.type, encoding: "ros1msg", data: Array(c.messageDefinition.utf8))
                    schemaIDs[key] = schema
                    channel = try writer.addChannel(topic: c.topic, messageEncoding: "ros1", schemaID: schema,
                                                    metadata: [("callerid", c.callerid), ("latching", c.latching ? "1" : "0"), ("md5sum", c.md5sum)])
                    channelIDs[c.id] = channel
                    written.channels += 1
                }
                try writer.addMessage(channelID: channel!, sequence: 0, logTime: m.timeNs, publishTime: m.timeNs, data: m.data)
                written.messages += 1
            } catch {
                failure = error
                throw BagError(.io(operation: "writing \(out)", errno: 0), offset: m.offset, file: path)
            }
        }
        if let failure { throw failure }
        try writer.finish()
        try sink.close()
        return written
    }

    /// A file's first bytes (empty when it cannot be read).
    static func head(_ path: String) -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: 16)) ?? Data())
    }

    /// The canonical signals in `[start, end)` at native rate and full precision, laid out
    /// like one alignment group (`/<id>/<signal>/{t_ns,value}`).
    public static func hdf5(source: SourceID, profile: Profile, id: String, start: Int64, end: Int64, to out: String) throws -> Written {
        let series = try NativeSignals.read(source: source, profile: profile, intervals: [(start, end)])[0]
        let writer = try HDF5Writer(path: out)
        try writer.setAttribute("format", .strings(["longtail-clip"]))
        let group = "/" + id
        try writer.createGroup(group)
        try writer.setAttribute("source", on: group, .strings([source.text]))
        try writer.setAttribute("interval_ns", on: group, .integers([start, end]))
        try writer.setAttribute("profile", on: group, .strings([profile.name]))
        try AlignmentWriter.writeSeries(series, under: group, writer)
        try writer.close()
        return Written(series: series.count)
    }
}
