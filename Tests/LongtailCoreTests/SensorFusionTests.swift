import Foundation
import Testing
@testable import LongtailCore

/// Rules that read two sensors of one quantity, rules judged between samples, and tracks
/// read without lag (issue 16): the accelerometer vibrating against the wheel speed and the
/// gyro, a run's length at the minimum duration, a pedestrian's crossing in a noisy track.
@Suite struct SensorFusionTests {
    typealias Noise = NoisySensorTests.Noise
    static let dt = DetectorTests.dt

    /// A straight drive whose acceleration follows `accel(t)`, read by an accelerometer
    /// vibrating with σ `vibration` and by wheel speeds with 0.02 m/s of noise, quantized
    /// to 0.01 m/s (as the synth's and comma2k19's are); the gyro reads `yawRate(t)`.
    static func vibrating(seed: UInt64, vibration: Double, speedKnown: Bool = true, v0: Double = 15,
                          yawRate: @escaping (Double) -> Double = { _ in 0 },
                          _ accel: @escaping (Double) -> Double) -> (Double) -> DrivingFrame {
        var noise = Noise(state: seed)
        var v = v0, last = -1.0
        return { t in
            if t > last { v = max(0, v + accel(t) * dt); last = t }
            var f = DetectorTests.straight { _ in 0 }(t)
            f.speed = speedKnown ? Float(((v + noise.gaussian(0.02)) * 100).rounded() / 100) : .nan
            f.accelX = Float(accel(t) + noise.gaussian(vibration))
            f.yawRate = Float(yawRate(t) + noise.gaussian(0.002))
            f.accelY = Float(v * yawRate(t) + noise.gaussian(vibration))
            return f
        }
    }

    /// Acceleration from 0 to `to` at `jerk` m/s³ from `start`, held, and back at the same
    /// jerk from `back` on.
    static func ramp(_ t: Double, start: Double, back: Double, to: Double, jerk: Double) -> Double {
        let rise = abs(to) / jerk
        if t < start { return 0 }
        if t < start + rise { return to * (t - start) / rise }
        if t < back { return to }
        if t < back + rise { return to * (1 - (t - back) / rise) }
        return 0
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func jerkUnderVibrationComesFromTheWheelSpeed(seed: UInt64) throws {
        // At 10 s the car eases into 1.5 m/s² at 3 m/s³ and out again at 20 s (comfortable:
        // under 4.13); at 40 s it brakes into −3 m/s² at 8 m/s³ (a high jerk). The
        // accelerometer vibrates with σ 0.9 m/s², as comma2k19's does.
        let events = try DetectorTests.drive(60, Self.vibrating(seed: seed, vibration: 0.9) { t in
            Self.ramp(t, start: 10, back: 20, to: 1.5, jerk: 3) + Self.ramp(t, start: 40, back: 45, to: -3, jerk: 8)
        })
        let jerks = events.filter { $0.name == "high_jerk" }.map { (DetectorTests.seconds($0.startNs), DetectorTests.seconds($0.endNs)) }
        #expect(jerks.filter { $0.0 < 39 || ($0.0 > 41 && $0.0 < 44.5) || $0.0 > 46 }.isEmpty, "false jerks: \(jerks)")
        #expect(jerks.contains { $0.0 > 39.5 && $0.0 < 40.6 }, "the brake's jerk: \(jerks)")
    }

    @Test func withoutWheelSpeedsTheAccelerometerStillHasTheSay() throws {
        // No speed signal: the same brake (into it at 40 s, out of it at 45 s) is found from
        // the (clean) accelerometer alone.
        let events = try DetectorTests.drive(60, Self.vibrating(seed: 5, vibration: 0.05, speedKnown: false) { t in
            Self.ramp(t, start: 40, back: 45, to: -3, jerk: 8)
        })
        let jerks = events.filter { $0.name == "high_jerk" }.map { DetectorTests.seconds($0.startNs) }
        #expect(jerks.count == 2 && jerks.first.map { $0 > 39.5 && $0 < 40.6 } == true && jerks.last.map { $0 > 44.5 && $0 < 45.6 } == true,
                "\(jerks)")
    }

    @Test(arguments: [UInt64(6), 7, 8])
    func lateralAccelerationUnderVibrationComesFromTheGyro(seed: UInt64) throws {
        // 15 m/s; a long bend at 2.7 m/s² (under 3) from 10 s to 14 s, a sharper one at
        // 3.6 m/s² from 30 s to 31.5 s. The accelerometer's y vibrates with σ 0.9 m/s².
        let events = try DetectorTests.drive(40, Self.vibrating(seed: seed, vibration: 0.9, yawRate: { t in
            (t >= 10 && t < 14 ? 2.7 : t >= 30 && t < 31.5 ? 3.6 : 0) / 15
        }) { _ in 0 })
        let lateral = events.filter { $0.name == "high_lateral_accel" }.map { (DetectorTests.seconds($0.startNs), DetectorTests.seconds($0.endNs)) }
        #expect(lateral.count == 1 && lateral.allSatisfy { abs($0.0 - 30) < 0.15 && abs($0.1 - 31.5) < 0.15 }, "\(lateral)")
    }

