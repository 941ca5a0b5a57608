import Foundation
import LongtailCore
import LongtailSupport
import Testing
import TestSupport
@testable import LongtailScan

/// The scan library on its own: profiles, the resampler, one file scanned with a profile.
@Suite struct SourceScanTests {
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

    /// 60 s of nominal highway driving: with its profile, no event (see docs/profiles.md).
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func comma2k19NominalDrivingHasNoEvents() throws {
        let path = try #require(TestSupport.real("comma2k19-rav4-highway.mcap"))
        let profile = try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/comma2k19.toml").path)
        let scans = try SourceScanner.scan(path, profile: profile)
        let s = try #require(scans.first)
        #expect(Set(s.found.keys) == ["speed", "accel.x", "accel.y", "yaw_rate", "actors"])
        #expect(s.missing.isEmpty && s.warnings.isEmpty)
        #expect(s.events.isEmpty, "\(s.events.map { "\($0.name) \($0.facts)" })")
        #expect(s.segments.count == 11)
        #expect(Set(s.disabled.map(\.event)) == ["disengagement", "fog", "heavy_rain", "icy_road", "low_visibility", "snow"])
    }

    /// A profile whose topics are absent: found nothing, every detector disabled, no failure.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func missingTopicsAreReportedNotFatal() throws {
        let path = try #require(TestSupport.real("jackal-61s.mcap"))
        let scans = try SourceScanner.scan(path, profile: try Profile.load("synth-driving"), dryRun: true)
        #expect(scans[0].found.isEmpty)
        #expect(scans[0].missing.contains("speed") && scans[0].missing.contains("actors"))
        #expect(scans[0].disabled.count == EventTable.events(in: .driving).count)
    }

    /// Native-rate read-back for many intervals at once (overlapping, given out of order,
    /// of different lengths) gives each interval exactly the samples a read of that
    /// interval alone gives.
    @Test func nativeSignalsOfOverlappingIntervalsMatchEachReadAlone() throws {
        let path = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path
        let profile = try Profile.load("synth-driving")
        let s = try #require(try SourceScanner.scan(path, profile: profile).first)
        let t0 = try #require(s.segments.first?.startNs)
        let sec: Int64 = 1_000_000_000
        let intervals: [(start: Int64, end: Int64)] = [(t0 + 9 * sec, t0 + 11 * sec), (t0 + 2 * sec, t0 + 4 * sec), (t0 + 3 * sec, t0 + 5 * sec),
                                                        (t0 + 3 * sec, t0 + 3 * sec + sec / 2), (t0 + 1 * sec, t0 + 12 * sec)]
        let together = try NativeSignals.read(source: s.id, profile: profile, intervals: intervals)
        #expect(together.count == intervals.count)
        for (k, iv) in intervals.enumerated() {
            let alone = try NativeSignals.read(source: s.id, profile: profile, intervals: [iv])
            #expect(together[k] == alone[0], "interval \(k)")
            #expect(together[k].allSatisfy { $0.times.allSatisfy { $0 >= iv.start && $0 < iv.end } } && !together[k].isEmpty)
        }
        #expect(NativeSignals.firstIndex(in: [1, 3, 3, 5], above: 3) == 3 && NativeSignals.firstIndex(in: [], above: 0) == 0)
        #expect(NativeSignals.firstIndex(in: [1, 3], above: 0) == 0 && NativeSignals.firstIndex(in: [1, 3], above: 9) == 2)
    }
}
