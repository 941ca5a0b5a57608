import Foundation
import LongtailCore
import LongtailMCAP
import Testing
@testable import LongtailScan

/// Track lists in conventions other than Autoware's (issue 16): a scalar heading in degrees,
/// no heading at all, positions measured from the front bumper.
@Suite struct ActorConventionTests {
    /// 12 s at 12 m/s; tracks at 10 Hz: a car in our lane driving at us (heading 180°, ground
    /// velocity −10 m/s) from 5 s to 7 s, a parked car beside the road throughout, a car ahead
    /// going our way. Heading in degrees in `heading_deg`; velocities along the ego axes.
    static func writeLog(_ path: String) throws {
        try writeTrackLog(path, fields: ["x", "y", "vx", "vy", "heading_deg"], egoPeriodNs: 20_000_000, egoCount: 600) { t in
            var list: [(UInt32, [Double])] = [(2, [30 - 12 * t.truncatingRemainder(dividingBy: 2), 4.5, 0, 0, 90]), (3, [25, 0.2, 12, 0, 0])]
            if t >= 5 && t < 7 { list.append((1, [60 - 22 * (t - 5), 0.3, -10, 0, 180])) }
            return list
        }
    }

    /// An MCAP of 12 s: `/ego` (speed 12 m/s) every `egoPeriodNs`, `egoCount` messages less
    /// those `skipEgo` names, and `/tracks` at 10 Hz: `lists(t)` gives each track's id and its
    /// `fields` (float64, after a uint32 id).
    static func writeTrackLog(_ path: String, fields: [String], egoPeriodNs: UInt64, egoCount: Int, skipEgo: (Int) -> Bool = { _ in false },
                              lists: (Double) -> [(UInt32, [Double])]) throws {
        let sink = try FileSink(path: path)
        let w = MCAPWriter(sink: sink)
        try w.start(profile: "ros2", library: "test")
        let ego = try w.addSchema(name: "test_msgs/msg/Ego", encoding: "ros2msg", data: Array("float64 speed\n".utf8))
        let trackText = "test_msgs/Track[] tracks\n================================================================================\n"
            + "MSG: test_msgs/Track\nuint32 id\n" + fields.map { "float64 \($0)\n" }.joined()
        let tracks = try w.addSchema(name: "test_msgs/msg/Tracks", encoding: "ros2msg", data: Array(trackText.utf8))
        let egoChannel = try w.addChannel(topic: "/ego", messageEncoding: "cdr", schemaID: ego)
        let trackChannel = try w.addChannel(topic: "/tracks", messageEncoding: "cdr", schemaID: tracks)
        let t0: UInt64 = 1_700_000_000_000_000_000
        for i in 0..<egoCount where !skipEgo(i) {
            var e = CDREncoder()
            e.float64(12)
            try w.addMessage(channelID: egoChannel, logTime: t0 + UInt64(i) * egoPeriodNs, publishTime: t0 + UInt64(i) * egoPeriodNs, data: e.bytes)
        }
        for i in 0..<120 {
            let list = lists(Double(i) / 10)
            var e = CDREncoder()
            e.sequenceLength(list.count)
            for a in list { e.uint32(a.0); for v in a.1 { e.float64(v) } }
            try w.addMessage(channelID: trackChannel, logTime: t0 + UInt64(i) * 100_000_000, publishTime: t0 + UInt64(i) * 100_000_000,
                             data: e.bytes)
        }
        try w.finish()
        try sink.close()
    }

    static func profile(_ heading: String) throws -> Profile {
        try Profile.parse("""
            name = "tracks"
            domain = "driving"
            [[signal]]
            name = "speed"
            topic = "/ego"
            field = "speed"
            [actors]
            topic = "/tracks"
            id = "tracks[*].id"
            x = "tracks[*].x"
            y = "tracks[*].y"
            vx = "tracks[*].vx"
            vy = "tracks[*].vy"
            velocity_frame = "ego"
            front_m = 0
            \(heading)
            """, source: "tracks.toml")
    }

