import Foundation
import Testing
import TestSupport
import LongtailHDF5
import LongtailMCAP
@testable import LongtailSynth

/// Physical consistency of a freshly generated archive (a seed the fixtures do not use).
@Suite struct SynthPhysicsTests {
    struct Series { var t: [Double] = []; var v: [[Double]] = [] }

    static func driving() throws -> (URL, [String: Series], (UInt64, UInt64)) {
        let dir = TestSupport.temporaryDirectory("physics")
        var o = SynthJob.Options()
        o.out = dir.path; o.seed = 4242; o.duration = 150; o.rareRate = 0.8
        _ = try SynthJob.run(o)
        let path = dir.appendingPathComponent("drive-000.mcap").path
        let reader = try MCAPIndexedReader(path: path)
        var plans: [UInt16: CDRPlan] = [:]
        var series: [String: Series] = [:]
        try reader.readMessages { (m) throws(MCAPError) in
            if plans[m.channel.id] == nil {
                plans[m.channel.id] = try! CDRPlan(ros2msgNamed: m.schema!.name, text: String(decoding: m.schema!.data, as: UTF8.self))
            }
            let v = try! plans[m.channel.id]!.decode(m.data)
            let stamp = v["header"]?["stamp"] ?? v["stamp"]!
            let t = Double(stamp["sec"]!.doubleValue!) + stamp["nanosec"]!.doubleValue! / 1e9
            var values: [Double] = []
            Self.numbers(v, &values)
            let finite = values.allSatisfy(\.isFinite)
            #expect(finite, "non-finite value on \(m.channel.topic)")
            let row: [Double]
            switch m.channel.topic {
            case "/sensing/imu/imu_data":
                row = [v["linear_acceleration"]!["x"]!.doubleValue!, v["linear_acceleration"]!["y"]!.doubleValue!,
                       v["angular_velocity"]!["z"]!.doubleValue!, Double(m.logTime) / 1e9]
            case "/vehicle/status/velocity_status":
                row = [v["longitudinal_velocity"]!.doubleValue!, v["heading_rate"]!.doubleValue!, Double(m.logTime) / 1e9]
            default:
                row = [Double(m.logTime) / 1e9]
            }
            series[m.channel.topic, default: Series()].t.append(t)
            series[m.channel.topic, default: Series()].v.append(row)
        }
        let stats = try #require(reader.summary.statistics)
        return (dir, series, (stats.messageStartTime, stats.messageEndTime))
    }

    static func numbers(_ v: DecodedValue, _ out: inout [Double]) {
        switch v {
        case .object(let f): for x in f { numbers(x.value, &out) }
        case .array(let a): for x in a { numbers(x, &out) }
        default: if let d = v.doubleValue { out.append(d) }
        }
    }

