import Foundation
import Testing
import TestSupport

/// `longtail doctor`: structural problems with their byte offsets, on files damaged by
/// independent tools (the Python `mcap` writer, byte patches) and on clean ones.
@Suite struct DoctorCLITests {
    static var binary: String { CLITests.binary }
    static let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path

    @Test func cleanFilesPass() throws {
        for f in [Self.fixture, TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1/small-lz4.bag").path,
                  TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot/episode-001-aloha.h5").path] {
            let r = try TestSupport.run(Self.binary, ["doctor", f])
            #expect(r.status == 0 && r.stdoutText.contains("no problems found"), "\(f): \(r.stdoutText) \(r.stderr)")
        }
        let mcap = try TestSupport.run(Self.binary, ["doctor", Self.fixture])
        #expect(mcap.stdoutText.contains("35249 messages on 6 channels, 8 chunks"), "\(mcap.stdoutText)")
        // A bag cut short: its index is gone (rebuilt by reading, a warning) and the last
        // record runs past the end (an error with its offset).
        let bag = try Data(contentsOf: TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1/small-none.bag"))
        let cut = TestSupport.temporaryDirectory("doctor-bag").appendingPathComponent("cut.bag")
        defer { try? FileManager.default.removeItem(at: cut.deletingLastPathComponent()) }
        try bag.prefix(bag.count * 7 / 10).write(to: cut)
        let c = try TestSupport.run(Self.binary, ["doctor", cut.path])
        #expect(c.status == 1 && c.stdoutText.contains("(bag)") && c.stdoutText.contains("error   at byte "), "\(c.stdoutText)")
        let text = try TestSupport.run(Self.binary, ["doctor", TestSupport.repoRoot.appendingPathComponent("README.md").path])
        #expect(text.status == 1 && text.stderr.contains("README.md: not an MCAP, ROS 1 bag or HDF5 file (first bytes: 23 20 4C"), "\(text.stderr)")
    }

    @Test func damagedMCAPs() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("doctor")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/damage_mcap.py").path, Self.fixture, dir.path])
        try #require(w.status == 0, "\(w.stderr)")
        func doctor(_ name: String) throws -> TestSupport.ProcessResult {
            try TestSupport.run(Self.binary, ["doctor", dir.appendingPathComponent(name).path])
        }
        // A crashed recorder: the first damage with its offset, and what is still readable.
        let cut = try doctor("truncated.mcap")
        #expect(cut.status == 1 && cut.stdoutText.contains("error   at byte ") && cut.stdoutText.contains("exceeds the")
                && cut.stdoutText.contains("messages before it are readable"), "\(cut.stdoutText)")
        // `profiles infer` on it: inferred from what precedes the damage, which it says.
        let inferred = try TestSupport.run(Self.binary, ["profiles", "infer", dir.appendingPathComponent("truncated.mcap").path])
        #expect(inferred.status == 0 && inferred.stdoutText.contains("messages before the damage")
                && inferred.stdoutText.contains("field = \"longitudinal_velocity\""), "\(inferred.stdoutText) \(inferred.stderr)")
        // No index, statistics or summary offsets: legal, but every reader must scan: warnings.
        let plain = try doctor("unindexed.mcap")
        #expect(plain.status == 3 && plain.stdoutText.contains("warning no chunk index")
                && plain.stdoutText.contains("warning no statistics record"), "\(plain.stdoutText)")
        // Five seconds without IMU messages: named with the usual interval (info, exit 0).
        let gappy = try doctor("gappy.mcap")
        #expect(gappy.status == 0 && gappy.stdoutText.contains("(/sensing/imu/imu_data): 1 gap(s) of more than 8× its usual interval")
                && gappy.stdoutText.contains("(the longest 5.0 s)"), "\(gappy.stdoutText)")
        // Statistics that disagree with the records.
        let stats = try doctor("badstats.mcap")
        #expect(stats.status == 1 && stats.stdoutText.contains("the statistics record 35250 messages; the file holds 35249"), "\(stats.stdoutText)")
        let json = try TestSupport.run(Self.binary, ["doctor", dir.appendingPathComponent("badstats.mcap").path, "--format", "json"])
        let o = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        #expect(o["errors"] as? Int == 1 && o["format"] as? String == "mcap" && (o["findings"] as? [[String: Any]])?.first?["severity"] as? String == "error")
    }

    @Test func damagedHDF5() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("doctor-h5")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5_bad.py").path, dir.path])
        try #require(w.status == 0, "\(w.stderr)")
        let r = try TestSupport.run(Self.binary, ["doctor", dir.appendingPathComponent("shortchunk.h5").path, dir.appendingPathComponent("heaploop.h5").path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdoutText.contains("error   /force: read failed: chunk 0 stores 100 bytes where a chunk holds 2400"), "\(r.stdoutText)")
        #expect(r.stdoutText.contains("error   /: attributes: read failed: attribute message at byte 824: value 0: global heap collection at byte 2048"), "\(r.stdoutText)")
        #expect(r.stderr.contains("2 error(s) in 2 file(s)"), "\(r.stderr)")
    }
}
