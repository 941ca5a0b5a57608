import Foundation
import Testing
import TestSupport

/// `longtail synth --conventions` and `--sensors coarse` (issue 16): the same world stored
/// the way other stacks store it, each archive scanned with the profile synth wrote beside
/// it. `scripts/eval-matrix.sh` runs the whole matrix on 2 h and 200 episodes per cell;
/// this is its small, fixed-seed slice for CI.
@Suite struct ConventionMatrixTests {
    typealias Scores = [String: (p: Double, r: Double, labels: Int)]

    static func check(_ scores: Scores, _ cell: String, precision: Double = 0.9, recall: Double = 0.9) {
        #expect(scores.count >= 6, "\(cell): \(scores.keys.sorted())")
        for (name, m) in scores.sorted(by: { $0.key < $1.key }) where name == "all" || m.labels >= 3 {
            #expect(m.p >= precision && m.r >= recall, "\(cell) \(name): precision \(m.p), recall \(m.r) on \(m.labels) labels")
        }
    }

    @Test(arguments: ["yaw-rad", "yaw-deg-cw", "radar", "kmh"])
    func drivingConventionsScanWithTheirProfile(convention: String) throws {
        let dir = TestSupport.temporaryDirectory("conventions-\(convention)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let scores = try NoisyPresetTests.evaluate("driving", ["--seed", "31", "--duration", "10m", "--conventions", convention], in: dir)
        Self.check(scores, convention)
        // Every actor class the archive holds is found: the heading, reference point and
        // velocity frame of the convention were read as the profile says.
        for name in ["low_ttc", "wrong_way_actor", "pedestrian_crossing", "cut_in"] {
            if let m = scores[name] { #expect(m.r == 1, "\(convention) \(name): recall \(m.r)") }
        }
    }

    @Test(arguments: ["force-flipped", "tool-axis-x"])
    func robotConventionsScanWithTheirProfile(convention: String) throws {
        let dir = TestSupport.temporaryDirectory("conventions-\(convention)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["--seed", "32", "--episodes", "16", "--layout", "reassemble", "--conventions", convention]
        let scores = try NoisyPresetTests.evaluate("robot", args, in: dir)
        Self.check(scores, convention, precision: 0.95, recall: 0.95)
        // Read with the standard REASSEMBLE profile instead, the same files lose their
        // insertions: the convention is real, and only its profile reads it.
        let standard = try NoisyPresetTests.evaluate("robot", args, in: dir, standardProfile: true)
        #expect((standard["insert"]?.r ?? 0) < 0.5, "\(convention) read as standard: insert recall \(standard["insert"]?.r ?? 0)")
    }

    @Test func coarseSensorsStillFindEveryClass() throws {
        let dir = TestSupport.temporaryDirectory("coarse")
        defer { try? FileManager.default.removeItem(at: dir) }
        let driving = try NoisyPresetTests.evaluate("driving", ["--seed", "33", "--duration", "15m", "--sensors", "coarse"], in: dir)
        Self.check(driving, "coarse driving")
        let robot = try NoisyPresetTests.evaluate("robot", ["--seed", "34", "--episodes", "16", "--layout", "reassemble", "--sensors", "coarse"],
                                                  in: dir)
        Self.check(robot, "coarse robot", precision: 0.95, recall: 0.95)
    }

    @Test func conventionsAreCheckedAgainstTheKind() throws {
        let dir = TestSupport.temporaryDirectory("conventions-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let wrongKind = try TestSupport.run(NoisyPresetTests.binary, ["synth", "--kind", "robot", "--conventions", "radar", "--out", dir.path])
        #expect(wrongKind.status != 0 && wrongKind.stderr.contains("--kind driving"), "\(wrongKind.stderr)")
        let layout = try TestSupport.run(NoisyPresetTests.binary, ["synth", "--kind", "robot", "--conventions", "force-flipped", "--out", dir.path])
        #expect(layout.status != 0 && layout.stderr.contains("--layout reassemble"), "\(layout.stderr)")
        let unknown = try TestSupport.run(NoisyPresetTests.binary, ["synth", "--kind", "driving", "--conventions", "ned", "--out", dir.path])
        #expect(unknown.status != 0 && unknown.stderr.contains("yaw-rad"), "\(unknown.stderr)")
    }
}
