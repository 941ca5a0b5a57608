import Foundation
import LongtailCore
import Testing
import TestSupport
@testable import LongtailScan

/// The scan's physics checks (issue 15): each wrong mapping a stranger's profile can make
/// (a gravity axis as horizontal, a reversed axis, km/h or mph, a gyro axis that is not yaw,
/// a stuck channel) is named, and right mappings pass. Signals are built from known motion,
/// so the truth is known; then the synth fixture with altered profiles.
@Suite struct SignalSanityTests {
    static let names = ["speed", "accel.x", "accel.y", "yaw_rate"]

    /// 120 s at 50 Hz: speed 15 m/s ± a 20 s sine of 1.5 m/s² amplitude; lateral acceleration
    /// a 15 s sine of 2 m/s², yaw rate = a_y / v. IMU noise σ 0.5 m/s², gyro 0.01 rad/s.
    static func drive(_ change: (inout [Float], inout [Float], inout [Float], inout [Float]) -> Void) -> [SignalSanity.Finding] {
        let n = 6000, dt = 0.02
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15   // SplitMix64: the same noise every run
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) * 2 - 1
        }
        func noise(_ s: Double) -> Double { s * (uniform() + uniform()) * 1.2247 }   // σ ≈ s
        var speed = [Float](), ax = [Float](), ay = [Float](), yaw = [Float]()
        for i in 0..<n {
            let t = Double(i) * dt
            let a = 1.5 * sin(2 * .pi * t / 20), v = 15 - 1.5 * 20 / (2 * .pi) * cos(2 * .pi * t / 20)
            let lat = 2 * sin(2 * .pi * t / 15)
            speed.append(Float(v)); ax.append(Float(a + noise(0.5))); ay.append(Float(lat + noise(0.5))); yaw.append(Float(lat / v + noise(0.01)))
        }
        change(&speed, &ax, &ay, &yaw)
        var s = SignalSanity(names: names, rateHz: 50)
        let columns = [speed, ax, ay, yaw]
        for start in stride(from: 0, to: n, by: 256) {
            let count = min(256, n - start)
            columns[0].withUnsafeBufferPointer { c0 in columns[1].withUnsafeBufferPointer { c1 in
                columns[2].withUnsafeBufferPointer { c2 in columns[3].withUnsafeBufferPointer { c3 in
                    let all = [c0, c1, c2, c3]
                    s.add(count: count) { all[$0].baseAddress! + start }
                } }
            } }
        }
        return s.findings()
    }

    @Test func rightMappingsPass() {
        #expect(Self.drive { _, _, _, _ in }.isEmpty)
    }

    @Test func eachWrongMappingIsNamed() {
        func only(_ f: [SignalSanity.Finding], _ signal: String, _ words: String) -> Bool {
            f.count == 1 && f[0].signal == signal && f[0].message.contains(words)
        }
        let gravity = Self.drive { _, _, ay, _ in ay = ay.map { $0 + 9.81 } }
        #expect(only(gravity, "accel.y", "averages 9.8"), "\(gravity)")
        let reversed = Self.drive { _, ax, _, _ in ax = ax.map { -$0 } }
        #expect(only(reversed, "accel.x", "sign is reversed"), "\(reversed)")
        let kmh = Self.drive { v, _, _, _ in v = v.map { $0 * 3.6 } }
        #expect(only(kmh, "speed", "km/h"), "\(kmh)")
        let mph = Self.drive { v, _, _, _ in v = v.map { $0 * 2.23694 } }
        #expect(only(mph, "speed", "mph"), "\(mph)")
        let yawReversed = Self.drive { _, _, _, w in w = w.map { -$0 } }
        #expect(only(yawReversed, "yaw_rate", "sign reversed"), "\(yawReversed)")
        // A gyro axis that sees no turning (roll, on a flat road): noise only.
        let notYaw = Self.drive { _, _, _, w in w = w.indices.map { Float(0.01 * sin(Double($0) * 1.7)) } }
        #expect(only(notYaw, "yaw_rate", "does not follow"), "\(notYaw)")
        let unrelated = Self.drive { _, ax, _, _ in ax = ax.indices.map { Float(0.8 * sin(Double($0) * 0.0133)) } }   // 9.4 s period: not the speed's
        #expect(only(unrelated, "accel.x", "does not follow"), "\(unrelated)")
        let stuck = Self.drive { _, _, _, w in w = w.map { _ in 0.25 } }
        #expect(stuck.contains { $0.signal == "yaw_rate" && $0.message.contains("never changes") }, "\(stuck)")
    }

    /// A parked or short log is not judged: nothing to compare.
    @Test func tooLittleMotionIsNotJudged() {
        let parked = Self.drive { v, ax, _, w in v = v.map { _ in 0 }; ax = ax.map { -$0 }; w = w.map { -$0 } }
        #expect(parked.isEmpty, "\(parked)")
        var s = SignalSanity(names: Self.names, rateHz: 50)
        let x = [Float](repeating: 9.8, count: 100)
        x.withUnsafeBufferPointer { p in s.add(count: 100) { $0 == 1 ? p.baseAddress! : nil } }
        #expect(s.findings().isEmpty, "2 s of data")
    }

    /// The synth fixture with its own profile passes; with accel.x negated or speed in km/h
    /// the scan warns, naming the field.
    @Test func theFixtureWithAlteredProfiles() throws {
        let path = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path
        let base = try Profile.load("synth-driving")
        #expect(try #require(try SourceScanner.scan(path, profile: base).first).warnings.isEmpty)
        func scan(_ signal: String, scale: Double) throws -> [String] {
            var p = base
            let k = try #require(p.signals.firstIndex { $0.name == signal })
            p.signals[k].scale = scale
            return try #require(try SourceScanner.scan(path, profile: p).first).warnings
        }
        let negated = try scan("accel.x", scale: -1)
        #expect(negated.count == 1 && negated[0].hasPrefix("implausible accel.x (/sensing/imu/imu_data linear_acceleration.x): runs against"), "\(negated)")
        let kmh = try scan("speed", scale: 3.6)
        #expect(kmh.count == 1 && kmh[0].contains("km/h"), "\(kmh)")
    }
}
