import Foundation
import Testing
import TestSupport

/// The `noisy` sensor preset of `longtail synth` (issue 16): IMU vibration, track noise, a
/// blipping precipitation sensor, visibility noise, F/T bias drift; labels from the
/// noise-free state. The detectors must hold on it.
@Suite struct NoisyPresetTests {
    static var binary: String { CLITests.binary }

    /// Generates an archive with `extra` synth flags (the `noisy` preset unless they name
    /// another), scans it (with its `profile.toml` when synth wrote one, unless
    /// `standardProfile`), and returns `longtail eval`'s per-class scores ("insert:jammed"
    /// included).
    static func evaluate(_ kind: String, _ extra: [String], in dir: URL, name: String? = nil,
                         standardProfile: Bool = false) throws -> [String: (p: Double, r: Double, labels: Int)] {
        let name = name ?? kind
        let data = dir.appendingPathComponent(name).path, out = dir.appendingPathComponent(name + "-out").path
        let sensors = extra.contains("--sensors") ? [] : ["--sensors", "noisy"]
        if !FileManager.default.fileExists(atPath: data + "/labels.jsonl") {
            let synth = try TestSupport.run(binary, ["synth", "--kind", kind, "--out", data] + sensors + extra)
            try #require(synth.status == 0, "\(synth.stderr)")
        }
        let manifest = try String(contentsOfFile: data + "/manifest.json", encoding: .utf8)
        let preset = extra.firstIndex(of: "--sensors").map { extra[$0 + 1] } ?? "noisy"
        if preset != "clean" {
            #expect(manifest.contains("\"sensors\":\"\(preset)\"") || manifest.contains("\"sensors\": \"\(preset)\""), "\(manifest)")
        }
        let profile = FileManager.default.fileExists(atPath: data + "/profile.toml") && !standardProfile ? ["--profile", data + "/profile.toml"] : []
        let scan = try TestSupport.run(binary, ["scan", data, "--out", out, "--force"] + profile)
        #expect(scan.status == 0 || scan.status == 3, "\(scan.stderr)")
        let eval = try TestSupport.run(binary, ["eval", "--catalog", out, "--labels", data + "/labels.jsonl", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: eval.stdout) as? [String: Any])
        var out2: [String: (Double, Double, Int)] = [:]
        for e in (obj["events"] as? [[String: Any]]) ?? [] {
            guard let name = e["event"] as? String else { continue }
            let labels = (e["true_positives"] as? Int ?? 0) + (e["misses"] as? Int ?? 0)
            out2[name] = (e["precision"] as? Double ?? 0, e["recall"] as? Double ?? 0, labels)
        }
        return out2
    }

    @Test func everyClassHoldsOnNoisySensors() throws {
        let dir = TestSupport.temporaryDirectory("noisy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let driving = try Self.evaluate("driving", ["--seed", "5", "--duration", "15m"], in: dir)
        let robot = try Self.evaluate("robot", ["--seed", "6", "--episodes", "20"], in: dir)
        #expect(driving.count >= 15 && robot.count >= 6, "\(driving.keys.sorted()) \(robot.keys.sorted())")
        for (name, m) in driving.merging(robot, uniquingKeysWith: { a, _ in a }) where name != "all" {
            // A class with a handful of labels may miss or add one at a band's edge (a
            // crossing 9.9 m ahead against 10 m, a jerk run split where the truth dips
            // 0.3 s); its confidence says so (`SensorFusionTests`, the eval matrix). The
            // classes with five labels or more hold the bar, but high_jerk: a swerve's
            // run of total jerk, which the truth keeps whole across dips just under the
            // 0.3 s merge gap, the measurement splits into pieces (here 2 of 11; 0.93–1.00
            // over the 2 h cells of scripts/eval-matrix.sh). It was exempt at 0.6 until the
            // wheel speed's jerk was fused with the accelerometer's.
            let tp = m.r * Double(m.labels), errors = (m.p > 0 ? tp / m.p - tp : 1) + (Double(m.labels) - tp)
            if m.labels >= 5 {
                #expect(m.p >= (name == "high_jerk" ? 0.8 : 0.95) && m.r >= 0.9, "\(name): precision \(m.p), recall \(m.r) on \(m.labels) labels")
            } else {
                #expect(errors < 1.5, "\(name): precision \(m.p), recall \(m.r) on \(m.labels) labels")
            }
        }
    }
}