    @Test func aRunIsJudgedBetweenSamples() {
        // A run of the true condition lasting 0.49 s or 0.51 s, sampled every 20 ms at ten
        // phases, against a 0.5 s minimum: whole samples would round either way half the
        // time; margins place the ends between samples.
        for (length, expected) in [(0.49, false), (0.51, true)] {
            for phase in 0..<10 {
                var tracker = RunTracker(minDuration: 0.5, mergeGap: 0.2, step: 0.02)
                var reported = false
                let offset = Double(phase) * 0.002
                for i in 0..<100 {
                    let t = Double(i) * 0.02
                    // A tent over [0.5, 0.5 + length] crossing zero at its ends with slope 10 / s.
                    let margin = min(t - (0.5 + offset), (0.5 + offset + length) - t) * 10
                    if tracker.feed(t, margin: margin, { _ in }) != nil { reported = true }
                }
                if tracker.flush() != nil { reported = true }
                #expect(reported == expected, "length \(length), phase \(phase)")
            }
        }
    }

    @Test func aRunIsTheTimeHeldNotTheSpanOfItsCrossings() {
        // A signal hovering at its threshold, over for 60 ms and under for 100 ms in turn
        // for 1.5 s: every gap is under the 0.2 s merge gap, so the crossings make one run
        // of 1.5 s, but the condition held for under 0.6 s of it. Against a 0.6 s minimum
        // that is no event; the same run held throughout is one.
        for hovering in [true, false] {
            var tracker = RunTracker(minDuration: 0.6, mergeGap: 0.2, step: 0.02)
            var runs: [RunTracker.Run] = []
            for i in 0..<200 {
                let t = Double(i) * 0.02
                let inside = t >= 1 && t < 2.5
                let margin = !inside ? -1 : hovering ? (Int(((t - 1) / 0.02).rounded()) % 8 < 3 ? 0.1 : -0.1) : 0.1
                if let r = tracker.feed(t, margin: margin, { _ in }) { runs.append(r) }
            }
            if let r = tracker.flush() { runs.append(r) }
            #expect(runs.count == (hovering ? 0 : 1), "hovering \(hovering): \(runs.map { ($0.start, $0.heldLength ?? -1) })")
            if let r = runs.first { #expect(abs(r.sustained(step: 0.02) - 1.5) < 0.03 && abs(r.length(step: 0.02) - 1.5) < 0.03) }
        }
    }

    @Test(arguments: [UInt64(12), 13, 14])
    func aTrackAheadHoldsStillWhileTheEgoBrakesToAStop(seed: UInt64) throws {
        // The ego brakes from 9 m/s at −6 m/s² (t = 10 s to 11.5 s) and stops with a
        // pedestrian 10.5 m ahead of its bumper, who walks across at 1.3 m/s: never within the
        // 10 m band, so no crossing. In the ego frame the pedestrian decelerates at 6 m/s²
        // too; a filter that learns that from positions alone runs ahead of the track as the
        // ego stops (it read 9.9 m); the ego's measured speed in the prediction does not.
        // With the band widened to 30 m the crossing is reported, and its closest filtered
        // gap says how far the filter ran ahead of the track.
        var noise = Noise(state: seed)
        var travelled = 0.0, last = 0.0
        let stop = 9.0 * 1.5 / 2   // distance braking
        let wide = try Thresholds(Thresholds.driving, overrides: ["pedestrian_crossing.ahead_m": 30])
        let events = try DetectorTests.drive(20, thresholds: wide, actors: { t, v in
            travelled += v * (t - last); last = t
            guard t >= 5 else { return nil }
            let ahead = 3.8 + 10.5 + 0.25 + (9 * 10 + stop) - travelled
            return [ActorObservation(id: 4, cls: .pedestrian, x: ahead + noise.gaussian(0.1), y: 6 - 1.3 * (t - 9) + noise.gaussian(0.1),
                                     vx: noise.gaussian(0.1), vy: -1.3 + noise.gaussian(0.1), heading: .nan, length: 0.5)]
        }, DetectorTests.straight({ t in t >= 10 && t < 11.5 ? -6 : 0 }, v0: 9))
        let crossings = events.filter { $0.name == "pedestrian_crossing" }
        let closest = crossings.compactMap { e in e.facts.first { $0.0 == "min_distance_ahead_m" }.flatMap { if case .number(let v) = $0.1 { v } else { nil } } }
        #expect(crossings.count == 1 && closest.allSatisfy { $0 > 10.25 }, "\(closest)")
    }

    @Test(arguments: [UInt64(9), 10, 11])
    func aCrossingIsFoundWhereItHappens(seed: UInt64) throws {
        // The ego creeps at 0.5 m/s; a pedestrian 6 m ahead of the bumper walks across at
        // 1.5 m/s from y = −8 m (t = 10 s). Moving toward the path within ±5 m: from 12 s
        // (y = −5) until the path's centre at 15.33 s. The track jitters by 0.2 m and 0.2 m/s.
        var noise = Noise(state: seed)
        let events = try DetectorTests.drive(25, actors: { t, _ in
            guard t >= 10 && t < 22 else { return nil }
            let y = -8 + 1.5 * (t - 10)
            return [ActorObservation(id: 3, cls: .pedestrian, x: 3.8 + 6 + 0.25 + noise.gaussian(0.2), y: y + noise.gaussian(0.2),
                                     vx: noise.gaussian(0.2), vy: 1.5 + noise.gaussian(0.2), heading: .nan, length: 0.5)]
        }, DetectorTests.straight({ _ in 0 }, v0: 0.5))
        let crossings = events.filter { $0.name == "pedestrian_crossing" }.map { (DetectorTests.seconds($0.startNs), DetectorTests.seconds($0.endNs)) }
        #expect(crossings.count == 1, "\(crossings)")
        if let c = crossings.first { #expect(abs(c.0 - 12) < 0.2 && abs(c.1 - 15.33) < 0.25, "\(c)") }
    }
}
