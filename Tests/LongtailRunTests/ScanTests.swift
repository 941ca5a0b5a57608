import Foundation
import LongtailCore
import LongtailHDF5
import Testing
import TestSupport
import LongtailOutput
import LongtailRun
import LongtailScan
import LongtailSupport
import LongtailSynth
import LongtailTools

/// The scanner against ground truth: the committed fixtures, a generated rare-event archive,
/// and real logs in ../shared/data.
@Suite struct ScanTests {
    static let fixtures = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth")

    static func labels(_ path: String) throws -> [Evaluation.Interval] { try Evaluation.read(path) }

    static func detected(_ r: ScanResult) -> [Evaluation.Interval] {
        r.scans.flatMap { s in
            s.events.map { e in
                let outcome = e.facts.first { $0.0 == "outcome" }.flatMap { if case .text(let t) = $0.1 { t } else { nil } }
                return Evaluation.Interval(source: s.id.shortName, event: e.name, startNs: e.startNs, endNs: e.endNs, outcome: outcome)
            }
        }
    }

    /// CI's acceptance check: every event class of the fixtures at precision ≥ 0.95 and
    /// recall ≥ 0.90, IoU ≥ 0.3.
    @Test(arguments: ["driving", "robot"])
    func fixturesMeetPrecisionAndRecall(kind: String) throws {
        let dir = Self.fixtures.appendingPathComponent(kind)
        let result = try BatchRun.run(BatchOptions(paths: [dir.path], out: nil, profile: nil))
        #expect(result.failures.isEmpty, "\(result.failures.map(\.reason))")
        let truth = try Self.labels(dir.appendingPathComponent("labels.jsonl").path)
        let scores = Evaluation.score(detected: Self.detected(result), labels: truth, iouThreshold: 0.3)
        let classes = Set(truth.map(\.event))
        #expect(classes.count == (kind == "driving" ? 16 : 6))
        // Outcome classes (insert:seated) are scored too, and held to the same bar.
        for s in scores {
            #expect(classes.contains(String(s.event.split(separator: ":")[0])), "\(s.event) detected but never labelled")
            #expect(s.precision >= 0.95 && s.recall >= 0.90,
                    "\(s.event): precision \(s.precision) recall \(s.recall) (TP \(s.truePositives), FP \(s.falsePositives), missed \(s.misses))")
        }
        #expect(Set(scores.filter { !$0.isOutcome }.map(\.event)) == classes)
    }

    /// Facts are measured, not copied: a detected hard brake's peak is close to the label's.
    @Test func detectedFactsMatchLabelledFacts() throws {
        let dir = Self.fixtures.appendingPathComponent("driving")
        let result = try BatchRun.run(BatchOptions(paths: [dir.path], out: nil, profile: nil))
        let lines = try String(contentsOf: dir.appendingPathComponent("labels.jsonl"), encoding: .utf8).split(separator: "\n")
        let brakes = lines.filter { $0.contains("\"hard_brake\"") }.compactMap { line -> (Int64, Double)? in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = (obj["start_ns"] as? NSNumber)?.int64Value,
                  let facts = obj["facts"] as? [String: Any], let peak = (facts["peak_decel_mps2"] as? NSNumber)?.doubleValue else { return nil }
            return (s, peak)
        }
        #expect(!brakes.isEmpty)
        for (start, peak) in brakes {
            let e = result.scans[0].events.first { $0.name == "hard_brake" && abs($0.startNs - start) < 500_000_000 }
            guard let e, case .number(let measured) = e.facts[0].1 else { Issue.record("no detection near \(start)"); continue }
            #expect(abs(measured - peak) < 0.3, "label \(peak), measured \(measured)")
        }
    }

    /// One event-centred clip per event: the event widened by clip_pad_s (3 s for driving),
    /// within the source's data.
    @Test func eventClipsFrameEveryEvent() throws {
        let dir = Self.fixtures.appendingPathComponent("driving")
        let s = try #require(BatchRun.run(BatchOptions(paths: [dir.path], out: nil, profile: nil)).scans.first)
        #expect(s.clips.count == s.events.count && !s.clips.isEmpty)
        let first = s.segments.first!.startNs, last = s.segments.last!.endNs
        for (c, e) in zip(s.clips, s.events) {
            #expect(c.event == e.name)
            #expect(c.startNs == max(first, e.startNs - 3_000_000_000) && c.endNs == min(last, e.endNs + 3_000_000_000), "\(c) for \(e.name)")
        }
    }

    /// Same input, same output, byte for byte.
    @Test func scanOutputIsDeterministic() throws {
        let dir = Self.fixtures.appendingPathComponent("driving").path
        let a = TestSupport.temporaryDirectory("scan-a"), b = TestSupport.temporaryDirectory("scan-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        for out in [a, b] {
            _ = try ResultWriter.write(BatchRun.run(BatchOptions(paths: [dir], out: out.path, profile: nil)), to: out.path, options: TierOptions())
        }
        for name in ["events.jsonl", "segments.jsonl", "rarity-model.json"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)), "\(name)")
        }
    }

    /// Rarity on a generated archive where events are rare (40 minutes, rare-rate 0.02):
    /// segments carrying events rank high, event-free ones do not; models fitted on four
    /// shards and merged give exactly the single-pass model and scores.
    @Test func rarityRanksEventSegmentsAndMergesExactly() throws {
        let dir = TestSupport.temporaryDirectory("rarity")
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = SynthJob.Options()
        o.kind = .driving; o.seed = 12; o.duration = 2400; o.rareRate = 0.02; o.out = dir.path
        _ = try SynthJob.run(o)
        let result = try BatchRun.run(BatchOptions(paths: [dir.path], out: nil, profile: nil))
        let truth = try Self.labels(dir.appendingPathComponent("labels.jsonl").path)
        let segments = result.scans.flatMap(\.segments)
        let percentiles = result.sources.flatMap { $0.rarity.map(\.percentile) }
        var withEvents: [Double] = [], without: [Double] = []
        for (s, p) in zip(segments, percentiles) {
            let hit = truth.contains { $0.startNs < s.endNs && $0.endNs > s.startNs }
            if hit { withEvents.append(p) } else { without.append(p) }
        }
        func median(_ x: [Double]) -> Double { let s = x.sorted(); return s.isEmpty ? .nan : s[s.count / 2] }
        #expect(withEvents.count >= 10 && without.count > 5 * withEvents.count)
        #expect(median(withEvents) >= 0.95, "event segments: median percentile \(median(withEvents)) over \(withEvents.count)")
        #expect(median(without) <= 0.6, "event-free segments: median percentile \(median(without))")

        // Four shards, fitted apart and merged, equal the single pass.
        var merged = RarityModel(features: result.model.features, scales: result.model.scales)
        let quarter = (segments.count + 3) / 4
        for k in 0..<4 {
            var shard = RarityModel(features: result.model.features, scales: result.model.scales)
            for s in segments.dropFirst(k * quarter).prefix(quarter) { shard.add(s.features) }
            try merged.merge(shard)
        }
        #expect(merged == result.model)
        #expect(segments.map { merged.score($0.features) } == result.sources.flatMap { $0.rarity.map(\.score) })
    }



    /// Issue 15: "the HDF5 start time may come from an attribute of any object": each demo
    /// keeps its own on its group (`t0_attribute = "@start_time"`; integers are ns, floats
    /// seconds), and an attribute that is not there is said, not silently 0.
    @Test func startTimesFromAnAttributeOfEachEpisode() throws {
        let dir = TestSupport.temporaryDirectory("robomimic-t0")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("demos.hdf5").path
        try TestSupport.writeRobomimicDemos(to: path, startTimes: [.integers([1_700_000_000_000_000_000]), .floats([1_700_000_100.5]),
                                                                    .integers([1_700_000_200_000_000_000])])
        let base = try #require(BuiltinProfiles.text["robomimic"])
        func profile(_ t0: String) throws -> Profile {
            try Profile.parse(base.replacingOccurrences(of: "episode_group = \"/data\"", with: "episode_group = \"/data\"\nt0_attribute = \"\(t0)\""),
                              source: "test")
        }
        let scans = try SourceScanner.scan(path, profile: try profile("@start_time"))
        #expect(scans.map { $0.segments.first?.startNs } == [1_700_000_000_000_000_000, 1_700_000_100_500_000_000, 1_700_000_200_000_000_000])
        #expect(scans.allSatisfy { $0.warnings.isEmpty }, "\(scans.map(\.warnings))")
        // The same attribute named by its absolute path (one episode's for all), and a missing one.
        let absolute = try SourceScanner.scan(path, profile: try profile("/data/demo_1@start_time"))
        #expect(absolute.allSatisfy { $0.segments.first?.startNs == 1_700_000_100_500_000_000 })
        let missing = try SourceScanner.scan(path, profile: try profile("@t_start"))
        #expect(missing.allSatisfy { $0.segments.first?.startNs == 0 && $0.warnings.contains { $0.contains("no numeric attribute 't_start' on /data/demo_") } },
                "\(missing.map(\.warnings))")
    }

    /// robomimic's layout: one group per demo under /data, 20 Hz end-effector pose and gripper,
    /// no force. Each demo is its own source; only kinematic signals are found, so every
    /// manipulation detector is disabled, and `--profile auto` picks the profile.
    @Test func robomimicDemosAreSeparateSources() throws {
        let dir = TestSupport.temporaryDirectory("robomimic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("demos.hdf5").path
        try TestSupport.writeRobomimicDemos(to: path)
        #expect(ProfileChoice.auto(for: path) == "robomimic")
        let result = try BatchRun.run(BatchOptions(paths: [path], out: nil, profile: nil))
        #expect(result.failures.isEmpty, "\(result.failures.map(\.reason))")
        // Demos in numeric order (demo_10 after demo_1), each with 20 Hz ticks over its rows.
        #expect(result.scans.map { $0.id.shortName } == ["demos.hdf5#/data/demo_0", "demos.hdf5#/data/demo_1", "demos.hdf5#/data/demo_10"])
        #expect(result.scans.map(\.ticks) == [90, 130, 50])
        for s in result.scans {
            #expect(Set(s.found.keys) == ["position.x", "position.y", "position.z", "rotation", "gripper"])
            #expect(s.events.isEmpty && s.warnings.isEmpty)
            #expect(Set(s.disabled.map(\.event)) == Set(EventTable.events(in: .robot).map(\.name)))
            #expect(!s.segments.isEmpty)
        }
        // The gripper opening is the two fingers' difference: 0.08 m at the start of demo 0.
        let gripMax = result.scans[0].segments[0].features[FeatureSpec.features(for: .robot).firstIndex { $0.name == "gripper.max" }!]
        #expect(abs(gripMax - 0.08) < 1e-6, "\(gripMax)")
    }

    static func real(_ name: String) -> String? { TestSupport.real(name) }


    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func clearpathRobotsScanWithoutErrors() throws {
        let husky = try #require(Self.real("husky-outdoor-395s.mcap")), jackal = try #require(Self.real("jackal-61s.mcap"))
        let profile = try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/clearpath.toml").path)
        let result = try BatchRun.run(BatchOptions(paths: [husky, jackal], out: nil, profile: profile))
        #expect(result.failures.isEmpty)
        #expect(result.scans.count == 2)
        for s in result.scans {
            #expect(s.missing.isEmpty, "\(s.source): \(s.missing)")
            #expect(s.segments.count >= 10 && s.ticks > 2000)
        }
        // clearpath.toml is the Jackal's (z up): on the Husky (y up) its accel.y is gravity,
        // and the scan's sanity checks say so; on the Jackal it is plausible.
        #expect(result.scans[1].warnings.isEmpty, "\(result.scans[1].warnings)")
        #expect(result.scans[0].warnings.count == 1 && result.scans[0].warnings[0].hasPrefix("implausible accel.y (/imu/data linear_acceleration.y): averages 9.79 m/s²"),
                "\(result.scans[0].warnings)")
        // The Husky's IMU is mounted y-up (issue 15): husky.toml turns it into the vehicle
        // frame, measured from the file (docs/profiles/husky.toml says how).
        let huskyProfile = try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/husky.toml").path)
        let h = try #require(try SourceScanner.scan(husky, profile: huskyProfile).first)
        #expect(h.warnings.isEmpty && h.missing.isEmpty && Set(h.found.keys) == ["speed", "accel.x", "accel.y", "yaw_rate"], "\(h.warnings)")
        // A nominal drive: no event at all. The three high_jerk this gave came from the
        // accelerometer shaking over rough ground; the odometry, fused by noise, shows none.
        #expect(h.events.isEmpty, "\(h.events.map { "\($0.name) \($0.facts)" })")
        // The teleoperated Jackal does stop hard: its odometry drops from 1.98 to 0.16 m/s in
        // 0.25 s at 62.1 s, jumps 0.57 → 1.91 m/s at 90.0 s, drops 1.6 → 0.15 m/s at 104.1 s
        // (docs/profiles.md). Those are its confident jerks; every event is a jerk.
        let j = result.scans[1].events
        #expect(j.allSatisfy { $0.name == "high_jerk" }, "\(j.map(\.name))")
        let sure = j.filter { $0.confidence >= 0.9 }.map { Double($0.startNs) / 1e9 }
        #expect(sure.count == 3 && zip(sure, [62.1, 90.0, 104.1]).allSatisfy { abs($0 - $1) < 0.5 }, "\(sure)")
        // The Husky's 10 Hz odometry drops one message (0.209 s between two): by default (2.5
        // message periods) that is bridged, not a gap; a profile whose `max_gap_s` is shorter
        // gets it reported, on the odometry's signal, not bridged.
        #expect(result.scans[0].gaps.isEmpty, "\(result.scans[0].gaps)")
        var strict = profile
        for k in strict.signals.indices where strict.signals[k].name == "speed" { strict.signals[k].maxGapS = 0.2 }
        let huskyGaps = try #require(try SourceScanner.scan(husky, profile: strict).first).gaps
        #expect(huskyGaps.count == 1 && huskyGaps.allSatisfy { $0.signal == "speed" && $0.endNs - $0.startNs > 200_000_000 }, "\(huskyGaps)")
    }

}

extension ScanResult {
    /// The scans of every source, in order.
    var scans: [SourceScan] { sources.map(\.scan) }
}
