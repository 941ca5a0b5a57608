import LongtailBag
import LongtailSupport

/// What `longtail inspect` reports about a ROS 1 bag (like `rosbag info`), as text or JSON.
public enum BagReport {
    /// The bag's index (read, or rebuilt by a scan) with its path and size.
    public static func read(path: String) throws(BagError) -> (index: BagIndex, size: UInt64) {
        let reader = try BagReader(path: path)
        return (try reader.index(), FileStatus(path).size > 0 ? UInt64(FileStatus(path).size) : 0)
    }

    public static func text(_ i: BagIndex, path: String, size: UInt64) -> String {
        var s = "file:        \(path)\n"
        s += "format:      ROS 1 bag 2.0\n"
        s += "size:        \(InspectReport.byteCount(size))\n"
        s += "messages:    \(i.messageCount)\n"
        let duration = i.endNs >= i.startNs ? Double(i.endNs - i.startNs) / 1e9 : 0
        s += "duration:    \(InspectReport.formatSeconds(duration))\n"
        s += "start:       \(InspectReport.seconds(i.startNs)) (\(i.startNs) ns)\n"
        s += "end:         \(InspectReport.seconds(i.endNs)) (\(i.endNs) ns)\n"
        let chunks = i.compressions.values.reduce(0, +)
        s += "compression:\n"
        for (name, n) in i.compressions.sorted(by: { $0.key < $1.key }) { s += "    \(name): [\(n)/\(chunks) chunks]\n" }
        s += "connections:\n"
        let ordered = i.connections.values.sorted { ($0.topic, $0.id) < ($1.topic, $1.id) }
        let width = ordered.map(\.topic.count).max() ?? 0
        for c in ordered {
            let n = i.counts[c.id] ?? 0
            let rate = duration > 0 ? " \(InspectReport.formatRate(Double(n) / duration))" : ""
            s += "    (\(c.id)) \(c.topic)\(String(repeating: " ", count: width - c.topic.count))  \(n) msgs\(rate) : \(c.type) [ros1msg] ros1"
            s += (c.latching ? " latched" : "") + "\n"
        }
        if let note = i.note { s += "(\(note))\n" }
        return s
    }

    public static func json(_ i: BagIndex, path: String, size: UInt64) -> String {
        var j = JSONText()
        j.raw("{")
        j.key("file", first: true); j.string(path)
        j.key("format"); j.string("rosbag2.0")
        j.key("size"); j.raw(String(size))
        j.key("message_count"); j.raw(String(i.messageCount))
        j.key("start_time"); j.raw(String(i.startNs))
        j.key("end_time"); j.raw(String(i.endNs))
        j.key("chunk_count"); j.raw(String(i.compressions.values.reduce(0, +)))
        j.key("compression"); j.raw("{")
        for (k, (name, n)) in i.compressions.sorted(by: { $0.key < $1.key }).enumerated() { j.key(name, first: k == 0); j.raw(String(n)) }
        j.raw("}")
        j.key("connections"); j.raw("[")
        for (k, c) in i.connections.values.sorted(by: { ($0.topic, $0.id) < ($1.topic, $1.id) }).enumerated() {
            if k > 0 { j.raw(",") }
            j.raw("{"); j.key("id", first: true); j.raw(String(c.id)); j.key("topic"); j.string(c.topic)
            j.key("type"); j.string(c.type); j.key("md5sum"); j.string(c.md5sum); j.key("callerid"); j.string(c.callerid)
            j.key("latching"); j.raw(c.latching ? "true" : "false"); j.key("message_count"); j.raw(String(i.counts[c.id] ?? 0))
            j.raw("}")
        }
        j.raw("]")
        j.key("indexed"); j.raw(i.fromIndex ? "true" : "false")
        if let note = i.note { j.key("index_note"); j.string(note) }
        j.raw("}")
        return j.text
    }
}
