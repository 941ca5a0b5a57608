import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

/// rosbag2 recordings and real vehicle/robot logs against the values the Python
/// `mcap` + `mcap-ros2-support` packages decoded (`expected/*.json` beside them).
@Suite struct RecordedFileTests {
    static func inputs(_ folder: String) -> [URL] {
        guard let data = TestSupport.sharedData else { return [] }
        return TestSupport.files(in: data.appendingPathComponent(folder), ext: "mcap")
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment), arguments: ["mcap-rosbag2", "real"])
    func decodesToExpectedValues(folder: String) throws {
        let files = Self.inputs(folder)
        try #require(!files.isEmpty)
        var compared = 0
        for url in files {
            compared += try check(url)
        }
        #expect(compared > (folder == "real" ? 30 : 500), "compared \(compared) decoded messages in \(folder)")
    }

    /// Returns how many decoded messages were compared.
    func check(_ url: URL) throws -> Int {
        let name = url.lastPathComponent
        let expectedURL = url.deletingLastPathComponent().appendingPathComponent("expected")
            .appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".json")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as! [String: Any]
        let reader = try MCAPIndexedReader(path: url.path)

        // Every message, in log-time order, decoded where possible.
        struct Got { var topic: String; var logTime: UInt64; var publishTime: UInt64; var sequence: UInt32
            var schema: String; var decoded: Result<DecodedValue, DecodeError> }
        var got: [Got] = []
        var decoders: [UInt16: Result<MessageDecoder, DecodeError>] = [:]
        try reader.readMessages { (m) throws(MCAPError) in
            let d = decoders[m.channel.id] ?? Result { () throws(DecodeError) in try MessageDecoder.make(channel: m.channel, schema: m.schema) }
            decoders[m.channel.id] = d
            let value = d.flatMap { dec in Result { () throws(DecodeError) in try dec.decode(m.data, topic: m.channel.topic) } }
            got.append(Got(topic: m.channel.topic, logTime: m.logTime, publishTime: m.publishTime, sequence: m.sequence,
                           schema: m.schema?.name ?? "", decoded: value))
        }

        // Counts and statistics for all.
        var counts: [String: Int] = [:]
        for g in got { counts[g.topic, default: 0] += 1 }
        let expectedCounts = (expected["message_counts"] as! [String: Any]).mapValues { ($0 as! NSNumber).intValue }
        #expect(counts == expectedCounts, "\(name): per-topic counts")
        let stats = expected["statistics"] as! [String: Any]
        #expect(got.count == (stats["message_count"] as! NSNumber).intValue, "\(name): message count")
        // The statistics are the file's own Statistics record (rosbag2's rewriter records a start
        // time later than its first message in one file; both readers report the record as written).
        let fileStats = try #require(reader.summary.statistics, "\(name): no Statistics record")
        #expect(fileStats.messageCount == (stats["message_count"] as! NSNumber).uint64Value, "\(name): statistics count")
        #expect(fileStats.messageStartTime == (stats["message_start_time"] as! NSNumber).uint64Value, "\(name): start")
        #expect(fileStats.messageEndTime == (stats["message_end_time"] as! NSNumber).uint64Value, "\(name): end")
        let info = try MCAPInfoProbe.channels(reader)
        let expectedChannels = (expected["channels"] as! [[Any]]).map { $0.map { "\($0)" } }
        #expect(info == expectedChannels.sorted { $0.joined() < $1.joined() }, "\(name): channels")

        // Every message that has `decoded`, matched per topic in order.
        let typed = try DecodedComparison.parse([UInt8](Data(contentsOf: expectedURL)))
        guard case .array(let expectedMessages)? = typed["messages"] else { Issue.record("no messages"); return 0 }
        var byTopic: [String: [Got]] = [:]
        for g in got { byTopic[g.topic, default: []].append(g) }
        var position: [String: Int] = [:]
        var compared = 0
        for m in expectedMessages {
            guard case .string(let topic)? = m["topic"] else { continue }
            let i = position[topic, default: 0]
            position[topic] = i + 1
            let mine = try #require(byTopic[topic]?[i], "\(name): missing message \(i) of \(topic)")
            #expect(m["log_time"] == .int(Int64(mine.logTime)), "\(name) \(topic)[\(i)] log_time")
            #expect(m["publish_time"] == .int(Int64(mine.publishTime)), "\(name) \(topic)[\(i)] publish_time")
            #expect(m["sequence"] == .int(Int64(mine.sequence)), "\(name) \(topic)[\(i)] sequence")
            #expect(m["schema"] == .string(mine.schema))
            guard let decoded = m["decoded"] else { continue }  // the Python decoder failed on it (decode_error)
            if decoded == .null {
                // Python could not decode it either: we must fail with a clear, named error.
                guard case .failure(let e) = mine.decoded else {
                    Issue.record("\(name) \(topic): decoded a message Python could not"); continue
                }
                #expect(e.description.contains(topic))
                continue
            }
            switch mine.decoded {
            case .success(let v):
                if let diff = DecodedComparison.difference(v, decoded) { Issue.record("\(name) \(topic)[\(i)]\(diff)") }
                compared += 1
            case .failure(let e): Issue.record("\(name) \(topic)[\(i)]: \(e)")
            }
        }
        return compared
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func wrongEncodingIsNamedAndOtherChannelsStillDecode() throws {
        let data = try #require(TestSupport.sharedData)
        let path = data.appendingPathComponent("mcap-rosbag2/wrong_rmw_test_0.mcap").path
        let reader = try MCAPIndexedReader(path: path)
        var errors: [String] = []
        var messages = 0
        try reader.readMessages { (m) throws(MCAPError) in
            messages += 1
            do throws(DecodeError) { _ = try MessageDecoder.make(channel: m.channel, schema: m.schema) } catch {
                errors.append(error.description)
            }
        }
        #expect(messages == 7)
        #expect(errors.count == 7)
        #expect(errors.allSatisfy { $0.contains("wrong_format") && ($0.contains("/test_topic") || $0.contains("/array_topic")) })

        // The same schemas under a supported encoding decode: the failure is the encoding's alone.
        let cdrPath = data.appendingPathComponent("mcap-rosbag2/cdr_test_0.mcap").path
        var decoded = 0
        try MCAPIndexedReader(path: cdrPath).readMessages { (m) throws(MCAPError) in
            if (try? MessageDecoder.make(channel: m.channel, schema: m.schema).decode(m.data, topic: m.channel.topic)) != nil {
                decoded += 1
            }
        }
        #expect(decoded == 7)
    }
}

enum MCAPInfoProbe {
    /// (topic, message encoding, schema name) per channel, sorted.
    static func channels(_ r: MCAPIndexedReader) throws -> [[String]] {
        r.summary.channels.values.map { c in
            [c.topic, c.messageEncoding, r.summary.schemas[c.schemaID]?.name ?? ""]
        }.sorted { $0.joined() < $1.joined() }
    }
}