    @Test func wrongWayWithADegreeYawOrNoHeadingAtAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longtail-actors-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("tracks.mcap").path
        try Self.writeLog(path)
        for heading in ["yaw = \"tracks[*].heading_deg\"\nyaw_scale = 0.017453292519943295", ""] {
            let p = try Self.profile(heading)
            #expect(p.thresholds["ego.front_m"] == 0)
            let scan = try #require(try SourceScanner.scan(path, profile: p).first)
            let wrong = scan.events.filter { $0.name == "wrong_way_actor" }
            #expect(wrong.count == 1, "heading '\(heading)': \(scan.events.map(\.name)) \(scan.warnings)")
            if let e = wrong.first {
                let start = Double(e.startNs - 1_700_000_000_000_000_000) / 1e9
                #expect(start >= 5 && start < 5.6, "starts at \(start)")
            }
        }
        // The same field read as radians (the wrong unit): 180 rad is not opposite, no event.
        let radians = try #require(try SourceScanner.scan(path, profile: try Self.profile("yaw = \"tracks[*].heading_deg\"")).first)
        #expect(!radians.events.contains { $0.name == "wrong_way_actor" })
    }

    /// A radar's list (velocities relative to the ego, no heading) beside a speed topic at
    /// 10 Hz that loses every third message: between speed samples a tick has no speed. A
    /// car parked in our lane (relative −12 m/s) must not read as coming at us; the car
    /// that does come at us (relative −22 m/s, 5 s to 7 s) is the one wrong-way actor.
    @Test func aRadarListBetweenSpeedSamplesKeepsParkedCarsParked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("longtail-radar-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("radar.mcap").path
        try Self.writeTrackLog(path, fields: ["x", "y", "vx", "vy"], egoPeriodNs: 100_000_000, egoCount: 120, skipEgo: { $0 % 3 == 2 }) { t in
            var list: [(UInt32, [Double])] = [(2, [130 - 12 * t, 0.3, -12, 0])]
            if t >= 5 && t < 7 { list.append((1, [60 - 22 * (t - 5), -0.4, -22, 0])) }
            return list
        }
        let profile = try Profile.parse("""
            name = "radar"
            domain = "driving"
            [[signal]]
            name = "speed"
            topic = "/ego"
            field = "speed"
            max_gap_s = 0.15
            [actors]
            topic = "/tracks"
            id = "tracks[*].id"
            x = "tracks[*].x"
            y = "tracks[*].y"
            vx = "tracks[*].vx"
            vy = "tracks[*].vy"
            velocity_frame = "relative"
            front_m = 0
            """, source: "radar.toml")
        let scan = try #require(try SourceScanner.scan(path, profile: profile).first)
        let wrong = scan.events.filter { $0.name == "wrong_way_actor" }
        #expect(wrong.count == 1, "\(wrong.map { Double($0.startNs - 1_700_000_000_000_000_000) / 1e9 })")
        if let e = wrong.first {
            let start = Double(e.startNs - 1_700_000_000_000_000_000) / 1e9
            #expect(start >= 5 && start < 5.6, "starts at \(start)")
        }
    }

    @Test func headingMappingsThatCannotWorkAreRefused() {
        func error(_ heading: String) -> String {
            do { _ = try Self.profile(heading); return "" } catch { return "\(error)" }
        }
        #expect(error("yaw = \"a\"\norientation = [\"a\", \"b\", \"c\", \"d\"]").contains("orientation or from yaw, not both"))
        #expect(error("yaw_scale = 2").contains("need actors.yaw"))
        #expect(error("front_m = 1").contains("front_m"))   // given twice: a TOML error
        let objectFrame = "velocity_frame = \"object\""
        #expect((try? Profile.parse("""
            name = "t"
            domain = "driving"
            [actors]
            topic = "/t"
            id = "a[*].id"
            x = "a[*].x"
            y = "a[*].y"
            vx = "a[*].vx"
            \(objectFrame)
            """, source: "t.toml")) == nil)
    }
}

