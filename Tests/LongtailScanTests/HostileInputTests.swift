import Foundation
import LongtailCore
import Testing
import TestSupport
@testable import LongtailScan

/// Times in an HDF5 file that are not times (issue 17: ×1e300, NaN, ±inf, −1e18 trapped).
@Suite struct HostileTimeTests {
    @Test func hdf5RowsWithoutAUsableTimeAreDroppedAndNamed() throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with h5py and hdf5plugin: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("badtimes")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5_bad.py").path, dir.path])
        try #require(r.status == 0, "\(r.stderr)")
        let profile = try Profile.parse("""
            name = "t"
            domain = "robot"
            [[signal]]
            name = "force.z"
            dataset = "/force"
            column = 2
            timestamps = "/t"
            timestamp_scale = 1e9
            """, source: "t.toml")
        let scan = try #require(try SourceScanner.scan(dir.appendingPathComponent("badtimes.h5").path, profile: profile).first)
        #expect(scan.warnings.contains { $0.contains("4 of 6 rows have no usable time") }, "\(scan.warnings)")
    }

    /// One flipped bit in one stamp put a sample 10 days ahead: the clock ran over all of them
    /// (172 806 segments, 692 MB). Such a sample is dropped and counted; a stream that really
    /// resumes later (three samples agreeing) is followed.
    @Test func aStampDaysAheadIsDroppedNotFollowed() {
        var spec = SignalSpec(name: "speed"); spec.topic = "t"; spec.field = "v"
        let r = Resampler(signals: [spec], rateHz: 10)
        let s: Int64 = 1_700_000_000_000_000_000, day: Int64 = 86_400_000_000_000
        for i in 0..<600 { r.add(0, s + Int64(i) * 100_000_000 + (i == 300 ? 10 * day : 0), 1) }
        // Then a real resumption two hours later: three consistent samples and more.
        for i in 0..<50 { r.add(0, s + 2 * 3_600_000_000_000 + Int64(i) * 100_000_000, 2) }
        var ticks = 0
        r.drain(final: true) { _, count, _ in ticks += count }
        #expect(r.farAhead.first?.count == 1 + 2)   // the flipped stamp, and the two before the resumption was confirmed
        #expect(ticks == 2 * 36_000 + 49 + 1, "\(ticks) ticks")   // to the last resumed sample, 2 h 4.9 s on
    }

    @Test func profileNumbersOutOfAnyRangeAreRefusedByName() {
        func error(_ body: String) -> String {
            do { _ = try Profile.parse("name = \"x\"\ndomain = \"driving\"\n" + body, source: "p.toml"); return "" } catch { return "\(error)" }
        }
        let signal = "[[signal]]\nname = \"speed\"\ntopic = \"/a\"\nfield = \"v\"\n"
        #expect(error(signal + "max_gap_s = 1e308\n").contains("max_gap_s"))
        #expect(error(signal + "scale = 1e300\n").contains("scale"))
        #expect(error("rate_hz = 1e-300\n").contains("rate_hz"))
        #expect(error("[segments]\nwindow_s = 1e300\n").contains("window_s"))
        #expect(error("[thresholds.hard_brake]\naccel_mps2 = 1e300\n").contains("hard_brake.accel_mps2"))
        // A window of 1e9 s was in range, and the jerk detector allocated its ticks (~1e11).
        #expect(error("rate_hz = 50\n[thresholds.high_jerk]\nwindow_s = 1e9\n").contains("high_jerk.window_s"))
    }
}

/// A log damaged part way (issue 15: a recorder that crashed left a truncated MCAP, and the
/// whole file was skipped while Python's reader yields the messages before the cut).
@Suite struct DamagedLogTests {
    @Test func aTruncatedMCAPGivesWhatCameBeforeTheCut() throws {
        let dir = TestSupport.temporaryDirectory("truncated")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try Data(contentsOf: TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap"))
        let path = dir.appendingPathComponent("cut.mcap").path
        try whole.prefix(whole.count * 6 / 10).write(to: URL(fileURLWithPath: path))
        let scan = try #require(try SourceScanner.scan(path, profile: try Profile.load("synth-driving")).first)
        #expect(scan.segments.count > 5)
        let warning = try #require(scan.warnings.first { $0.contains("damaged from byte") }, "\(scan.warnings)")
        if let python = TestSupport.interopPython {
            let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/count_messages.py").path, path])
            let expected = try #require(Int(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), "\(r.stderr)")
            #expect(expected > 1000 && warning.contains("scanned the \(expected) messages before it"), "\(warning); python \(expected)")
            #expect(scan.messages == expected)
        } else {
            Issue.record("no Python with mcap: run scripts/bootstrap.sh")
        }
        // Cut inside the first chunk: nothing before the damage, so an error, not an empty success.
        try whole.prefix(3000).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { _ = try SourceScanner.scan(path, profile: try Profile.load("synth-driving")) }
    }
}
