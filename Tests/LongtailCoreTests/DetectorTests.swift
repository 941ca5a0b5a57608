import Testing
@testable import LongtailCore

/// Detectors on signals built by hand, where the right answer is known by construction.
@Suite struct DetectorTests {
    static let t0: Int64 = 1_000_000_000_000
    static let dt = 0.01

    /// Drives `seconds` of 100 Hz frames through a detector; `frame(t)` gives each tick.
    static func drive(_ seconds: Double, thresholds: Thresholds? = nil, available: Set<String>? = nil,
                      actors: ((Double, Double) -> [ActorObservation]?)? = nil,
                      _ frame: (Double) -> DrivingFrame) throws -> [DetectedEvent] {
        let th = try thresholds ?? Thresholds(Thresholds.driving)
        var d = DrivingDetector(thresholds: th, dt: dt, t0Ns: t0,
                                available: available ?? Set(DrivingFrame.signalNames + ["actors"]))
        for n in 0..<Int(seconds / dt) {
            let t = Double(n) * dt
            let f = frame(t)
            let ns = t0 + Int64((t * 1e9).rounded())
            if n % 10 == 0, let list = actors?(t, Double(f.speed)) { d.feed(actorsAt: ns, list) }
            d.feed(tick: ns, f)
        }
        return d.finish()
    }

    static func seconds(_ ns: Int64) -> Double { Double(ns - t0) / 1e9 }

    /// Speed integrates `accel(t)`; the IMU reads it exactly.
    static func straight(_ accel: @escaping (Double) -> Double, v0: Double = 20) -> (Double) -> DrivingFrame {
        var v = v0, last = -1.0
        return { t in
            if t > last { v = max(0, v + accel(t) * dt); last = t }
            var f = DrivingFrame()
            f.speed = Float(v); f.accelX = Float(accel(t)); f.accelY = 0; f.yawRate = 0; f.autonomy = 1
            f.visibility = 10_000; f.temperature = 15; f.precipitation = 0; f.wiper = 0
            f.abs = 0; f.esc = 0; f.tcs = 0
            return f
        }
    }

