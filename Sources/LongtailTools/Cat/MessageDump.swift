import LongtailBag
import LongtailMCAP
import LongtailSupport

/// `longtail cat`: every selected message as one JSON object per line.
public enum MessageDump {
    /// Which messages to print.
    public struct Selection: Sendable {
        /// Topics to print; empty means all.
        public var topics: Set<String> = []
        /// First log time printed (inclusive), nanoseconds.
        public var since: UInt64 = 0
        /// End of the range (exclusive), nanoseconds.
        public var until: UInt64 = .max
        public init() {}
    }

    /// What a dump did.
    public struct Outcome: Sendable {
        public var messages = 0
        /// Channels printed as raw bytes, with the reason (one warning each).
        public var undecoded: [String] = []
    }

    /// Prints the selected messages of `path` in log-time order through `line`, and
    /// reports each channel that cannot be decoded once through `warning`.
    /// - Throws: `MCAPError` when the file cannot be read.
    public static func run(path: String, selection: Selection, line: @escaping (String) -> Void,
                           warning: @escaping (String) -> Void) throws(MCAPError) -> Outcome {
        let reader = try MCAPIndexedReader(path: path)
        var decoders: [UInt16: Result<MessageDecoder, DecodeError>] = [:]
        var printer = Printer(path: path, line: line, warning: warning)
        try reader.readMessages(topics: selection.topics.isEmpty ? nil : selection.topics,
                                startTime: selection.since, endTime: selection.until) { (m) throws(MCAPError) in
            let decoder: Result<MessageDecoder, DecodeError>
            if let d = decoders[m.channel.id] { decoder = d } else {
                decoder = Result { () throws(DecodeError) in try MessageDecoder.make(channel: m.channel, schema: m.schema) }
                decoders[m.channel.id] = decoder
            }
            printer.print(key: UInt32(m.channel.id), topic: m.channel.topic, logTime: m.logTime, publishTime: m.publishTime,
                          sequence: m.sequence, schema: m.schema?.name ?? "", data: m.data, decoder)
        }
        return printer.outcome
    }

    /// The same for a ROS 1 bag, in the bag's record order: `publish_time` is the receive
    /// time and `sequence` 0 (a bag keeps neither; `header.seq` is in the data).
    /// - Throws: `BagError` when the file cannot be read.
    public static func runBag(path: String, selection: Selection, line: @escaping (String) -> Void,
                              warning: @escaping (String) -> Void) throws(BagError) -> Outcome {
        let reader = try BagReader(path: path)
        var connections: [UInt32: (BagConnection, Result<MessageDecoder, DecodeError>)] = [:]
        var printer = Printer(path: path, line: line, warning: warning)
        try reader.forEach { (event) throws(BagError) in
            switch event {
            case .connection(let c):
                connections[c.id] = (c, Result { () throws(DecodeError) in
                    try MessageDecoder.ros1(type: c.type, definition: c.messageDefinition, topic: c.topic)
                })
            case .message(let m):
                guard let (c, decoder) = connections[m.connection], m.timeNs >= selection.since, m.timeNs < selection.until,
                      selection.topics.isEmpty || selection.topics.contains(c.topic) else { return }
                printer.print(key: m.connection, topic: c.topic, logTime: m.timeNs, publishTime: m.timeNs, sequence: 0,
                              schema: c.type, data: m.data, decoder)
            }
        }
        return printer.outcome
    }

    /// Writes message lines, warning once per channel that cannot be decoded.
    struct Printer {
        let path: String
        let line: (String) -> Void
        let warning: (String) -> Void
        var warned: Set<UInt32> = []
        var outcome = Outcome()

        mutating func print(key: UInt32, topic: String, logTime: UInt64, publishTime: UInt64, sequence: UInt32, schema: String,
                            data: UnsafeRawBufferPointer, _ decoder: Result<MessageDecoder, DecodeError>) {
            var json = JSONText()
            json.raw("{")
            json.key("topic", first: true); json.string(topic)
            json.key("log_time"); json.raw(String(logTime))
            json.key("publish_time"); json.raw(String(publishTime))
            json.key("sequence"); json.raw(String(sequence))
            json.key("schema"); json.string(schema)
            var problem: DecodeError?
            switch decoder {
            case .success(let d):
                do throws(DecodeError) {
                    let value = try d.decode(data, topic: topic)
                    json.key("data"); json.value(value)
                } catch { problem = error }
            case .failure(let e): problem = e
            }
            if let problem {
                json.key("raw"); json.integers(data)
                json.key("error"); json.string(problem.description)
                if warned.insert(key).inserted {
                    warning("\(path): \(problem); printing its messages as \"raw\" bytes")
                    outcome.undecoded.append(topic)
                }
            }
            json.raw("}")
            line(json.text)
            outcome.messages += 1
        }
    }
}
