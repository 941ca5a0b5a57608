import Foundation
import LongtailMCAP
import Testing
import TestSupport
@testable import LongtailBag

/// The bag reader against the real Husky bag and its decoding by the Python `rosbags`
/// package (`../shared/data/ros1`), and against the same log converted to MCAP.
@Suite struct BagReaderTests {
    static var husky: String? { TestSupport.sharedData?.appendingPathComponent("ros1/husky-outdoor-395s.bag").path }

    /// Every message of a bag, decoded, in file order: (topic, time, type, value).
    static func decodeAll(_ path: String) throws -> [(topic: String, time: UInt64, type: String, value: DecodedValue)] {
        let reader = try BagReader(path: path)
        var decoders: [UInt32: (BagConnection, MessageDecoder)] = [:]
        var out: [(String, UInt64, String, DecodedValue)] = []
        var failure: (any Error)?
        try reader.forEach { (event) throws(BagError) in
            switch event {
            case .connection(let c):
                do { decoders[c.id] = (c, try MessageDecoder.ros1(type: c.type, definition: c.messageDefinition, topic: c.topic)) } catch { failure = error }
            case .message(let m):
                guard let (c, d) = decoders[m.connection] else { return }
                do { out.append((c.topic, m.timeNs, c.type, try d.decode(m.data, topic: c.topic))) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return out
    }

    static func field(_ v: DecodedValue, _ name: String) -> DecodedValue? {
        guard case .object(let fields) = v else { return nil }
        return fields.first { $0.name == name }?.value
    }

    /// ROS 1's `header.seq`, which ROS 2 (and so the MCAP conversion) does not have.
    static func droppingSeq(_ v: DecodedValue) -> DecodedValue {
        guard case .object(let fields) = v else { return v }
        return .object(fields.map { f in
            guard f.name == "header", case .object(let h) = f.value else { return f }
            return DecodedField(name: "header", value: .object(h.filter { $0.name != "seq" }))
        })
    }

    /// `v` without the message constants (upper-case names) that the shared expected file's
    /// dump of rosbags' message classes lists beside the fields.
    static func droppingConstants(_ v: DecodedValue) -> DecodedValue {
        switch v {
        case .object(let fields):
            return .object(fields.filter { !$0.name.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } }
                .map { DecodedField(name: $0.name, value: droppingConstants($0.value)) })
        case .array(let items): return .array(items.map(droppingConstants))
        default: return v
        }
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func huskyBagMatchesRosbags() throws {
        let path = try #require(Self.husky)
        let expected = try DecodedComparison.parse(Array(try Data(contentsOf: TestSupport.sharedData!
            .appendingPathComponent("ros1/expected/husky-outdoor-395s.json"))))
        let index = try BagReader(path: path).index()
        #expect(index.fromIndex && index.compressions == ["bz2": 10])
        #expect(index.messageCount == 16806 && index.startNs == 1_432_235_498_025_043_042)
        // rosbags gives the end as the last time + 1 ns.
        #expect(index.endNs + 1 == 1_432_235_893_332_159_183)
        var counts: [String: UInt64] = [:]
        for (id, n) in index.counts { counts[index.connections[id]!.topic] = n }
        #expect(counts == ["/imu/data": 11865, "/husky_velocity_controller/odom": 3952, "/fix": 989])
        guard case .array(let conns)? = expected["connections"] else { Issue.record("no connections"); return }
        for case .array(let c) in conns {
            guard case .string(let topic) = c[0], case .string(let type) = c[1], case .string(let md5) = c[2] else { continue }
            let mine = try #require(index.connections.values.first { $0.topic == topic })
            #expect(mine.type == type.replacingOccurrences(of: "/msg/", with: "/") && mine.md5sum == md5 && !mine.latching)
        }
        // The first five messages of each topic, every field.
        let all = try Self.decodeAll(path)
        guard case .array(let msgs)? = expected["messages"] else { Issue.record("no messages"); return }
        var seen: [String: Int] = [:]
        var compared = 0
        for case .object(let e) in msgs {
            guard case .string(let topic)? = e.first(where: { $0.name == "topic" })?.value,
                  let raw = e.first(where: { $0.name == "decoded" })?.value else { continue }
            let decoded = Self.droppingConstants(raw)
            let k = seen[topic, default: 0]
            seen[topic] = k + 1
            let mine = try #require(all.filter { $0.topic == topic }.dropFirst(k).first)
            #expect(DecodedComparison.difference(mine.value, decoded) == nil, "\(topic) #\(k): \(DecodedComparison.difference(mine.value, decoded) ?? "")")
            compared += 1
        }
        #expect(compared == 15)
    }

    /// The bag and its MCAP conversion decode to equal values, message for message.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func huskyBagEqualsItsMCAPConversion() throws {
        let bag = try Self.decodeAll(try #require(Self.husky))
        let mcapPath = TestSupport.sharedData!.appendingPathComponent("real/husky-outdoor-395s.mcap").path
        var fromMCAP: [String: [DecodedValue]] = [:]
        let reader = try MCAPIndexedReader(path: mcapPath)
        var decoders: [UInt16: MessageDecoder] = [:]
        try reader.readMessages { (m: IndexedMessage) throws(MCAPError) in
            if decoders[m.channel.id] == nil { decoders[m.channel.id] = try? MessageDecoder.make(channel: m.channel, schema: m.schema) }
            if let d = decoders[m.channel.id], let v = try? d.decode(m.data, topic: m.channel.topic) { fromMCAP[m.channel.topic, default: []].append(v) }
        }
        var compared = 0
        for (topic, values) in fromMCAP {
            let mine = bag.filter { $0.topic == topic }.map(\.value)
            #expect(mine.count == values.count, "\(topic)")
            for (a, b) in zip(mine, values) {
                if let d = DecodedComparison.difference(Self.droppingSeq(a), b) { Issue.record("\(topic): \(d)"); break }
                compared += 1
            }
        }
        #expect(compared == 16806)
    }

    /// The committed small bags (none, bz2, lz4: Fixtures/ros1, written by rosbags) read the same.
    @Test func compressionsReadAlike() throws {
        let dir = TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1")
        let plain = try Self.decodeAll(dir.appendingPathComponent("small-none.bag").path)
        #expect(plain.count == 8 && Set(plain.map(\.topic)) == ["/imu", "/odom", "/wrench", "/joints", "/fix", "/nested"])
        for name in ["small-bz2.bag", "small-lz4.bag"] {
            let other = try Self.decodeAll(dir.appendingPathComponent(name).path)
            #expect(other.count == plain.count)
            for (a, b) in zip(plain, other) {
                #expect(a.topic == b.topic && a.time == b.time && DecodedComparison.difference(a.value, b.value) == nil, "\(name)")
            }
            let index = try BagReader(path: dir.appendingPathComponent(name).path).index()
            #expect(index.fromIndex && index.messageCount == 8 && index.compressions.keys.sorted() == [String(name.dropFirst(6).prefix(3))])
        }
    }
}
