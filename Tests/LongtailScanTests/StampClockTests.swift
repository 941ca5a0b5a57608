import Foundation
import Testing
import TestSupport
@testable import LongtailScan

/// Header stamps against log times: topics stamped by different clocks, or a clock that
/// jumps, are named; receive delays of milliseconds are not.
@Suite struct StampClockTests {
    static func clock(_ offsets: (Int) -> Double, count: Int = 1000) -> StampClock {
        var c = StampClock()
        for k in 0..<count { c.add(logTime: Int64(k) * 10_000_000, stamp: Int64(k) * 10_000_000 - Int64(offsets(k) * 1e9)) }
        return c
    }

    @Test func delaysPassClocksApartAndJumpsAreNamed() {
        // Receive delays of 2–40 ms on two topics: nothing to say.
        let imu = Self.clock { 0.002 + 0.001 * Double($0 % 7) }, odom = Self.clock { _ in 0.04 }
        #expect(StampClock.warnings([("/imu", imu), ("/odom", odom)]).isEmpty)
        // One topic stamped by a clock 30 s behind.
        let w = StampClock.warnings([("/imu", imu), ("/gps", Self.clock { _ in 30 })])
        #expect(w.count == 1 && w[0].hasPrefix("stamps of /gps lie 30.0 s further behind their log times than those of /imu: different clocks?"), "\(w)")
        // A clock that jumps by 20 s half way.
        let j = StampClock.warnings([("/imu", Self.clock { $0 < 500 ? 0.01 : 20.01 })])
        #expect(j.count == 1 && j[0].hasPrefix("stamps of /imu wander 20.0 s against its log times"), "\(j)")
        // Kept bounded however long the log.
        #expect(Self.clock({ _ in 0 }, count: 100_000).offsets.count < StampClock.limit)
    }

    /// The synth fixture rewritten (by mcap-ros2-support) with its IMU stamped 30 s early:
    /// the scan names the topic; the original scans without the warning.
    @Test func aShiftedTopicIsNamedByTheScan() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path
        let dir = TestSupport.temporaryDirectory("stamps")
        defer { try? FileManager.default.removeItem(at: dir) }
        let shifted = dir.appendingPathComponent("shifted.mcap").path
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/shift_stamps.py").path,
                                             fixture, shifted, "/sensing/imu/imu_data", "-30"])
        try #require(r.status == 0, "\(r.stderr)")
        let profile = try Profile.load("synth-driving")
        let warnings = try #require(try SourceScanner.scan(shifted, profile: profile).first).warnings
        #expect(warnings.contains { $0.hasPrefix("stamps of /sensing/imu/imu_data lie 30.0 s further behind their log times") }, "\(warnings)")
        #expect(try #require(try SourceScanner.scan(fixture, profile: profile).first).warnings.isEmpty)
    }
}
