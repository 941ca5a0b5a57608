import Foundation
import Testing
import TestSupport

/// `longtail inspect` and `longtail cat` on HDF5 files, through the real executable.
@Suite struct HDF5CLITests {
    static var binary: String { CLITests.binary }

    /// Episodes in the four layouts, written by h5py.
    static func episodes() throws -> URL? {
        guard let python = TestSupport.interopPython else { return nil }
        let dir = TestSupport.temporaryDirectory("h5cli")
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5.py").path, dir.path])
        return r.status == 0 ? dir : nil
    }

    /// Damaged attributes (libhdf5 1.10 segfaulted listing them) and a looping global heap
    /// (it hung): `inspect` lists the rest, names each damaged object, exits 3.
    @Test func inspectNamesDamagedObjectsAndGoesOn() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("h5cli-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5_bad.py").path, dir.path])
        try #require(w.status == 0, "\(w.stderr)")
        let bad = try TestSupport.run(Self.binary, ["inspect", dir.appendingPathComponent("badattr.h5").path])
        #expect(bad.status == 3, "\(bad.stderr)")
        #expect(bad.stdoutText.contains("@a5 = 5") && bad.stdoutText.contains("z  float64 (10) contiguous"), "\(bad.stdoutText)")
        #expect(bad.stderr.contains("badattr.h5, /z: attributes: read failed: the attributes do not decode"), "\(bad.stderr)")
        let loop = try TestSupport.run(Self.binary, ["inspect", dir.appendingPathComponent("heaploop.h5").path])
        #expect(loop.status == 3 && loop.stdoutText.contains("ok  float64 (10)"), "\(loop.stdoutText) \(loop.stderr)")
        #expect(loop.stderr.contains("heaploop.h5, /: attributes: read failed: attribute message at byte 824: value 0: global heap collection at byte 2048"), "\(loop.stderr)")
    }

    @Test func inspectAndCatEpisodes() throws {
        guard let dir = try Self.episodes() else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("robomimic-shuffle_gzip.h5").path
        let text = try TestSupport.run(Self.binary, ["inspect", file])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdoutText.contains("states  float64 (120, 32) chunks (120, 32) [shuffle, deflate(4)]"))
        #expect(text.stdoutText.contains("@num_samples = 120") && text.stdoutText.contains("env_name"))
        let json = try JSONSerialization.jsonObject(with: TestSupport.run(Self.binary, ["inspect", file, "--format", "json"]).stdout) as! [String: Any]
        let objects = json["objects"] as! [[String: Any]]
        let dones = objects.first { $0["path"] as? String == "/data/demo_0/dones" }!
        #expect(dones["dtype"] as? String == "int16" && dones["shape"] as? [Int] == [120])

        let force = dir.appendingPathComponent("reassemble-zstd.h5").path
        let rows = try TestSupport.run(Self.binary, ["cat", force, "--dataset", "/robot_state/measured_force", "--rows", "10:13"])
        #expect(rows.status == 0, "\(rows.stderr)")
        let lines = rows.stdoutText.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("{\"row\":10,\"value\":["))
        // The printed float32 text is exact: it parses back to the stored bits (expected .bin is float64 of them).
        let bin = try Data(contentsOf: URL(fileURLWithPath: force + ".expected/robot_state__measured_force.bin"))
        let expected = bin.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let row10 = lines[0].split(separator: "[")[1].split(separator: "]")[0].split(separator: ",").map { Float(String($0))! }
        #expect(row10.map(\.bitPattern) == expected[30..<33].map { Float($0).bitPattern })
        let csv = try TestSupport.run(Self.binary, ["cat", force, "--dataset", "/robot_state/pose", "--rows", ":2", "--format", "csv"])
        let csvLines = csv.stdoutText.split(separator: "\n")
        #expect(csv.status == 0 && csvLines.count == 3 && csvLines[0].hasPrefix("row,/robot_state/pose[0]"))
        #expect(csvLines[1].hasPrefix("0,nan,") && csvLines[2].hasPrefix("1,inf,"))
        let usage = try TestSupport.run(Self.binary, ["cat", force])
        #expect(usage.status == 2 && usage.stderr.contains("--dataset"))
        let missing = try TestSupport.run(Self.binary, ["cat", force, "--dataset", "/nope"])
        #expect(missing.status == 1 && missing.stderr.contains("/nope") && missing.stderr.contains("no such dataset"))
    }

    /// Filters Longtail does not carry load from HDF5_PLUGIN_PATH when the user has them.
    @Test func pluginPathFilters() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python"); return }
        let dir = TestSupport.temporaryDirectory("h5plugin")
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5_bad.py").path, dir.path])
        try #require(w.status == 0, "\(w.stderr)")
        let pluginPath = try TestSupport.run(python, ["-c", "import hdf5plugin; print(hdf5plugin.PLUGIN_PATH)"]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let file = dir.appendingPathComponent("lz4.h5").path
        let without = try TestSupport.run(Self.binary, ["cat", file, "--dataset", "/force", "--rows", "0:2"])
        #expect(without.status == 1 && without.stderr.contains("32004"))
        let with = try TestSupport.run("/usr/bin/env", ["HDF5_PLUGIN_PATH=\(pluginPath)", Self.binary, "cat", file,
                                                        "--dataset", "/force", "--rows", "0:2"])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdoutText == "{\"row\":0,\"value\":[0.0,1.0,2.0]}\n{\"row\":1,\"value\":[3.0,4.0,5.0]}\n")
    }
}
