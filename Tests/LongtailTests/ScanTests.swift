import Foundation
import LongtailCore
import LongtailHDF5
import Testing
import TestSupport
@testable import Longtail

/// The scanner against ground truth: the committed fixtures, a generated rare-event archive,
/// and real logs in ../shared/data.
@Suite struct ScanTests {
    static let fixtures = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth")

    static func labels(_ path: String) throws -> [Evaluation.Interval] { try Evaluation.read(path) }

    static func detected(_ r: ScanJob.Result) -> [Evaluation.Interval] {
        r.scans.flatMap { s in
            s.events.map { Evaluation.Interval(source: ScanJob.shortName(s.source), event: $0.name, startNs: $0.startNs, endNs: $0.endNs) }
        }
    }

    /// CI's acceptance check: every event class of the fixtures at precision ≥ 0.95 and
    /// recall ≥ 0.90, IoU ≥ 0.3.
    @Test(arguments: ["driving", "robot"])
    func fixturesMeetPrecisionAndRecall(kind: String) throws {
        let dir = Self.fixtures.appendingPathComponent(kind)
        let result = try ScanJob.run(ScanJob.Options(paths: [dir.path], out: nil, profile: nil))
        #expect(result.failures.isEmpty, "\(result.failures.map(\.reason))")
        let truth = try Self.labels(dir.appendingPathComponent("labels.jsonl").path)
        let scores = Evaluation.score(detected: Self.detected(result), labels: truth, iouThreshold: 0.3)
        let classes = Set(truth.map(\.event))
        #expect(classes.count == (kind == "driving" ? 16 : 6))
        for s in scores {
            #expect(classes.contains(s.event), "\(s.event) detected but never labelled")
            #expect(s.precision >= 0.95 && s.recall >= 0.90,
                    "\(s.event): precision \(s.precision) recall \(s.recall) (TP \(s.truePositives), FP \(s.falsePositives), missed \(s.misses))")
        }
        #expect(Set(scores.map(\.event)) == classes)
    }

    /// Facts are measured, not copied: a detected hard brake's peak is close to the label's.
    @Test func detectedFactsMatchLabelledFacts() throws {
        let dir = Self.fixtures.appendingPathComponent("driving")
        let result = try ScanJob.run(ScanJob.Options(paths: [dir.path], out: nil, profile: nil))
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
        let s = try #require(ScanJob.run(ScanJob.Options(paths: [dir.path], out: nil, profile: nil)).scans.first)
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
            try ScanJob.write(ScanJob.run(ScanJob.Options(paths: [dir], out: out.path, profile: nil)), to: out.path)
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
        let result = try ScanJob.run(ScanJob.Options(paths: [dir.path], out: nil, profile: nil))
        let truth = try Self.labels(dir.appendingPathComponent("labels.jsonl").path)
        let segments = result.scans.flatMap(\.segments)
        let percentiles = result.rarity.flatMap { $0.map(\.percentile) }
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
        #expect(segments.map { merged.score($0.features) } == result.rarity.flatMap { $0.map(\.score) })
    }

    @Test func resamplerInterpolatesStatesHoldAndGapsStayEmpty() {
        var continuous = SignalSpec(name: "speed"); continuous.topic = "t"; continuous.field = "f"
        var state = SignalSpec(name: "autonomy"); state.topic = "t"; state.field = "g"; state.kind = "state"; state.maxGapS = 1.5
        let r = Resampler(signals: [continuous, state], rateHz: 10)
        let s: Int64 = 1_000_000_000
        // 10 Hz samples of v = t (seconds), with nothing between 2.0 s and 3.0 s; a state at 0 s and 2.05 s.
        for i in 0...50 where i <= 20 || i >= 30 { r.add(0, s + Int64(i) * 100_000_000, Double(i) / 10) }
        r.add(1, s, 1); r.add(1, s + 2_050_000_000, 0)
        var rows: [(Int64, [Float])] = []
        let b = Resampler.blockTicks
        r.drain(final: true) { t, count, columns in
            for k in 0..<count { rows.append((t + Int64(k) * 100_000_000, [columns[k], columns[b + k]])) }
        }
        #expect(rows.count == 51)
        for (t, v) in rows {
            let sec = Double(t - s) / 1e9
            if sec > 2.0 + 1e-9 && sec < 3.0 - 1e-9 {
                #expect(v[0].isNaN, "no value inside the gap at \(sec)")
            } else {
                #expect(abs(Double(v[0]) - sec) < 1e-5, "linear at \(sec): \(v[0])")
            }
            // Held for at most max_gap_s (1.5 s) after each sample, then missing.
            let expectedState: Float = sec < 2.05 ? (sec <= 1.5 + 1e-9 ? 1 : .nan) : (sec <= 3.55 + 1e-9 ? 0 : .nan)
            #expect(v[1] == expectedState || (v[1].isNaN && expectedState.isNaN), "state at \(sec): \(v[1])")
        }
        #expect(r.gaps == [SignalGap(signal: "speed", startNs: s + 2_000_000_000, endNs: s + 3_000_000_000),
                           SignalGap(signal: "autonomy", startNs: s, endNs: s + 2_050_000_000)])
    }

    @Test func builtinProfilesParseAndBadOnesSayWhy() throws {
        for name in BuiltinProfiles.names { _ = try Profile.load(name) }
        func error(_ text: String) -> String {
            do { _ = try Profile.parse(text, source: "test.toml"); return "" } catch { return error.description }
        }
        let head = "name = \"x\"\ndomain = \"driving\"\n"
        #expect(error(head + "[[signal]]\nname = \"sped\"\ntopic = \"/a\"\nfield = \"x\"\n").contains("unknown driving signal 'sped'; valid: speed"))
        #expect(error(head + "[[signal]]\nname = \"speed\"\ntopic = \"/a\"\nfeild = \"x\"\n").contains("unknown key feild in [[signal]] #1"))
        #expect(error(head + "[thresholds.hard_brake]\naccel = -5\n").contains("unknown threshold 'hard_brake.accel'; valid:"))
        #expect(error(head + "rate_hz = = 3\n").contains("TOML syntax error at line 3"))
        #expect(error("name = \"x\"\ndomain = \"boat\"\n").contains("domain must be driving or robot"))
        #expect(error(head + "[[signal]]\nname = \"speed\"\ntopic = \"/a\"\nfields = [\"a\", \"b\"]\n").contains("several inputs need weights"))
        #expect(error(head + "[actors]\ntopic=\"/o\"\nid=\"i\"\nx=\"x\"\ny=\"y\"\nvx=\"v\"\nclasses={\"1\"=\"boat\"}\n").contains("is not a class"))
        // Integers are accepted where numbers are expected, thresholds override.
        let p = try Profile.parse(head + "rate_hz = 50\n[thresholds.hard_brake]\naccel_mps2 = -5\n", source: "ok.toml")
        #expect(p.rateHz == 50 && p.thresholds["hard_brake.accel_mps2"] == -5 && p.windowSeconds == 10)
        #expect(throws: ProfileError.self) { try Profile.load("/no/such/profile.toml") }
    }

    /// robomimic's layout: one group per demo under /data, 20 Hz end-effector pose and gripper,
    /// no force. Each demo is its own source; only kinematic signals are found, so every
    /// manipulation detector is disabled, and `--profile auto` picks the profile.
    @Test func robomimicDemosAreSeparateSources() throws {
        let dir = TestSupport.temporaryDirectory("robomimic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("demos.hdf5").path
        let w = try HDF5Writer(path: path)
        for (d, rows) in [(0, 90), (1, 130), (10, 50)] {
            var pos: [Double] = [], quat: [Double] = [], grip: [Double] = []
            for i in 0..<rows {
                let k = Double(i)
                pos += [0.5 + 0.001 * k, 0.1, 0.9 - 0.002 * k]
                quat += [0, 0, 0, 1]
                let finger: Double = 0.04 - 0.0002 * k
                grip += [finger, -finger]
            }
            try w.writeDataset("/data/demo_\(d)/obs/robot0_eef_pos", values: pos, shape: [rows, 3])
            try w.writeDataset("/data/demo_\(d)/obs/robot0_eef_quat", values: quat, shape: [rows, 4])
            try w.writeDataset("/data/demo_\(d)/obs/robot0_gripper_qpos", values: grip, shape: [rows, 2])
        }
        try w.close()
        #expect(ProfileChoice.auto(for: path) == "robomimic")
        let result = try ScanJob.run(ScanJob.Options(paths: [path], out: nil, profile: nil))
        #expect(result.failures.isEmpty, "\(result.failures.map(\.reason))")
        // Demos in numeric order (demo_10 after demo_1), each with 20 Hz ticks over its rows.
        #expect(result.scans.map { ScanJob.shortName($0.source) } == ["demos.hdf5#/data/demo_0", "demos.hdf5#/data/demo_1", "demos.hdf5#/data/demo_10"])
        #expect(result.scans.map(\.ticks) == [90, 130, 50])
        for s in result.scans {
            #expect(Set(s.found.keys) == ["position.x", "position.y", "position.z", "rotation", "gripper"])
            #expect(s.events.isEmpty && s.warnings.isEmpty)
            #expect(Set(s.disabled.map(\.event)) == Set(RobotDetector.requirements.keys))
            #expect(!s.segments.isEmpty)
        }
        // The gripper opening is the two fingers' difference: 0.08 m at the start of demo 0.
        let gripMax = result.scans[0].segments[0].features[FeatureSpec.features(for: .robot).firstIndex { $0.name == "gripper.max" }!]
        #expect(abs(gripMax - 0.08) < 1e-6, "\(gripMax)")
    }

    static func real(_ name: String) -> String? {
        TestSupport.sharedData?.appendingPathComponent("real/\(name)").path
    }

    /// 60 s of nominal highway driving: with its profile, no event (see docs/profiles.md).
    @Test func comma2k19NominalDrivingHasNoEvents() throws {
        guard let path = Self.real("comma2k19-rav4-highway.mcap") else { print(TestSupport.sharedDataMissing); return }
        let profile = try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/comma2k19.toml").path)
        let scans = try ScanJob.scanFile(path, profile: profile)
        let s = try #require(scans.first)
        #expect(Set(s.found.keys) == ["speed", "accel.x", "accel.y", "yaw_rate", "actors"])
        #expect(s.missing.isEmpty && s.warnings.isEmpty)
        #expect(s.events.isEmpty, "\(s.events.map { "\($0.name) \($0.facts)" })")
        #expect(s.segments.count == 11)
        #expect(Set(s.disabled.map(\.event)) == ["disengagement", "fog", "heavy_rain", "icy_road", "low_visibility", "snow"])
    }

    @Test func clearpathRobotsScanWithoutErrors() throws {
        guard let husky = Self.real("husky-outdoor-395s.mcap"), let jackal = Self.real("jackal-61s.mcap") else {
            print(TestSupport.sharedDataMissing); return
        }
        let profile = try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/clearpath.toml").path)
        let result = try ScanJob.run(ScanJob.Options(paths: [husky, jackal], out: nil, profile: profile))
        #expect(result.failures.isEmpty)
        #expect(result.scans.count == 2)
        for s in result.scans {
            #expect(s.warnings.isEmpty && s.missing.isEmpty, "\(s.source): \(s.warnings) \(s.missing)")
            #expect(s.segments.count >= 10 && s.ticks > 2000)
        }
        // The Husky's odometry pauses once for longer than max_gap_s: reported, not bridged.
        let huskyGaps = result.scans[0].gaps
        #expect(!huskyGaps.isEmpty && huskyGaps.allSatisfy { profile.signals.map(\.name).contains($0.signal) && $0.endNs > $0.startNs })
    }

    /// A profile whose topics are absent: found nothing, every detector disabled, no failure.
    @Test func missingTopicsAreReportedNotFatal() throws {
        guard let path = Self.real("jackal-61s.mcap") else { print(TestSupport.sharedDataMissing); return }
        let scans = try ScanJob.scanFile(path, profile: try Profile.load("synth-driving"), dryRun: true)
        #expect(scans[0].found.isEmpty)
        #expect(scans[0].missing.contains("speed") && scans[0].missing.contains("actors"))
        #expect(scans[0].disabled.count == DrivingDetector.requirements.count)
    }
}