    @Test func hardBrakeAtItsThresholdOnly() throws {
        // −5 m/s² from t = 10 s to 11 s (ramps of 0.1 s): one hard brake, peak −5.
        let events = try Self.drive(20, Self.straight { t in t >= 10 && t < 11 ? -5 : 0 })
        let brakes = events.filter { $0.name == "hard_brake" }
        #expect(brakes.count == 1)
        if let b = brakes.first {
            #expect(abs(Self.seconds(b.startNs) - 10) < 0.1 && abs(Self.seconds(b.endNs) - 11) < 0.1, "\(b)")
            #expect(b.facts.first?.0 == "peak_decel_mps2")
            if case .number(let peak)? = b.facts.first?.1 { #expect(abs(peak + 5) < 0.05, "peak \(peak)") }
        }
        // −3 m/s² for 2 s: below the threshold, nothing.
        let mild = try Self.drive(20, Self.straight { t in t >= 10 && t < 12 ? -3 : 0 })
        #expect(!mild.contains { $0.name == "hard_brake" })
        // A profile that moves the threshold to −6 m/s² no longer reports the −5 brake.
        let strict = try Thresholds(Thresholds.driving, overrides: ["hard_brake.accel_mps2": -6])
        #expect(try !Self.drive(20, thresholds: strict, Self.straight { t in t >= 10 && t < 11 ? -5 : 0 }).contains { $0.name == "hard_brake" })
    }

    @Test func shortBrakeIsNotHard() throws {
        // −6 m/s² for 0.2 s: shorter than the 0.3 s the rule asks for.
        let events = try Self.drive(20, Self.straight { t in t >= 10 && t < 10.2 ? -6 : 0 })
        #expect(!events.contains { $0.name == "hard_brake" })
    }

    @Test func swerveNeedsASignReversal() throws {
        func yaw(_ r: @escaping (Double) -> Double) -> (Double) -> DrivingFrame {
            { t in var f = Self.straight { _ in 0 }(t); f.speed = 12; f.yawRate = Float(r(t)); f.accelY = Float(12 * r(t)); return f }
        }
        let swerve = try Self.drive(20, yaw { t in t >= 10 && t < 10.6 ? 0.4 : (t >= 10.6 && t < 11.2 ? -0.4 : 0) })
        #expect(swerve.filter { $0.name == "swerve" }.count == 1)
        let turn = try Self.drive(20, yaw { t in t >= 10 && t < 11.2 ? 0.35 : 0 })
        #expect(!turn.contains { $0.name == "swerve" })
    }

    @Test func disengagementSpansTheSwitch() throws {
        let events = try Self.drive(10) { t in var f = Self.straight { _ in 0 }(t); f.autonomy = t < 5 ? 1 : 0; return f }
        let d = events.filter { $0.name == "disengagement" }
        #expect(d.count == 1)
        if let e = d.first { #expect(abs(Self.seconds(e.startNs) - 4.5) < 0.02 && abs(Self.seconds(e.endNs) - 6) < 0.02) }
    }

    @Test func fogAndLowVisibilityAreSeparate() throws {
        let events = try Self.drive(90) { t in
            var f = Self.straight { _ in 0 }(t)
            f.visibility = t >= 10 && t < 30 ? 150 : (t >= 50 && t < 70 ? 600 : 10_000)
            return f
        }
        let fog = events.filter { $0.name == "fog" }, low = events.filter { $0.name == "low_visibility" }
        #expect(fog.count == 1 && low.count == 1)
        if let f = fog.first { #expect(abs(Self.seconds(f.startNs) - 10) <= 1 && abs(Self.seconds(f.endNs) - 30) <= 1) }
        if let f = fog.first { #expect(f.facts.first?.1 == .number(150)) }
    }

    @Test func cutInOnlyWhenCloserThanRSS() throws {
        // A car 8 m ahead (gap) moves from the next lane (y = 3.5) into ours over 2 s.
        func cutIn(gap: Double) -> (Double, Double) -> [ActorObservation]? {
            { t, v in
                let y = t < 5 ? 3.5 : max(0, 3.5 - (t - 5) * 1.75)
                return [ActorObservation(id: 1, cls: .car, x: 3.8 + gap + 2.3, y: y, vx: v, vy: 0, heading: 0, length: 4.6)]
            }
        }
        let close = try Self.drive(12, actors: cutIn(gap: 8), Self.straight { _ in 0 })
        #expect(close.filter { $0.name == "cut_in" }.count == 1)
        let far = try Self.drive(12, actors: cutIn(gap: 60), Self.straight { _ in 0 })
        #expect(!far.contains { $0.name == "cut_in" })
    }

    @Test func missingSignalsDisableOnlyTheirDetectors() throws {
        let off = Set(DrivingDetector.disabled(available: ["speed", "accel.x", "accel.y", "yaw_rate"]).map(\.event))
        #expect(off.contains("disengagement") && off.contains("fog") && off.contains("low_ttc"))
        #expect(!off.contains("hard_brake") && !off.contains("swerve") && !off.contains("high_jerk"))
        // Weather with wipers but no precipitation still detects heavy rain.
        let wipers = Set(DrivingDetector.disabled(available: ["wiper_level"]).map(\.event))
        #expect(!wipers.contains("heavy_rain") && wipers.contains("snow"))
        // Disabled events are not reported even when their runs would fire.
        let events = try Self.drive(20, available: ["speed"], Self.straight { t in t >= 10 && t < 11 ? -5 : 0 })
        #expect(events.isEmpty)
    }

    @Test func unknownThresholdListsTheValidOnes() {
        #expect(throws: Thresholds.UnknownThreshold.self) { try Thresholds(Thresholds.driving, overrides: ["hard_brak.accel": 1]) }
        do {
            _ = try Thresholds(Thresholds.robot, overrides: ["insert.depth": 1])
        } catch {
            #expect(error.key == "insert.depth" && error.valid.contains("insert.min_depth_mm"))
        }
    }

    /// A 1 kHz episode: still, a 20 ms 50 N collision in free motion, then a 3 s push.
    @Test func contactSpikeNeedsQuietAroundIt() throws {
        var s = RobotEpisodeSignals(t0Ns: Self.t0, dt: 0.001)
        for i in 0..<8000 {
            let t = Double(i) / 1000
            var fx: Float = 0.2   // sensor bias, removed from the still start
            if t >= 2 && t < 2.02 { fx += Float(50 * (1 - abs(t - 2.01) / 0.01)) }
            var x = Float(0.4)
            if t >= 4 && t < 7 { fx += -20; x += Float((t - 4) * 0.02) }   // pushing, moving +x
            if t >= 7 { fx += 0; x += 0.06 }
            s.append([fx, 0, 0, 0, x, 0, -0.2, 0, 0.08])
        }
        let events = RobotDetector.detect(s, thresholds: try Thresholds(Thresholds.robot), available: Set(RobotEpisodeSignals.signalNames))
        let spikes = events.filter { $0.name == "contact_spike" }
        #expect(spikes.count == 1, "\(events.map(\.name))")
        if let sp = spikes.first {
            let mid = Double(sp.startNs + sp.endNs) / 2 - Double(Self.t0)
            #expect(abs(mid / 1e9 - 2.01) < 0.005)
            if case .number(let peak) = sp.facts[0].1 { #expect(abs(peak - 50) < 1) }
        }
        let pushes = events.filter { $0.name == "push" }
        #expect(pushes.count == 1)
        if let p = pushes.first { #expect(abs(Self.seconds(p.startNs) - 4) < 0.05 && abs(Self.seconds(p.endNs) - 7) < 0.05) }
    }
}
