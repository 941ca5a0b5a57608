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
        #expect(bad.status == 1 && bad.stderr.contains("bad magic") && bad.stderr.contains("x.mcap"))
        let usage = try TestSupport.run(Self.binary, ["cat"])
        #expect(usage.status == 2)
        let help = try TestSupport.run(Self.binary, ["--help"])
        #expect(help.status == 0 && help.stdoutText.contains("inspect") && help.stdoutText.contains("cat"))
    }
}
