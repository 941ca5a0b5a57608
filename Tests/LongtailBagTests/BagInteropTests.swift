import Foundation
import LongtailMCAP
import Testing
import TestSupport
@testable import LongtailBag

/// Independent writers, Longtail reading: rosbags writes bags (uncompressed, bz2, lz4, and an
/// unindexed copy as a crashed recorder leaves it) and the `mcap` writer a ros1 MCAP, with
/// Imu, Odometry, WrenchStamped, JointState, NavSatFix and a custom nested type; every
/// message Longtail decodes equals what rosbags (bags) and mcap-ros1-support (MCAP) decode.
@Suite(.serialized) struct BagInteropTests {
    static let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_ros1.py").path

    /// The interop set in a temporary directory (nil, with an issue, without the Python packages).
    static func generate() throws -> URL? {
        guard let python = TestSupport.interopPython,
              (try? TestSupport.run(python, ["-c", "import rosbags, mcap_ros1"]).status) == 0 else {
            Issue.record("no Python with rosbags and mcap-ros1-support: run scripts/bootstrap.sh"); return nil
        }
        let dir = TestSupport.temporaryDirectory("ros1")
        let r = try TestSupport.run(python, [script, dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    static func expected(_ url: URL) throws -> [DecodedValue] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try DecodedComparison.parse(Array($0.utf8)) }
    }

    static func compare(_ mine: [(topic: String, time: UInt64, type: String, value: DecodedValue)], _ expected: [DecodedValue],
                        _ what: String) -> Int {
        // Both in time order, ties by topic (rosbags sorts by time; file order is time order here).
        let a = mine.sorted { ($0.time, $0.topic) < ($1.time, $1.topic) }
        let b = expected.sorted {
            (UInt64($0["time"].flatMap(\.uintValue) ?? 0), $0["topic"]?.stringValue ?? "") < (UInt64($1["time"].flatMap(\.uintValue) ?? 0), $1["topic"]?.stringValue ?? "")
        }
        #expect(a.count == b.count && a.count == 147, "\(what): \(a.count) messages, expected \(b.count)")
        var same = 0
        for (m, e) in zip(a, b) {
            #expect(m.topic == e["topic"]?.stringValue && m.time == e["time"]?.uintValue, "\(what): \(m.topic) at \(m.time)")
            if let d = DecodedComparison.difference(m.value, e["decoded"]!) { Issue.record("\(what) \(m.topic) at \(m.time): \(d)") } else { same += 1 }
        }
        return same
    }

    @Test func bagsWrittenByRosbagsDecodeExactly() throws {
        guard let dir = try Self.generate() else { return }
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["none", "bz2", "lz4", "unindexed"] {
            let path = dir.appendingPathComponent("ros1-\(name).bag").path
            let same = Self.compare(try BagReaderTests.decodeAll(path), try Self.expected(dir.appendingPathComponent("expected-\(name).jsonl")), name)
            #expect(same == 147, "\(name)")
            let index = try BagReader(path: path).index()
            #expect(index.fromIndex == (name != "unindexed") && index.messageCount == 147 && index.connections.count == 6, "\(name)")
            #expect(index.connections.values.first { $0.topic == "/fix" }?.latching == true)
        }
    }

    @Test func ros1MCAPDecodesLikeMcapRos1Support() throws {
        guard let dir = try Self.generate() else { return }
        defer { try? FileManager.default.removeItem(at: dir) }
        var mine: [(topic: String, time: UInt64, type: String, value: DecodedValue)] = []
        let reader = try MCAPIndexedReader(path: dir.appendingPathComponent("ros1.mcap").path)
        var decoders: [UInt16: MessageDecoder] = [:]
        var failure: (any Error)?
        try reader.readMessages { (m: IndexedMessage) throws(MCAPError) in
            do {
                if decoders[m.channel.id] == nil { decoders[m.channel.id] = try MessageDecoder.make(channel: m.channel, schema: m.schema) }
                mine.append((m.channel.topic, m.logTime, m.schema?.name ?? "", try decoders[m.channel.id]!.decode(m.data, topic: m.channel.topic)))
            } catch { failure = error }
        }
        if let failure { throw failure }
        #expect(Self.compare(mine, try Self.expected(dir.appendingPathComponent("expected-mcap.jsonl")), "ros1 MCAP") == 147)
    }
}

extension DecodedValue {
    subscript(_ name: String) -> DecodedValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var uintValue: UInt64? {
        switch self {
        case .uint(let u): u
        case .int(let i): i >= 0 ? UInt64(i) : nil
        default: nil
        }
    }
}