    @Test func drivingIsPhysicallyConsistent() throws {
        let (dir, s, range) = try Self.driving()
        defer { try? FileManager.default.removeItem(at: dir) }
        let imu = try #require(s["/sensing/imu/imu_data"]), vel = try #require(s["/vehicle/status/velocity_status"])
        // Rates as stated (drops are 0.3 %).
        for (topic, hz) in [("/sensing/imu/imu_data", 100.0), ("/vehicle/status/velocity_status", 50),
                            ("/vehicle/status/steering_status", 50), ("/vehicle/status/control_mode", 10),
                            ("/perception/object_recognition/tracking/objects", 10), ("/vehicle/status/weather", 1)] {
            let n = Double(s[topic]?.t.count ?? 0)
            #expect(n >= hz * 150 * 0.98 && n <= hz * 150 + 1, "\(topic): \(n) messages for \(hz) Hz over 150 s")
        }
        // Integrated longitudinal acceleration agrees with the reported speed, window by window.
        for w in stride(from: 5.0, to: 140, by: 10) {
            let t0 = imu.t[0] + w, t1 = t0 + 10
            var integral = 0.0
            for i in 1..<imu.t.count where imu.t[i] > t0 && imu.t[i] <= t1 {
                integral += imu.v[i][0] * (imu.t[i] - imu.t[i - 1])
            }
            func speed(at t: Double) -> Double { vel.v[vel.t.firstIndex { $0 >= t } ?? (vel.t.count - 1)][0] }
            let dv = speed(at: t1) - speed(at: t0)
            #expect(abs(integral - dv) < 0.6, "window at \(w) s: ∫a dt = \(integral), Δv = \(dv)")
        }
        // Lateral acceleration ≈ speed × yaw rate (outside the first second).
        var residual = 0.0, count = 0.0
        for (i, t) in imu.t.enumerated() where t > imu.t[0] + 1 {
            let j = vel.t.firstIndex { $0 >= t } ?? (vel.t.count - 1)
            residual += abs(imu.v[i][1] - vel.v[j][0] * imu.v[i][2]); count += 1
        }
        #expect(residual / count < 0.15, "mean |a_y − v·r| = \(residual / count)")
        // Every log time and header stamp inside the file's time range.
        let lo = Double(range.0) / 1e9, hi = Double(range.1) / 1e9
        for (topic, series) in s {
            #expect(series.t.allSatisfy { $0 >= lo - 0.1 && $0 <= hi }, "\(topic) stamps outside [\(lo), \(hi)]")
        }
        // Labels inside the file and on known classes.
        let labels = try String(contentsOf: dir.appendingPathComponent("labels.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(labels.count > 10)
        for line in labels {
            let l = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let a = Double((l["start_ns"] as! NSNumber).int64Value) / 1e9, b = Double((l["end_ns"] as! NSNumber).int64Value) / 1e9
            #expect(a >= lo - 1 && b <= hi + 1 && a < b, "\(line)")
        }
    }

    @Test func robotIsPhysicallyConsistent() throws {
        let dir = TestSupport.temporaryDirectory("physics-robot")
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = SynthJob.Options()
        o.kind = .robot; o.out = dir.path; o.seed = 99; o.episodes = 2
        _ = try SynthJob.run(o)
        let file = try HDF5File(path: dir.appendingPathComponent("episode-000-reassemble.h5").path)
        for (name, hz) in [("measured_force", 1000.0), ("pose", 100), ("gripper_positions", 50)] {
            let t = try file.dataset("/timestamps/\(name)").read(Double.self)
            let values = try file.dataset("/robot_state/\(name)").read(Double.self)
            let finite = values.allSatisfy(\.isFinite)
            #expect(finite)
            let rows = try file.dataset("/robot_state/\(name)").rows
            #expect(t.count == rows)
            let rate = Double(t.count - 1) / (t.last! - t.first!)
            #expect(abs(rate - hz) / hz < 0.01, "\(name): \(rate) Hz")
            #expect(zip(t, t.dropFirst()).allSatisfy { $0 < $1 }, "\(name) timestamps not increasing")
        }
        // Velocity is the derivative of position.
        let pose = try file.dataset("/robot_state/pose").read(Double.self)
        let vel = try file.dataset("/robot_state/velocity").read(Double.self)
        var worst = 0.0
        for r in 1..<(pose.count / 7) {
            let dz = (pose[7 * r + 2] - pose[7 * (r - 1) + 2]) * 100
            worst = max(worst, abs(dz - vel[6 * r + 2]))
        }
        // Pose carries 20 µm of noise per sample: Δz·100 Hz differs by up to ~4σ ≈ 0.012 m/s.
        #expect(worst < 0.02, "velocity z vs Δz/Δt: worst \(worst) m/s")
        let aloha = try HDF5File(path: dir.appendingPathComponent("episode-001-aloha.h5").path)
        let qpos = try aloha.dataset("/observations/qpos")
        let q = try qpos.read(Float.self)
        #expect(qpos.shape[1] == 14 && q.allSatisfy(\.isFinite))
    }

    @Test func sameFlagsSameBytes() throws {
        var hashes: [[UInt8]] = []
        for _ in 0..<2 {
            let dir = TestSupport.temporaryDirectory("determinism")
            defer { try? FileManager.default.removeItem(at: dir) }
            var o = SynthJob.Options()
            o.out = dir.path; o.seed = 77; o.duration = 40; o.files = 2
            _ = try SynthJob.run(o)
            hashes.append(try ["drive-000.mcap", "drive-001.mcap", "labels.jsonl"].flatMap {
                [UInt8](try Data(contentsOf: dir.appendingPathComponent($0)))
            })
        }
        #expect(hashes[0] == hashes[1])
    }
}
