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
    public static func run(path: String, selection: Selection, line: (String) -> Void,
                           warning: (String) -> Void) throws(MCAPError) -> Outcome {
        let reader = try MCAPIndexedReader(path: path)
        var decoders: [UInt16: Result<MessageDecoder, DecodeError>] = [:]
        var warned: Set<UInt16> = []
        var outcome = Outcome()
        try reader.readMessages(topics: selection.topics.isEmpty ? nil : selection.topics,
                                startTime: selection.since, endTime: selection.until) { (m) throws(MCAPError) in
            let decoder: Result<MessageDecoder, DecodeError>
            if let d = decoders[m.channel.id] { decoder = d } else {
                decoder = Result { () throws(DecodeError) in try MessageDecoder.make(channel: m.channel, schema: m.schema) }
                decoders[m.channel.id] = decoder
            }
            var json = JSONText()
            json.raw("{")
            json.key("topic", first: true); json.string(m.channel.topic)
            json.key("log_time"); json.raw(String(m.logTime))
            json.key("publish_time"); json.raw(String(m.publishTime))
            json.key("sequence"); json.raw(String(m.sequence))
            json.key("schema"); json.string(m.schema?.name ?? "")
            var problem: DecodeError?
            switch decoder {
            case .success(let d):
                do throws(DecodeError) {
                    let value = try d.decode(m.data, topic: m.channel.topic)
                    json.key("data"); json.value(value)
                } catch { problem = error }
            case .failure(let e): problem = e
            }
            if let problem {
                json.key("raw"); json.integers(m.data)
                json.key("error"); json.string(problem.description)
                if warned.insert(m.channel.id).inserted {
                    warning("\(path): \(problem); printing its messages as \"raw\" bytes")
                    outcome.undecoded.append(m.channel.topic)
                }
            }
            json.raw("}")
            line(json.text)
            outcome.messages += 1
        }
        return outcome
    }
}
