import Foundation
import Testing
import TestSupport

/// The real `longtail` executable, end to end.
@Suite struct CLITests {
    static var binary: String { TestSupport.longtailBinary }

    static func sample() throws -> String {
        let data = try #require(TestSupport.sharedData, Comment(rawValue: TestSupport.sharedDataMissing))
        return data.appendingPathComponent("real/comma2k19-rav4-highway.mcap").path
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func inspectReportsChannelsAndCounts() throws {
        let r = try TestSupport.run(Self.binary, ["inspect", try Self.sample(), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        #expect(json["message_count"] as? Int == 22957)
        #expect(json["profile"] as? String == "ros2")
        #expect((json["compression"] as? [String: Int])?["zstd"] == 6)
        let channels = json["channels"] as! [[String: Any]]
        let imu = channels.first { $0["topic"] as? String == "/imu/data" }!
        #expect(imu["schema_name"] as? String == "sensor_msgs/msg/Imu" && imu["message_count"] as? Int == 6256)
        let text = try TestSupport.run(Self.binary, ["inspect", try Self.sample()])
        #expect(text.status == 0 && text.stdoutText.contains("/radar/tracks") && text.stdoutText.contains("zstd: [6/6 chunks]"))
    }

    /// Without a summary, or with one that does not repeat channels, inspect still names them.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func inspectWithoutUsableSummary() throws {
        let data = try #require(TestSupport.sharedData)
        for name in ["OneMessage.mcap", "OneMessage-ch-chx-mx-st-sum.mcap", "OneMessage-ch-chx-mx.mcap"] {
            let path = data.appendingPathComponent("mcap-conformance/OneMessage/\(name)").path
            let r = try TestSupport.run(Self.binary, ["inspect", path, "--format", "json"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
            let channels = json["channels"] as! [[String: Any]]
            #expect(channels.count == 1 && channels[0]["topic"] as? String == "example"
                    && channels[0]["schema_name"] as? String == "Example" && channels[0]["message_count"] as? Int == 1, "\(name)")
        }
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func catPrintsExactJSONLines() throws {
        let r = try TestSupport.run(Self.binary, ["cat", try Self.sample(), "--topic", "/can/speed", "--topic", "/gnss/fix",
                                                  "--since", "1533226490.0", "--until", "1533226491000000000"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdoutText.split(separator: "\n")
        #expect(lines.count > 80)
        var last: UInt64 = 0
        for line in lines {
            let v = try DecodedComparison.parse(Array(line.utf8))
            guard case .int(let t)? = v["log_time"] else { Issue.record("no log_time"); continue }
            #expect(t >= 1_533_226_490_000_000_000 && t < 1_533_226_491_000_000_000 && UInt64(t) >= last)
            last = UInt64(t)
            #expect(v["topic"] == .string("/can/speed") || v["topic"] == .string("/gnss/fix"))
            #expect(v["data"]?["header"]?["stamp"] != nil)
        }
        // Float text round-trips: a value from the real file, printed as its shortest exact repr.
        let fix = try TestSupport.run(Self.binary, ["cat", try Self.sample(), "--topic", "/gnss/fix"])
        #expect(fix.stdoutText.contains("\"longitude\":-122.47230529999999"))
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func undecodableChannelsPrintRawWarnOnceAndExit3() throws {
        let data = try #require(TestSupport.sharedData)
        let path = data.appendingPathComponent("mcap-rosbag2/wrong_rmw_test_0.mcap").path
        let r = try TestSupport.run(Self.binary, ["cat", path])
        #expect(r.status == 3)
        let lines = r.stdoutText.split(separator: "\n")
        #expect(lines.count == 7 && lines.allSatisfy { $0.contains("\"raw\":[") && !$0.contains("\"data\"") })
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.contains("wrong_format") })
    }

    @Test func errorsAndUsage() throws {
        let missing = try TestSupport.run(Self.binary, ["inspect", "/nonexistent/file.mcap"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/file.mcap"))
        let notMCAP = TestSupport.temporaryDirectory("cli").appendingPathComponent("x.mcap")
        try Data("hello, not mcap at all".utf8).write(to: notMCAP)
        let bad = try TestSupport.run(Self.binary, ["cat", notMCAP.path])
        #expect(bad.status == 1 && bad.stderr.contains("not a log Longtail knows (it starts with 68 65 6C 6C 6F") && bad.stderr.contains("x.mcap"))
        // Files of other kinds are named for what they are.
        for (bytes, says) in [(Array("#ROSRECORD V1.2\n".utf8), "older format"), ([0x1F, 0x8B, 8, 0], "gzip-compressed"),
                              (Array("SQLite format 3\u{0}".utf8), "ROS 2 bag"), ([], "empty")] {
            try Data(bytes).write(to: notMCAP)
            let r = try TestSupport.run(Self.binary, ["inspect", notMCAP.path])
            #expect(r.status == 1 && r.stderr.contains(says), "\(r.stderr)")
        }
        let usage = try TestSupport.run(Self.binary, ["cat"])
        #expect(usage.status == 2)
        let help = try TestSupport.run(Self.binary, ["--help"])
        #expect(help.status == 0 && help.stdoutText.contains("inspect") && help.stdoutText.contains("cat"))
    }

    /// A ROS 1 bag through inspect and cat: the bag's own index, and JSON lines shaped as
    /// for MCAP (rosbags' decoding of the same bag is checked in LongtailBagTests).
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func bagsInspectAndCat() throws {
        let bag = try #require(TestSupport.sharedData).appendingPathComponent("ros1/husky-outdoor-395s.bag").path
        let info = try TestSupport.run(Self.binary, ["inspect", bag, "--format", "json"])
        #expect(info.status == 0, "\(info.stderr)")
        let json = try JSONSerialization.jsonObject(with: info.stdout) as! [String: Any]
        #expect(json["message_count"] as? Int == 16806 && json["indexed"] as? Bool == true && (json["compression"] as? [String: Int])?["bz2"] == 10)
        let conns = json["connections"] as! [[String: Any]]
        #expect(conns.count == 3 && conns.contains { $0["topic"] as? String == "/imu/data" && $0["type"] as? String == "sensor_msgs/Imu" && $0["message_count"] as? Int == 11865 })
        let text = try TestSupport.run(Self.binary, ["inspect", bag])
        #expect(text.status == 0 && text.stdoutText.contains("ROS 1 bag 2.0") && text.stdoutText.contains("bz2: [10/10 chunks]"))
        let cat = try TestSupport.run(Self.binary, ["cat", bag, "--topic", "/fix"])
        #expect(cat.status == 0, "\(cat.stderr)")
        let lines = cat.stdoutText.split(separator: "\n")
        #expect(lines.count == 989)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["topic"] as? String == "/fix" && first["schema"] as? String == "sensor_msgs/NavSatFix" && first["data"] != nil)
        let csv = try TestSupport.run(Self.binary, ["cat", bag, "--format", "csv"])
        #expect(csv.status == 2 && csv.stderr.contains("a ROS 1 bag"))
    }
}
