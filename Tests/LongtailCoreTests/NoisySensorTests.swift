import Foundation
import Testing
@testable import LongtailCore

/// Detectors on signals with the faults real sensors have (issue 16): noise floors, blips,
/// dropped readings, jittering tracks, headings given in other conventions or not at all.
/// The truth is known by construction; noise comes from a seeded generator.
@Suite struct NoisySensorTests {
    /// SplitMix64 with Box–Muller: the same seed gives the same noise on every machine.
    struct Noise {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func gaussian(_ sigma: Double) -> Double {
            let u = max(uniform(), 1e-300), v = uniform()
            return sigma * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    static func seconds(_ ns: Int64) -> Double { DetectorTests.seconds(ns) }

    /// Intersection over union of a detection with `[start, end)` seconds.
    static func iou(_ e: DetectedEvent, _ start: Double, _ end: Double) -> Double {
        let s = seconds(e.startNs), f = seconds(e.endNs)
        let inter = max(0, min(f, end) - max(s, start))
        return inter / (max(f, end) - min(s, start))
    }

    static func calm(_ t: Double) -> DrivingFrame { DetectorTests.straight { _ in 0 }(t) }

    @Test func snowIgnoresThePrecipitationSensorsNoiseFloor() throws {
        // Ten minutes at −3 °C, dry: the sensor reads 1–2 s blips of 0.2–0.6 mm/h every few
        // seconds (what fired 25 false snows on an independent set). Then 2 minutes of real
        // snow, 1.0 mm/h ± 0.2, from 600 s to 720 s, then dry blips again.
        var noise = Noise(state: 7)
        var blipUntil = -1.0, blipValue = 0.0, second = -1.0
        let events = try DetectorTests.drive(900) { t in
            var f = Self.calm(t)
            f.temperature = -3
            if t.rounded(.down) != second {
                second = t.rounded(.down)
                if second > blipUntil && noise.uniform() < 0.25 {
                    blipUntil = second + (noise.uniform() < 0.5 ? 0 : 1)
                    blipValue = 0.2 + 0.4 * noise.uniform()
                }
            }
            var p = t <= blipUntil + 0.999 ? blipValue : 0
            if t >= 600 && t < 720 { p = 1.0 + noise.gaussian(0.2) }
            f.precipitation = Float(p)
            return f
        }
        let snow = events.filter { $0.name == "snow" }
        #expect(snow.count == 1, "\(snow.map { (Self.seconds($0.startNs), Self.seconds($0.endNs)) })")
        if let s = snow.first { #expect(Self.iou(s, 600, 720) > 0.95, "\(Self.seconds(s.startNs))–\(Self.seconds(s.endNs))") }
    }

    @Test func heavyRainSurvivesFlickerAndADroppedSensor() throws {
        // 8.3 mm/h ± 0.6 from 100 s to 400 s: the raw value crosses 7.6 mm/h again and again;
        // the sensor is silent (NaN) for 6 s in the middle. One event, the whole rain.
        var noise = Noise(state: 11)
        let events = try DetectorTests.drive(500) { t in
            var f = Self.calm(t)
            var p = 0.0
            if t >= 100 && t < 400 { p = 8.3 + noise.gaussian(0.6) }
            f.precipitation = t >= 250 && t < 256 ? .nan : Float(p)
            return f
        }
        let rain = events.filter { $0.name == "heavy_rain" }
        #expect(rain.count == 1, "\(rain.map { (Self.seconds($0.startNs), Self.seconds($0.endNs)) })")
        if let r = rain.first { #expect(Self.iou(r, 100, 400) > 0.97) }
    }

    @Test func weatherReportedEveryFiveSecondsIsFollowed() throws {
        // A weather station reporting at 0.2 Hz: one tick in 500 carries a reading, the rest
        // are NaN. 10 mm/h from 100 s to 300 s is one heavy-rain event; fog the same way.
        let events = try DetectorTests.drive(400) { t in
            var f = Self.calm(t)
            let reporting = Int((t * 100).rounded()) % 500 == 0
            f.precipitation = reporting ? (t >= 100 && t < 300 ? 10 : 0) : .nan
            f.visibility = reporting ? (t >= 100 && t < 300 ? 120 : 10_000) : .nan
            return f
        }
        for name in ["heavy_rain", "fog"] {
            let e = events.filter { $0.name == name }
            #expect(e.count == 1, "\(name): \(e.map { (Self.seconds($0.startNs), Self.seconds($0.endNs)) })")
            if let x = e.first { #expect(Self.iou(x, 100, 300) > 0.9, "\(name) \(Self.seconds(x.startNs))–\(Self.seconds(x.endNs))") }
        }
    }

    @Test func fogWithANoisyVisibilitySensorIsOneEvent() throws {
        // 150 m ± 40 m of visibility for 3 minutes: some readings cross 200 m; neither the
        // fog splits nor does a low-visibility event appear inside it.
        var noise = Noise(state: 13)
        let events = try DetectorTests.drive(400) { t in
            var f = Self.calm(t)
            f.visibility = t >= 100 && t < 280 ? Float(150 + noise.gaussian(40)) : 10_000
            return f
        }
        let fog = events.filter { $0.name == "fog" }
        #expect(fog.count == 1)
        if let e = fog.first { #expect(Self.iou(e, 100, 280) > 0.95) }
        #expect(!events.contains { $0.name == "low_visibility" && Self.iou($0, 100, 280) > 0.1 })
    }

    @Test func icyRoadCatchesShortActivationsRightAtTheStart() throws {
        // −2 °C from the first tick and ABS pulses of 0.3 s: each pulse is an icy-road moment.
        let events = try DetectorTests.drive(60) { t in
            var f = Self.calm(t)
            f.temperature = -2
            f.abs = t.truncatingRemainder(dividingBy: 20) < 0.3 ? 1 : 0
            return f
        }
        let icy = events.filter { $0.name == "icy_road" }
        #expect(icy.count == 3, "\(icy.map { Self.seconds($0.startNs) })")
        #expect(icy.map { Self.seconds($0.startNs).rounded() } == [0, 20, 40])
    }

    /// A lead car `gap` metres ahead of the bumper, in our lane, closing at 6 m/s (the ego at
    /// 8 m/s, the car at 2 m/s), seen by a tracker with 0.15 m range and 0.2 m/s range-rate noise.
    static func lead(gap: @escaping (Double) -> Double, seed: UInt64) -> (Double, Double) -> [ActorObservation]? {
        var noise = Noise(state: seed)
        return { t, _ in
            [ActorObservation(id: 7, cls: .car, x: 3.8 + gap(t) + 2.3 + noise.gaussian(0.15), y: noise.gaussian(0.1),
                              vx: 2 + noise.gaussian(0.2), vy: noise.gaussian(0.1), heading: 0, length: 4.6)]
        }
    }

    static func cruising(_ t: Double) -> DrivingFrame { var f = calm(t); f.speed = 8; return f }

    @Test func timeToCollisionHoveringAboveTheWarningIsNoEvent() throws {
        // True TTC 1.58–1.62 s for a minute: per-sample noise pulls it under 1.5 s, the rule must not.
        for seed in [UInt64(1), 2, 3, 4] {
            let events = try DetectorTests.drive(60, actors: Self.lead(gap: { t in 6 * (1.6 + 0.02 * sin(t)) }, seed: seed), Self.cruising)
            #expect(!events.contains { $0.name == "low_ttc" }, "seed \(seed): \(events.filter { $0.name == "low_ttc" }.map { $0.facts })")
        }
        // A true dip to 1.1 s between 20 s and 24 s is found, once, in place.
        let dip = try DetectorTests.drive(60, actors: Self.lead(gap: { t in 6 * (t >= 20 && t < 24 ? 1.1 : 2.5) }, seed: 5), Self.cruising)
        let ttc = dip.filter { $0.name == "low_ttc" }
        #expect(ttc.count == 1)
        if let e = ttc.first { #expect(Self.iou(e, 20, 24) > 0.8, "\(Self.seconds(e.startNs))–\(Self.seconds(e.endNs))") }
    }

    @Test func wrongWayFromAScalarYawOrFromTheVelocity() throws {
        // A car in our lane 40 m ahead driving at us at 10 m/s (the ego at 12 m/s), its heading
        // given as π (a scalar yaw), or not given at all (NaN: taken from its ground velocity).
        func oncoming(heading: Double, vx: Double) -> (Double, Double) -> [ActorObservation]? {
            var noise = Noise(state: 3)
            return { t, _ in
                guard t >= 5 && t < 7 else { return [] }
                return [ActorObservation(id: 9, cls: .car, x: 60 - 22 * (t - 5) + noise.gaussian(0.2), y: 0.3 + noise.gaussian(0.2),
                                         vx: vx + noise.gaussian(0.2), vy: noise.gaussian(0.2), heading: heading, length: 4.6)]
            }
        }
        func fast(_ t: Double) -> DrivingFrame { var f = Self.calm(t); f.speed = 12; return f }
        for heading in [Double.pi, -Double.pi, .nan] {
            let events = try DetectorTests.drive(10, actors: oncoming(heading: heading, vx: -10), fast)
            #expect(events.filter { $0.name == "wrong_way_actor" }.count == 1, "heading \(heading)")
        }
        // A stopped car without a heading is not driving the wrong way; nor is one ahead driving our way.
        for vx in [0.0, 10.0] {
            let events = try DetectorTests.drive(10, actors: oncoming(heading: .nan, vx: vx), fast)
            #expect(!events.contains { $0.name == "wrong_way_actor" }, "vx \(vx)")
        }
    }

    @Test func resolvedHeadingPrefersTheMappedOne() {
        let moving = ActorObservation(id: 1, cls: .car, x: 10, y: 0, vx: -5, vy: 0, heading: .nan, length: 4)
        #expect(abs(abs(moving.resolvedHeading) - Double.pi) < 1e-12)
        let still = ActorObservation(id: 1, cls: .car, x: 10, y: 0, vx: 0.3, vy: 0.3, heading: .nan, length: 4)
        #expect(still.resolvedHeading.isNaN)
        let mapped = ActorObservation(id: 1, cls: .car, x: 10, y: 0, vx: -5, vy: 0, heading: 0.25, length: 4)
        #expect(mapped.resolvedHeading == 0.25)
    }
}

/// Manipulation detectors on a force/torque sensor whose bias drifts (issue 16).
@Suite struct DriftingWrenchTests {
    /// A 30 s, 1 kHz episode: still, then a 60° turn of a knob from 20 s to 22 s with 1 N·m,
    /// while the torque bias creeps by 0.02 N·m/s (0.6 N·m over the episode).
    static func episode(rotation: Bool, seed: UInt64) -> RobotEpisodeSignals {
        var noise = NoisySensorTests.Noise(state: seed)
        var s = RobotEpisodeSignals(t0Ns: DetectorTests.t0, dt: 0.001)
        for i in 0..<30_000 {
            let t = Double(i) / 1000
            let u = min(1, max(0, (t - 20) / 2))
            let turn = 60 * Double.pi / 180 * (u * u * u * (10 - 15 * u + 6 * u * u))   // minimum jerk
            let load = t >= 20 && t < 22 ? min(1, (t - 20) / 0.15, (22 - t) / 0.1 + 0.2) : 0
            let tz = -1.0 * load + 0.02 * t + noise.gaussian(0.004)
            s.append([Float(noise.gaussian(0.05)), Float(noise.gaussian(0.05)), Float(-0.5 * load + noise.gaussian(0.08)), Float(tz),
                      0.4, 0.1, 0.2, rotation ? Float(turn) : .nan, 0.025])
        }
        return s
    }

    @Test func twistIsTheTurnNotTheDrift() throws {
        for rotation in [true, false] {
            var available = Set(RobotEpisodeSignals.signalNames)
            if !rotation { available.remove("rotation") }
            let events = RobotDetector.detect(Self.episode(rotation: rotation, seed: 21), thresholds: try Thresholds(Thresholds.robot),
                                              available: available)
            let twists = events.filter { $0.name == "twist" }
            #expect(twists.count == 1, "rotation \(rotation): \(twists.map { (NoisySensorTests.seconds($0.startNs), NoisySensorTests.seconds($0.endNs)) })")
            if let e = twists.first {
                #expect(NoisySensorTests.iou(e, 20, 22) > (rotation ? 0.85 : 0.7),
                        "rotation \(rotation): \(NoisySensorTests.seconds(e.startNs))–\(NoisySensorTests.seconds(e.endNs))")
            }
        }
    }
}
