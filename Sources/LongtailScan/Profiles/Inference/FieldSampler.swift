import LongtailBag
import LongtailMCAP

/// The numeric fields of every topic of a log, sampled for `profiles infer`: each message
/// decoded generically (any encoding the readers know), its numeric leaves kept as time
/// series by field path. Reads at most the first `seconds` of the log and `maxMessages` per
/// topic, so that inference on a long log costs seconds.
struct FieldSampler {
    /// One topic: its message type, how its messages are stamped, and its numeric fields.
    struct Topic {
        var name: String
        var type: String
        var messages = 0
        /// `header.stamp` or `stamp` when the messages carry one (seconds + nanoseconds), else nil (log time).
        var stamp: String?
        /// Field path → (time in seconds from the log's start, value).
        var series: [String: [(t: Double, v: Double)]] = [:]
        /// Paths in definition order (the first message's).
        var paths: [String] = []
        /// Array fields of objects (tracked-object lists and the like), by path.
        var objectLists: Set<String> = []
        /// The first non-empty item of each object list, for the fields an item has.
        var listItems: [String: DecodedValue] = [:]
        /// Why its messages could not be decoded, when they could not.
        var undecodable: String?
        /// The message definition (ros2msg/ros1msg text), for the constants it declares.
        var definition = ""
    }

    var seconds: Double = 600
    var maxMessages = 60_000
    /// Fields kept per topic (the first ones in definition order).
    var maxFields = 64

    private(set) var topics: [String: Topic] = [:]
    /// The current file's first log time; where its seconds start on the common axis (each
    /// file after the last one's end, 10 s apart, so that one-second bins never mix files).
    private var start: UInt64?
    private var base = 0.0, end = 0.0

    /// Remarks on the files read (damage after which the rest was not read).
    private(set) var notes: [String] = []

    /// Samples an MCAP file or a ROS 1 bag. A file damaged part way (a recorder that
    /// crashed) gives what precedes the damage, with a note.
    /// - Throws: the reader's error (`MCAPError`, `BagError`), naming the file, when nothing of it could be read.
    mutating func sample(path: String) throws {
        let before = topics.values.reduce(0) { $0 + $1.messages }
        do { try read(path: path) } catch {
            let read = topics.values.reduce(0) { $0 + $1.messages } - before
            guard read > 0 else { throw error }
            notes.append("\(error): inferred from the \(read) messages before the damage")
        }
    }

    private mutating func read(path: String) throws {
        if start != nil { base = end + 10 }
        start = nil
        if SourceScanner.isBag(path) {
            let reader = try BagReader(path: path)
            var connections: [UInt32: (BagConnection, Result<MessageDecoder, DecodeError>)] = [:]
            try reader.forEach { (event) throws(BagError) in
                switch event {
                case .connection(let c):
                    connections[c.id] = (c, Result { () throws(DecodeError) in
                        try MessageDecoder.ros1(type: c.type, definition: c.messageDefinition, topic: c.topic)
                    })
                case .message(let m):
                    guard let (c, decoder) = connections[m.connection] else { return }
                    add(topic: c.topic, type: c.type, definition: c.messageDefinition, logTime: m.timeNs, data: m.data, decoder)
                }
            }
        } else {
            let reader: MCAPIndexedReader
            do { reader = try MCAPIndexedReader(path: path) } catch {
                // No summary and damaged on the way (the indexed reader scans and stops):
                // streamed, record by record, up to the damage.
                try stream(path: path)
                return
            }
            var decoders: [UInt16: Result<MessageDecoder, DecodeError>] = [:]
            // With statistics, only the chunks of the window are read.
            let first = reader.summary.statistics?.messageStartTime ?? 0
            let (last, overflow) = first.addingReportingOverflow(UInt64(min(seconds, 1e9) * 1e9) + 1)
            let end = reader.summary.statistics == nil || overflow ? UInt64.max : last
            try reader.readMessages(startTime: first, endTime: end) { (m) throws(MCAPError) in
                let decoder: Result<MessageDecoder, DecodeError>
                if let d = decoders[m.channel.id] { decoder = d } else {
                    decoder = Result { () throws(DecodeError) in try MessageDecoder.make(channel: m.channel, schema: m.schema) }
                    decoders[m.channel.id] = decoder
                }
                add(topic: m.channel.topic, type: m.schema?.name ?? "", definition: m.schema.map { String(decoding: $0.data, as: UTF8.self) } ?? "",
                    logTime: m.logTime, data: m.data, decoder)
            }
        }
    }

