import Foundation
import Testing
import TestSupport

/// `longtail scan`, `eval` and `profiles` through the real executable.
@Suite struct ScanCLITests {
    static var binary: String { CLITests.binary }
    static let driving = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving").path

    @Test func scanThenEvalReportsEveryClass() throws {
        let out = TestSupport.temporaryDirectory("cli-scan")
        defer { try? FileManager.default.removeItem(at: out) }
        let scan = try TestSupport.run(Self.binary, ["scan", Self.driving, "--out", out.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stdoutText.contains("segments:  31") && scan.stdoutText.contains("hard_brake: 2"))
        for name in ["events.jsonl", "segments.jsonl", "rarity-model.json", "scan.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let labels = Self.driving + "/labels.jsonl"
        let table = try TestSupport.run(Self.binary, ["eval", "--catalog", out.path, "--labels", labels])
        #expect(table.status == 0 && table.stdoutText.contains("precision") && table.stdoutText.contains("wrong_way_actor"))
        let json = try TestSupport.run(Self.binary, ["eval", "--catalog", out.path, "--labels", labels, "--iou", "0.5", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let obj = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        #expect(obj["iou"] as? Double == 0.5)
        let events = obj["events"] as! [[String: Any]]
        #expect(events.count == 17)   // 16 classes and "all"
        #expect(events.allSatisfy { ($0["precision"] as? Double ?? 0) >= 0.95 && ($0["recall"] as? Double ?? 0) >= 0.9 })
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func dryRunShowsFoundAndMissingSignals() throws {
        let data = try #require(TestSupport.sharedData)
        let comma = data.appendingPathComponent("real/comma2k19-rav4-highway.mcap").path
        let r = try TestSupport.run(Self.binary, ["scan", "--profile", "synth-driving", "--dry-run", comma])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("missing  speed") && r.stdoutText.contains("disabled hard_brake (needs accel.x, speed)"))
        let good = TestSupport.repoRoot.appendingPathComponent("docs/profiles/comma2k19.toml").path
        let g = try TestSupport.run(Self.binary, ["scan", "--profile", good, "--dry-run", comma])
        #expect(g.stdoutText.contains("found    speed ← /can/speed twist.linear.x") && g.stdoutText.contains("found    actors ← /radar/tracks"))
        // Which heading source and reference point the actor rules use (radar: velocity, bumper).
        #expect(g.stdoutText.contains("actors   heading from the direction of each moving actor's ground velocity"))
        #expect(g.stdoutText.contains("positions measured from 0.0 m behind the front bumper"))
    }

    /// Issue 15: a read-only --out printed a raw NSCocoaErrorDomain text; `eval` said
    /// "missed 1" but not which label, and scored another archive's labels as zeros silently.
    @Test func unwritableOutAndEvalDetailsAreSaid() throws {
        let dir = TestSupport.temporaryDirectory("cli-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let r = try TestSupport.run(Self.binary, ["scan", Self.driving, "--out", file])
        #expect(r.status == 1 && r.stderr.contains("\(file): cannot write results here (it is a file, not a directory)"), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        let out = dir.appendingPathComponent("out").path
        #expect(try TestSupport.run(Self.binary, ["scan", Self.driving, "--out", out]).status == 0)
        // Labels with one extra hard brake at a time nothing happened: named as missed.
        var labels = try String(contentsOfFile: Self.driving + "/labels.jsonl", encoding: .utf8)
        labels += #"{"source": "drive-000.mcap", "event": "hard_brake", "start_ns": 1700000001000000000, "end_ns": 1700000002000000000}"# + "\n"
        let extra = dir.appendingPathComponent("labels.jsonl").path
        try labels.write(toFile: extra, atomically: true, encoding: .utf8)
        let e = try TestSupport.run(Self.binary, ["eval", "--catalog", out, "--labels", extra])
        #expect(e.stdoutText.contains("missed:    hard_brake  drive-000.mcap  2023-11-14T22:13:21.000Z  1.00 s"), "\(e.stdoutText)")
        let robotLabels = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot/labels.jsonl").path
        let foreign = try TestSupport.run(Self.binary, ["eval", "--catalog", out, "--labels", robotLabels])
        #expect(foreign.stderr.contains("the labels name none of the scanned sources"), "\(foreign.stderr)")
    }

    @Test func profilesListsTheBuiltins() throws {
        let r = try TestSupport.run(Self.binary, ["profiles"])
        #expect(r.status == 0)
        for name in ["synth-driving", "reassemble", "aloha", "robomimic"] { #expect(r.stdoutText.contains(name)) }
        #expect(r.stdoutText.contains("cannot detect: contact_spike"))   // robomimic has no force
        let show = try TestSupport.run(Self.binary, ["profiles", "--show", "aloha"])
        #expect(show.status == 0 && show.stdoutText.contains("[[signal]]"))
    }

    @Test func badUsageGetsClearErrors() throws {
        let unknown = try TestSupport.run(Self.binary, ["scan", Self.driving, "--out", "/tmp/x", "--profile", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("built-in: synth-driving, reassemble, aloha, robomimic"))
        let noOut = try TestSupport.run(Self.binary, ["scan", Self.driving])
        #expect(noOut.status == 2 && noOut.stderr.contains("--out"))
        let noCatalog = try TestSupport.run(Self.binary, ["eval", "--catalog", "/no/such/dir", "--labels", Self.driving + "/labels.jsonl"])
        #expect(noCatalog.status == 1 && noCatalog.stderr.contains("not a scan output"))
        // A file that is not MCAP is skipped with its reason, the others are scanned, exit 3.
        let dir = TestSupport.temporaryDirectory("cli-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("junk.mcap")
        try Data("not an mcap file".utf8).write(to: junk)
        let out = dir.appendingPathComponent("out").path
        let mixed = try TestSupport.run(Self.binary, ["scan", junk.path, Self.driving + "/drive-000.mcap", "--out", out])
        #expect(mixed.status == 3, "\(mixed.stderr)")
        #expect(mixed.stderr.contains("skipped \(junk.path)") && mixed.stderr.contains("magic"))
        #expect(mixed.stdoutText.contains("1 sources, 1 failed"))
    }
}

extension ScanCLITests {
    /// A stranger's first log: a ROS 1 bag scanned with `--profile auto` (the default) gets a
    /// profile inferred from its data, says so with the mapping, and gives segments (exit 0);
    /// a segment exports with that profile. With a profile that maps none of its topics it
    /// gives no segments and says so, naming what is missing, the topics the file has and
    /// how to write a profile: exit 3, never a silent success. A misspelt topic names the
    /// file's topics too.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func noSilentEmptyResults() throws {
        let dir = TestSupport.temporaryDirectory("cli-empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bag = try #require(TestSupport.sharedData).appendingPathComponent("ros1/husky-outdoor-395s.bag").path
        let auto = dir.appendingPathComponent("auto").path
        let a = try TestSupport.run(Self.binary, ["scan", bag, "--out", auto])
        #expect(a.status == 0 && a.stdoutText.contains("segments:  79"), "\(a.stdoutText) \(a.stderr)")
        #expect(a.stderr.contains("no built-in profile fits husky-outdoor-395s.bag; scanned with profile inferred-")
                && a.stderr.contains("accel.x ← /imu/data linear_acceleration.z ×-1.0"), "\(a.stderr)")
        let first = try TestSupport.run(Self.binary, ["query", "--catalog", auto, "--limit", "1", "--format", "csv"])
        let id = try #require(first.stdoutText.split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
        let clip = dir.appendingPathComponent("clip.h5").path
        let e = try TestSupport.run(Self.binary, ["export", "--catalog", auto, id, "--to", clip])
        #expect(e.status == 0 && e.stdoutText.contains("4 signals"), "\(e.stdoutText) \(e.stderr)")
        let r = try TestSupport.run(Self.binary, ["scan", bag, "--profile", "synth-driving", "--out", dir.appendingPathComponent("a").path])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("no segments: profile synth-driving maps none of its signals"))
        #expect(r.stderr.contains("/imu/data [sensor_msgs/Imu]") && r.stderr.contains("`longtail profiles infer \(bag) -o PROFILE.toml`"))
        // What the warning suggests: the inferred profile scans the bag, exit 0, with segments
        // and no implausible signal.
        let inferred = dir.appendingPathComponent("inferred.toml").path
        let i = try TestSupport.run(Self.binary, ["profiles", "infer", bag, "-o", inferred])
        #expect(i.status == 0 && i.stderr.contains("mapped speed, accel.x, accel.y, yaw_rate"), "\(i.stderr)")
        let text = try String(contentsOfFile: inferred, encoding: .utf8)
        #expect(text.contains("# accel.x: linear_acceleration.y averages 9.79 m/s² (gravity): +y points up"), "\(text)")
        let s = try TestSupport.run(Self.binary, ["scan", bag, "--profile", inferred, "--out", dir.appendingPathComponent("c").path])
        #expect(s.status == 0 && !s.stderr.contains("implausible") && s.stdoutText.contains("segments:  79"), "\(s.stdoutText) \(s.stderr)")
        // A profile whose odometry topic is misspelt: the IMU signals are found, speed is not.
        let profile = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("docs/profiles/clearpath.toml"), encoding: .utf8)
            .replacingOccurrences(of: "/*_velocity_controller/odom", with: "/husky_velocity_controller/odometry")
        let file = dir.appendingPathComponent("typo.toml")
        try profile.write(to: file, atomically: true, encoding: .utf8)
        let t = try TestSupport.run(Self.binary, ["scan", bag, "--profile", file.path, "--out", dir.appendingPathComponent("b").path])
        #expect(t.status == 3, "\(t.stderr)")
        #expect(t.stderr.contains("maps signals this file lacks: speed") && t.stderr.contains("/husky_velocity_controller/odom [nav_msgs/Odometry]"))
        let dry = try TestSupport.run(Self.binary, ["scan", bag, "--profile", file.path, "--dry-run"])
        #expect(dry.status == 0 && dry.stdoutText.contains("missing  speed") && dry.stdoutText.contains("topic    /husky_velocity_controller/odom"))
    }

    /// A mixed archive (driving logs and two robot embodiments) scans in one run, exit 0:
    /// rarity is modelled per profile (three groups in rarity-model.json, each with its
    /// rarest segment at percentile 1), and the alignment budget holds each group's rarest
    /// (before, the robot files were skipped as "robot data in a driving scan", and on a robot
    /// archive every alignment segment but two was ALOHA's).
    @Test func aMixedArchiveIsScannedInOneRunWithRarityPerProfile() throws {
        let out = TestSupport.temporaryDirectory("cli-mixed")
        defer { try? FileManager.default.removeItem(at: out) }
        let synth = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth").path
        let scan = try TestSupport.run(Self.binary, ["scan", synth, "--out", out.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stdoutText.contains("5 sources, 0 failed"), "\(scan.stdoutText)")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("rarity-model.json"))) as! [String: Any]
        let groups = try #require(model["groups"] as? [[String: Any]])
        #expect(groups.map { $0["profile"] as? String } == ["aloha", "reassemble", "synth-driving"])
        #expect(groups.map { $0["total"] as? Int } == [36, 38, 31])
        let q = try TestSupport.run(Self.binary, ["query", "--catalog", out.path, "--tier", "alignment", "--limit", "0", "--format", "json"])
        #expect(q.status == 0, "\(q.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: q.stdout) as? [[String: Any]])
        let sources = rows.compactMap { $0["source"] as? String }
        #expect(sources.contains { $0.hasSuffix(".mcap") } && sources.contains { $0.contains("aloha") } && sources.contains { $0.contains("reassemble") },
                "\(sources)")
        let all = try TestSupport.run(Self.binary, ["query", "--catalog", out.path, "--limit", "0", "--format", "json"])
        let segments = try #require(try JSONSerialization.jsonObject(with: all.stdout) as? [[String: Any]])
        for kind in [".mcap", "aloha", "reassemble"] {
            let top = segments.filter { ($0["source"] as? String ?? "").contains(kind) }.compactMap { $0["percentile"] as? Double }.max()
            #expect(top == 1.0, "\(kind): the group's rarest segment ranks first within its group")
        }
    }

    /// A disabled detector's note names the files that lack the signals (the profile maps
    /// them), once for all of them; `-V` prints the version.
    @Test func disabledNotesNameTheFilesAndDashVPrintsTheVersion() throws {
        let out = TestSupport.temporaryDirectory("cli-notes")
        defer { try? FileManager.default.removeItem(at: out) }
        let bags = TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1").path
        let scan = try TestSupport.run(Self.binary, ["scan", bags, "--profile", "synth-driving", "--out", out.path])
        #expect(scan.status == 3, "\(scan.stderr)")
        #expect(scan.stderr.contains("note: hard_brake disabled for 3 files (small-bz2.bag, small-lz4.bag, small-none.bag): no accel.x, speed (profile synth-driving)"),
                "\(scan.stderr)")
        #expect(scan.stderr.components(separatedBy: "note: hard_brake disabled").count == 2, "said once")
        let v = try TestSupport.run(Self.binary, ["-V"])
        let version = try TestSupport.run(Self.binary, ["--version"])
        #expect(v.status == 0 && !v.stdoutText.isEmpty && v.stdoutText == version.stdoutText)
    }

    /// `scan --format json`: the summary (and the dry run's report) as one JSON object, with
    /// the same figures the text gives.
    @Test func scanPrintsJSONWhenAsked() throws {
        let out = TestSupport.temporaryDirectory("cli-scan-json")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try TestSupport.run(Self.binary, ["scan", Self.driving, "--out", out.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        #expect(obj["segments"] as? Int == 31 && obj["sources"] as? Int == 1 && (obj["skipped"] as? [Any])?.isEmpty == true)
        #expect((obj["events"] as? [String: Int])?["hard_brake"] == 2)
        #expect(((obj["alignment"] as? [String: Any])?["segments"] as? Int ?? 0) >= 1)
        let bags = TestSupport.repoRoot.appendingPathComponent("Fixtures/ros1").path
        let dry = try TestSupport.run(Self.binary, ["scan", bags, "--dry-run", "--profile", "synth-driving", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: dry.stdout) as? [String: Any])
        let sources = try #require(report["sources"] as? [[String: Any]])
        #expect(sources.count == 3 && sources.allSatisfy { ($0["missing"] as? [String])?.contains("speed") == true && ($0["topics"] as? [String])?.isEmpty == false })
    }
}
