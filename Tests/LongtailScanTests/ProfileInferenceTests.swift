import Foundation
import Testing
import TestSupport
@testable import LongtailScan

/// `profiles infer`: profiles for logs Longtail has not seen, checked against what is known
/// of each file (the real logs' documented mountings, the synth's built-in profile, and
/// files rewritten with a turned IMU and other speed units by an independent CDR encoder).
@Suite struct ProfileInferenceTests {
    /// (topic, field, scale) of each canonical signal the profile maps.
    static func mapping(_ p: InferredProfile, _ signals: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: signals.compactMap { s in
            p.choice(s).flatMap { $0.accepted ? (s, "\($0.topic) \($0.field) \($0.scale ?? 1)") : nil }
        })
    }

    static let motion = ["speed", "accel.x", "accel.y", "yaw_rate"]

    /// Scans `path` with the inferred profile's TOML: it loads, and the physics checks pass.
    static func scanWarnings(_ path: String, _ p: InferredProfile) throws -> [String] {
        let profile = try Profile.parse(p.toml, source: "inferred")
        return try #require(try SourceScanner.scan(path, profile: profile).first).warnings
    }

    /// The Husky's IMU has y up (docs/profiles/husky.toml, measured by hand): forward = -z,
    /// left = -x, yaw = +gyro y. The same from the MCAP and from the original ROS 1 bag. The
    /// Jackal's and comma2k19's IMUs are in the vehicle frame.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func realLogs() throws {
        let shared = try #require(TestSupport.sharedData)
        let husky = [
            "speed": "/husky_velocity_controller/odom twist.twist.linear.x 1.0",
            "accel.x": "/imu/data linear_acceleration.z -1.0",
            "accel.y": "/imu/data linear_acceleration.x -1.0",
            "yaw_rate": "/imu/data angular_velocity.y 1.0",
        ]
        for path in [shared.appendingPathComponent("real/husky-outdoor-395s.mcap").path,
                     shared.appendingPathComponent("ros1/husky-outdoor-395s.bag").path] {
            let p = try ProfileInference.infer(paths: [path], name: "husky")
            #expect(Self.mapping(p, Self.motion) == husky, "\(path)\n\(p.toml)")
            #expect(p.choice("accel.x")!.evidence.joined().contains("averages 9.79 m/s² (gravity): +y points up"), "\(p.toml)")
            #expect(try Self.scanWarnings(path, p).filter { $0.hasPrefix("implausible") }.isEmpty)
        }
        let jackal = shared.appendingPathComponent("real/jackal-61s.mcap").path
        let j = try ProfileInference.infer(paths: [jackal], name: "jackal")
        #expect(Self.mapping(j, Self.motion) == [
            "speed": "/jackal_velocity_controller/odom twist.twist.linear.x 1.0",
            "accel.x": "/imu/data linear_acceleration.x 1.0",
            "accel.y": "/imu/data linear_acceleration.y 1.0",
            "yaw_rate": "/imu/data angular_velocity.z 1.0",
        ], "\(j.toml)")
        // The Jackal drives too gently for the speed's change to single out an axis: x
        // forward is REP 103's default, and the profile says so.
        #expect(j.choice("accel.x")!.evidence.joined().contains("x taken as forward (REP 103)"))
        #expect(try Self.scanWarnings(jackal, j).filter { $0.hasPrefix("implausible") }.isEmpty)
        let comma = shared.appendingPathComponent("real/comma2k19-rav4-highway.mcap").path
        let c = try ProfileInference.infer(paths: [comma], name: "comma2k19")
        #expect(Self.mapping(c, Self.motion) == [
            "speed": "/can/speed twist.linear.x 1.0",
            "accel.x": "/imu/data linear_acceleration.x 1.0",
            "accel.y": "/imu/data linear_acceleration.y 1.0",
            "yaw_rate": "/imu/data angular_velocity.z 1.0",
        ], "\(c.toml)")
        #expect(c.actors?.first { $0.0 == "x" }?.1 == "tracks[*].position.x")
        #expect(try Self.scanWarnings(comma, c).filter { $0.hasPrefix("implausible") }.isEmpty)
    }

    static let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path

    /// On the synth fixture: the built-in profile's mapping for every signal it maps, the
    /// autonomy mode's map included (from the constants its message declares).
    @Test func synthReproducesTheBuiltinProfile() throws {
        let p = try ProfileInference.infer(paths: [Self.fixture], name: "synth")
        let builtin = try Profile.load("synth-driving")
        for s in builtin.signals {
            let c = try #require(p.choice(s.name), "\(s.name) not inferred\n\(p.toml)")
            #expect(c.accepted && c.topic == s.topic && c.field == s.field && (c.scale ?? 1) == (s.scale ?? 1)
                    && c.stamp == s.stamp && c.kind == s.kind && c.maxGapS == s.maxGapS && c.map == s.map, "\(s.name): \(c)")
        }
        #expect(p.choice("autonomy")!.evidence.joined().contains("AUTONOMOUS, AUTONOMOUS_STEER_ONLY, AUTONOMOUS_VELOCITY_ONLY read as autonomous"))
        #expect(try Profile.parse(p.toml, source: "synth").signals.first { $0.name == "autonomy" }?.map == builtin.signals.first { $0.name == "autonomy" }?.map)
    }

    /// The inferred TOML with its commented-out [actors] block taken in, plus `extra` lines.
    static func withActors(_ toml: String, _ extra: [String]) -> String {
        let lines = toml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let at = lines.firstIndex(of: "# [actors]") else { return toml }
        return (lines[..<at] + lines[at...].map { String($0.dropFirst(2)) } + extra).joined(separator: "\n")
    }

    /// Object lists: the fields of an actor list found by name, written commented out (the
    /// velocity frame and reference point are not in the data); taken in, they are the
    /// built-in profile's (synth) and the hand-written comma2k19 profile's field paths.
    @Test func actorListsByName() throws {
        let p = try ProfileInference.infer(paths: [Self.fixture], name: "synth")
        #expect(p.toml.contains("# [actors]") && p.toml.contains("velocity_frame (object, ego or relative velocities)"))
        let taken = try Profile.parse(Self.withActors(p.toml, ["velocity_frame = \"object\""]), source: "synth")
        let builtin = try #require(try Profile.load("synth-driving").actors)
        let a = try #require(taken.actors)
        #expect(a.topic == builtin.topic && a.stamp == builtin.stamp && a.fieldList == builtin.fieldList, "\(a.fieldList) vs \(builtin.fieldList)")
        guard let shared = TestSupport.sharedData else { return }
        let comma = try ProfileInference.infer(paths: [shared.appendingPathComponent("real/comma2k19-rav4-highway.mcap").path], name: "c")
        let c = try #require(try Profile.parse(Self.withActors(comma.toml, ["velocity_frame = \"relative\""]), source: "c").actors)
        let documented = try #require(try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/comma2k19.toml").path).actors)
        // The hand-written profile maps no length; the inferred one adds the radar's size.x.
        #expect(c.topic == documented.topic && [c.id, c.class, c.x, c.y, c.vx, c.vy] == [documented.id, documented.class, documented.x, documented.y, documented.vx, documented.vy],
                "\(c.fieldList) vs \(documented.fieldList)")
    }

    /// The fixture rewritten with its IMU turned (two mountings) and its speed in km/h or
    /// mph: the mapping recovered is the turn's inverse, the units' scale, and scanning the
    /// rewritten file with it finds the events the original gives with the built-in profile.
    @Test func turnedIMUAndOtherUnitsAreRecovered() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("infer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try #require(try SourceScanner.scan(Self.fixture, profile: Profile.load("synth-driving")).first)
        let imu = "/sensing/imu/imu_data"
        let cases: [(axes: String, speedScale: String, expected: [String: String])] = [
            // Mounted on its side: x points down, y forward, z right.
            ("-z,+x,-y", "3.6", ["accel.x": "\(imu) linear_acceleration.y 1.0", "accel.y": "\(imu) linear_acceleration.z -1.0",
                                 "yaw_rate": "\(imu) angular_velocity.x -1.0"]),
            // Turned 90° about the vertical: x points left, y backwards.
            ("+y,-x,+z", "2.2369362920544", ["accel.x": "\(imu) linear_acceleration.y -1.0", "accel.y": "\(imu) linear_acceleration.x 1.0",
                                             "yaw_rate": "\(imu) angular_velocity.z 1.0"]),
        ]
        for (k, c) in cases.enumerated() {
            let path = dir.appendingPathComponent("turned-\(k).mcap").path
            let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/permute_axes.py").path,
                                                 Self.fixture, path, c.axes, c.speedScale])
            try #require(r.status == 0, "\(r.stderr)")
            let p = try ProfileInference.infer(paths: [path], name: "turned")
            var expected = c.expected
            let unit = c.speedScale == "3.6" ? 1 / 3.6 : 0.44704
            expected["speed"] = "/vehicle/status/velocity_status longitudinal_velocity \(unit)"
            #expect(Self.mapping(p, Self.motion) == expected, "\(c.axes)\n\(p.toml)")
            let turned = try #require(try SourceScanner.scan(path, profile: Profile.parse(p.toml, source: "inferred")).first)
            #expect(turned.warnings.filter { $0.hasPrefix("implausible") }.isEmpty, "\(turned.warnings)")
            // The same ego events (disengagement included), at the same times.
            func ego(_ s: SourceScan) -> [String] {
                s.events.filter { $0.kind == "ego" }.map { "\($0.name)@\($0.startNs / 100_000_000)" }.sorted()
            }
            #expect(!ego(original).isEmpty && ego(turned) == ego(original), "\(ego(turned)) vs \(ego(original))")
        }
    }

    /// A wrist F/T log (WrenchStamped) whose sensor reads pressing as positive or as negative
    /// (written by mcap-ros2-support with five pressing contacts): force.z is signed so that
    /// pressing reads negative, as Longtail's robot signals have it.
    @Test func forceSignFromContactPhases() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("infer-ft")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (sign, scale) in [("-1", 1.0), ("1", -1.0)] {
            let path = dir.appendingPathComponent("ft\(sign).mcap").path
            let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_wrench_mcap.py").path, path, sign])
            try #require(r.status == 0, "\(r.stderr)")
            let p = try ProfileInference.infer(paths: [path], name: "ft")
            #expect(p.domain == "robot")
            #expect(Self.mapping(p, ["force.x", "force.z", "torque.z"]) == [
                "force.x": "/ft_sensor/wrench wrench.force.x 1.0", "force.z": "/ft_sensor/wrench wrench.force.z \(scale)",
                "torque.z": "/ft_sensor/wrench wrench.torque.z 1.0",
            ], "\(p.toml)")
            let profile = try Profile.parse(p.toml, source: "ft")
            #expect(profile.domain == .robot && profile.signals.map(\.name) == ["force.x", "force.y", "force.z", "torque.z"])
        }
    }

    /// A REASSEMBLE-layout episode whose F/T z column is negated (h5py, as a sensor mounted
    /// the other way would record it): the built-in layout with force.z's sign flipped, from
    /// the force opposing the motion in contact; the scan then finds the original's events.
    @Test func flippedForceInAnHDF5Layout() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("infer-flip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot/episode-000-reassemble.h5").path
        let flipped = dir.appendingPathComponent("flipped.h5").path
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/flip_force.py").path,
                                             original, flipped, "/robot_state/compensated_base_force", "2"])
        try #require(r.status == 0, "\(r.stderr)")
        let same = try ProfileInference.infer(paths: [original], name: "x")
        #expect(same.builtin == "reassemble" && same.notes.contains { $0.contains("the force opposes the motion") }, "\(same.notes)")
        let p = try ProfileInference.infer(paths: [flipped], name: "x")
        let profile = try Profile.parse(p.toml, source: "flipped")
        let builtin = try Profile.load("reassemble")
        #expect(profile.name == "reassemble-fz-flipped")
        #expect(profile.signals.first { $0.name == "force.z" }?.scale ?? 1 == -(builtin.signals.first { $0.name == "force.z" }?.scale ?? 1))
        #expect(profile.signals.filter { $0.name != "force.z" } == builtin.signals.filter { $0.name != "force.z" })
        func events(_ s: SourceScan) -> [String] { s.events.map { "\($0.name)@\($0.startNs / 10_000_000)" }.sorted() }
        let a = try #require(try SourceScanner.scan(original, profile: builtin).first)
        let b = try #require(try SourceScanner.scan(flipped, profile: profile).first)
        #expect(!events(a).isEmpty && events(a) == events(b), "\(events(a)) vs \(events(b))")
    }

    /// An episode in a layout no built-in profile has (rewritten by h5py: a (N, 6) wrench
    /// timed in milliseconds, the pose and gripper under other names): signals by dataset
    /// name and shape, each timed by the timestamp dataset of as many rows, its unit found;
    /// with one contact onset in the file, the approach direction (and so position.z's and
    /// force.z's signs) is not settled, and both are left out with the reason.
    @Test func hdf5DatasetsByNameAndShape() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no interop Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("infer-relayout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("relayout.h5").path
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/relayout_h5.py").path,
                                             TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot/episode-000-reassemble.h5").path, path])
        try #require(r.status == 0, "\(r.stderr)")
        let p = try ProfileInference.infer(paths: [path], name: "lab")
        #expect(p.builtin == nil && p.domain == "robot" && p.rateHz == 1000)
        func where_(_ s: String) -> String? { p.choice(s).map { "\($0.dataset ?? "")[\($0.column ?? -1)] \($0.timestamps ?? "") \($0.timestampScale ?? 1e9) \($0.accepted)" } }
        #expect(where_("force.x") == "/sensors/ft/wrench[0] /sensors/ft/time 1000000.0 true")
        #expect(where_("torque.z") == "/sensors/ft/wrench[5] /sensors/ft/time 1000000.0 true")
        #expect(where_("position.y") == "/arm/ee_pose[1] /arm/time 1000000000.0 true")
        #expect(where_("gripper") == "/hand/gripper_width[0] /hand/time 1000000000.0 true")
        #expect(where_("position.z") == "/arm/ee_pose[2] /arm/time 1000000000.0 false")
        #expect(where_("force.z") == "/sensors/ft/wrench[2] /sensors/ft/time 1000000.0 false")
        #expect(p.choice("position.z")!.evidence.joined().contains("too few, or too mixed, to tell the approach"))
        let profile = try Profile.parse(p.toml, source: "lab")
        #expect(profile.signals.map(\.name) == ["force.x", "force.y", "torque.z", "position.x", "position.y", "gripper"])
        // The scan reads it: the force and position signals are found and timed.
        let scan = try #require(try SourceScanner.scan(path, profile: profile).first)
        #expect(scan.found.keys.sorted() == profile.signals.map(\.name).sorted() && scan.ticks > 18_000, "\(scan.found) \(scan.ticks)")
    }

    /// HDF5 episodes are matched to the built-in layout whose datasets they hold.
    @Test func hdf5EpisodesMatchTheirLayout() throws {
        let robot = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot")
        for (file, layout) in [("episode-000-reassemble.h5", "reassemble"), ("episode-001-aloha.h5", "aloha")] {
            let p = try ProfileInference.infer(paths: [robot.appendingPathComponent(file).path], name: "x")
            #expect(p.builtin == layout, "\(file): \(p.builtin ?? "none")")
            #expect(try Profile.parse(p.toml, source: file).name == layout)
        }
    }
}