    /// An MCAP read as a stream: schemas and channels as they come, every message decoded.
    private mutating func stream(path: String) throws {
        var schemas: [UInt16: Schema] = [:], channels: [UInt16: Channel] = [:]
        var decoders: [UInt16: Result<MessageDecoder, DecodeError>] = [:]
        try MCAPStreamReader.forEachRecord(inFile: path) { (raw) throws(MCAPError) in
            switch raw.opcode {
            case Opcode.message:
                let m = try raw.messageView()
                guard let c = channels[m.channelID] else { return }
                let decoder: Result<MessageDecoder, DecodeError>
                if let d = decoders[c.id] { decoder = d } else {
                    decoder = Result { () throws(DecodeError) in try MessageDecoder.make(channel: c, schema: schemas[c.schemaID]) }
                    decoders[c.id] = decoder
                }
                let schema = schemas[c.schemaID]
                add(topic: c.topic, type: schema?.name ?? "", definition: schema.map { String(decoding: $0.data, as: UTF8.self) } ?? "",
                    logTime: m.logTime, data: m.data, decoder)
            case Opcode.schema: if case .schema(let s) = try raw.parse() { schemas[s.id] = s }
            case Opcode.channel: if case .channel(let c) = try raw.parse() { channels[c.id] = c }
            default: break
            }
        }
    }

    private mutating func add(topic name: String, type: String, definition: @autoclosure () -> String, logTime: UInt64, data: UnsafeRawBufferPointer,
                              _ decoder: Result<MessageDecoder, DecodeError>) {
        let first = start ?? logTime
        start = first
        guard logTime >= first, Double(logTime - first) / 1e9 <= seconds else { return }
        var topic = topics[name] ?? Topic(name: name, type: type, definition: definition())
        defer { topics[name] = topic }
        topic.messages += 1
        guard topic.messages <= maxMessages, topic.undecodable == nil else { return }
        let value: DecodedValue
        do { value = try decoder.get().decode(data, topic: name) } catch {
            topic.undecodable = "\(error)"
            return
        }
        if topic.messages == 1 {
            topic.stamp = ["header.stamp", "stamp"].first { Self.time(value, at: $0) != nil }
        }
        let stamped = topic.stamp.flatMap { Self.time(value, at: $0) }
        let relative = stamped.map { $0 - Double(first) / 1e9 } ?? Double(logTime - first) / 1e9
        // A stamp far from the log time (another clock, or damage) falls back to the log time.
        let t = base + (abs(relative - Double(logTime - first) / 1e9) < 60 ? relative : Double(logTime - first) / 1e9)
        end = max(end, t)
        var leaves: [(String, Double)] = []
        Self.leaves(value, prefix: "", into: &leaves, lists: &topic.objectLists, items: &topic.listItems)
        for (path, v) in leaves {
            if topic.series[path] == nil {
                guard topic.paths.count < maxFields else { continue }
                topic.paths.append(path)
            }
            topic.series[path, default: []].append((t, v))
        }
    }

    /// A stamp object (`sec`/`nanosec` of ROS 2, `secs`/`nsecs` of ROS 1) at `path`, in
    /// seconds; nil when absent or zero.
    static func time(_ value: DecodedValue, at path: String) -> Double? {
        var v: DecodedValue? = value
        for part in path.split(separator: ".") { v = v?[String(part)] }
        guard let v else { return nil }
        let s = (v["sec"] ?? v["secs"])?.doubleValue, n = (v["nanosec"] ?? v["nsecs"])?.doubleValue
        guard let s, let n, s + n > 0 else { return nil }
        return s + n / 1e9
    }

    private static func leaves(_ value: DecodedValue, prefix: String, into out: inout [(String, Double)], lists: inout Set<String>,
                               items: inout [String: DecodedValue]) {
        switch value {
        case .object(let fields):
            for f in fields where !(prefix.isEmpty && (f.name == "header" || f.name == "stamp")) {
                leaves(f.value, prefix: prefix.isEmpty ? f.name : "\(prefix).\(f.name)", into: &out, lists: &lists, items: &items)
            }
        case .array(let items_):
            if case .object = items_.first {
                lists.insert(prefix)
                if items[prefix] == nil { items[prefix] = items_[0] }
            }
        default:
            if let d = value.doubleValue { out.append((prefix, d)) }
        }
    }
}

extension FieldSampler {
    /// The numeric leaves of a list item, as profile actor paths under `list` (`tracks[*].position.x`):
    /// nested object lists as `[*]`, numeric arrays (a UUID's bytes) by their first element.
    static func itemPaths(_ item: DecodedValue, list: String) -> [String] {
        var out: [String] = []
        func walk(_ v: DecodedValue, _ path: String) {
            switch v {
            case .object(let fields): for f in fields { walk(f.value, "\(path).\(f.name)") }
            case .array(let xs):
                if let first = xs.first {
                    if case .object = first { walk(first, path + "[*]") } else if first.doubleValue != nil { out.append(path + "[0]") }
                }
            case .bytes(let b): if !b.isEmpty { out.append(path + "[0]") }
            default: if v.doubleValue != nil { out.append(path) }
            }
        }
        walk(item, list + "[*]")
        return out
    }
}
