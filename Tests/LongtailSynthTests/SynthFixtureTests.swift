import Foundation
import Testing
import TestSupport
@testable import LongtailSynth

/// The committed fixtures are exactly what `longtail synth` makes from their recorded flags.
@Suite struct SynthFixtureTests {
    static let fixtures = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth")

    static func regenerate(_ kind: String, into dir: URL) throws {
        var o = SynthJob.Options()
        o.out = dir.path
        if kind == "driving" {
            o.kind = .driving; o.seed = 5; o.duration = 160; o.rareRate = 1
        } else {
            o.kind = .robot; o.seed = 2; o.episodes = 4
        }
        _ = try SynthJob.run(o)
    }

    @Test(arguments: ["driving", "robot"])
    func fixturesRegenerateByteForByte(kind: String) throws {
        let dir = TestSupport.temporaryDirectory("fixture-\(kind)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.regenerate(kind, into: dir)
        let committed = Self.fixtures.appendingPathComponent(kind)
        let names = try FileManager.default.contentsOfDirectory(atPath: committed.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == names)
        for name in names {
            let a = try Data(contentsOf: committed.appendingPathComponent(name))
            let b = try Data(contentsOf: dir.appendingPathComponent(name))
            #expect(a == b, "\(kind)/\(name) differs from a fresh generation (\(a.count) vs \(b.count) bytes)")
        }
    }

    @Test func fixturesHoldEveryEventClassAndStaySmall() throws {
        var classes: Set<String> = []
        var bytes = 0
        for kind in ["driving", "robot"] {
            let dir = Self.fixtures.appendingPathComponent(kind)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                bytes += try Data(contentsOf: dir.appendingPathComponent(name)).count
            }
            let labels = try String(contentsOf: dir.appendingPathComponent("labels.jsonl"), encoding: .utf8)
            for line in labels.split(separator: "\n") {
                let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                classes.insert(obj["event"] as! String)
                #expect((obj["start_ns"] as! NSNumber).int64Value < (obj["end_ns"] as! NSNumber).int64Value)
            }
        }
        let expected: Set<String> = ["hard_brake", "harsh_acceleration", "high_lateral_accel", "high_jerk", "swerve", "disengagement",
                                     "low_ttc", "cut_in", "pedestrian_crossing", "vulnerable_road_user_close", "wrong_way_actor",
                                     "heavy_rain", "snow", "fog", "low_visibility", "icy_road",
                                     "insert", "extract", "pull", "push", "twist", "contact_spike"]
        #expect(classes == expected, "missing: \(expected.subtracting(classes)), extra: \(classes.subtracting(expected))")
        #expect(bytes < 5_000_000, "fixtures take \(bytes) bytes")
    }

    /// Independent readers (Python mcap + mcap-ros2-support, h5py) read every file, and
    /// recompute the facts of a sample of every class from the raw signals.
    @Test(arguments: ["driving", "robot"])
    func pythonRecomputesTheFacts(kind: String) throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/check_synth.py").path
        let r = try TestSupport.run(python, [script, Self.fixtures.appendingPathComponent(kind).path, "--per-class", "5"])
        #expect(r.status == 0, "check_synth.py: \(r.stdoutText) \(r.stderr)")
        let out = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        let classes = out["classes"] as! [String: [String: Int]]
        #expect(classes.count == (kind == "driving" ? 16 : 6))
        #expect(classes.values.allSatisfy { $0["checked"]! > 0 && $0["checked"] == $0["passed"] })
    }
}
