#if canImport(Glibc)
import Glibc
#endif

/// Simulates one driving file at 100 Hz: a cruise controller, scripted event and
/// distractor scenes, actors, weather episodes. Produces true states tick by tick.
struct DrivingSimulation {
    static let dt = 0.01
    static let egoFront = 3.8        // rear axle to front bumper, m
    static let wheelBase = 2.8
    /// Longitudinal jerk limit outside high-jerk scenes: well under the 4.13 m/s³ threshold.
    static let jerkLimit = 3.0

    let duration: Double
    private(set) var scenes: [Scene] = []
    private(set) var weatherEpisodes: [WeatherEpisode] = []
    private var rng: SynthRandom
    private var tick = DrivingTick()
    private var sceneIndex = 0
    private var targetSpeed = 20.0
    private var nextActorID: UInt8 = 1
    private var reengageAt: Double?
    private var sceneState: [Double] = []   // per-scene scratch

    init(seed: UInt64, file: Int, duration: Double, rareRate: Double) {
        self.duration = duration
        rng = SynthRandom(seed: seed, stream: UInt64(file) &+ 1)
        tick.v = rng.uniform(14...22)
        targetSpeed = tick.v
        schedule(rareRate: rareRate)
        tick.actors = []
    }

    /// Scenes and weather episodes for the whole file: every event class early (shuffled),
    /// then a random mix; distractors between events; cruising in the gaps.
    private mutating func schedule(rareRate: Double) {
        let events = SceneKind.allCases.filter(\.isEvent)
        let distractors = SceneKind.allCases.filter { !$0.isEvent }
        var queue = events
        for i in stride(from: queue.count - 1, to: 0, by: -1) { queue.swapAt(i, rng.int(0...i)) }
        var t = 4.0
        var eventTurn = true
        while true {
            let kind: SceneKind
            if eventTurn {
                kind = queue.isEmpty ? rng.pick(events) : queue.removeFirst()
            } else {
                kind = rng.pick(distractors)
            }
            let length = Self.length(of: kind, &rng)
            guard t + length + 2 < duration else { break }
            scenes.append(Scene(kind: kind, start: t, duration: length, p: Self.parameters(of: kind, &rng)))
            t += length + rng.uniform(2...(4 + 20 * (1 - min(max(rareRate, 0), 1))))
            // Rare-rate 1: nine scenes in ten are events; 0.05: one in twenty-two.
            eventTurn = rng.chance(max(0.02, min(0.9, 0.9 * rareRate)))
        }
        // Weather: episodes of minutes in long files, shorter in short ones; every event class
        // first (shuffled), then any kind, distractors included.
        let weatherEvents: [WeatherKind] = [.heavyRain, .snow, .fog, .mist, .icyRoad]
        var kinds = weatherEvents
        for i in stride(from: kinds.count - 1, to: 0, by: -1) { kinds.swapAt(i, rng.int(0...i)) }
        let episodeLength = max(12, min(240, duration / 12) * (0.25 + 0.75 * min(max(rareRate, 0), 1)))
        var w = rng.uniform(2...6)
        while w + episodeLength < duration - 2 {
            let kind = kinds.isEmpty ? rng.pick(WeatherKind.allCases) : kinds.removeFirst()
            let length = episodeLength * rng.uniform(0.7...1.0)
            weatherEpisodes.append(WeatherEpisode(kind: kind, start: w.rounded(.down), duration: length.rounded(.down),
                                                  p: (0..<4).map { _ in rng.uniform() }))
            // Fair weather between episodes: longer as events get rarer.
            w += length + episodeLength * rng.uniform(0.2...0.8) * (1 + 40 * pow(1 - min(max(rareRate, 0), 1), 3))
        }
    }

    static func length(of kind: SceneKind, _ rng: inout SynthRandom) -> Double {
        switch kind {
        case .hardBrake, .harshAcceleration, .highJerk, .mildBrake: rng.uniform(9...12)
        case .highLateralAccel, .gentleTurn, .swerve: rng.uniform(8...11)
        case .disengagement: rng.uniform(8...10)
        case .lowTTC: rng.uniform(13...16)
        case .cutIn: rng.uniform(10...13)
        case .pedestrianCrossing: rng.uniform(16...20)
        case .vruClose, .sidewalkPedestrian: rng.uniform(10...13)
        case .wrongWay: rng.uniform(9...12)
        case .adjacentTraffic, .safeLead, .cruise: rng.uniform(8...14)
        }
    }

    static func parameters(of kind: SceneKind, _ rng: inout SynthRandom) -> [Double] {
        switch kind {
        case .hardBrake: [rng.uniform(-7.5 ... -4.6), rng.uniform(0.4...1.2)]
        case .harshAcceleration: [rng.uniform(2.8...3.6), rng.uniform(0.8...2.2)]
        case .highLateralAccel: [rng.uniform(3.3...4.4), rng.uniform(0.9...2.4), rng.chance(0.5) ? 1 : -1]
        case .highJerk: [rng.uniform(-3.4 ... -2.4), rng.uniform(6...10)]
        case .swerve: [rng.uniform(0.34...0.45), rng.uniform(1.3...2.0), rng.chance(0.5) ? 1 : -1]
        case .disengagement: [rng.uniform(-2.5 ... -1.2)]
        case .lowTTC: [rng.uniform(-8 ... -5.5), rng.uniform(1.5...3.5)]
        case .cutIn: [rng.uniform(8...15), rng.uniform(-0.8...1.0), rng.uniform(1.6...2.8), rng.chance(0.5) ? 1 : -1]
        case .pedestrianCrossing: [rng.chance(0.5) ? 1 : -1, rng.uniform(1.1...1.7), rng.uniform(6...9), rng.uniform(-6.5 ... -3)]
        case .vruClose: [rng.chance(0.5) ? 1 : -1, rng.uniform(1.1...1.8), rng.chance(0.5) ? 6 : 7, rng.uniform(9.5...14)]
        case .wrongWay: [rng.uniform(8...15), rng.chance(0.5) ? 1 : -1]
        case .mildBrake: [rng.uniform(-3.0 ... -2.0), rng.uniform(0.5...2.0)]
        case .gentleTurn: [rng.uniform(1.5...2.6), rng.uniform(2...5), rng.chance(0.5) ? 1 : -1]
        case .sidewalkPedestrian: [rng.chance(0.5) ? 1 : -1, rng.uniform(3.6...4.6), rng.uniform(8...20)]
        case .adjacentTraffic: [Double(rng.int(1...3)), rng.uniform(-1.5...1.5)]
        case .safeLead: [rng.uniform(32...45), rng.uniform(-0.3...0.3)]
        case .cruise: []
        }
    }

    /// Entry speed a scene wants (the cruise before it steers toward it).
    static func entrySpeed(_ s: Scene) -> Double? {
        switch s.kind {
        case .hardBrake: 26
        case .harshAcceleration: 9
        case .highLateralAccel: 15
        case .highJerk: 17
        case .swerve: 12
        case .lowTTC: 15
        case .cutIn: 20
        case .pedestrianCrossing: 10
        case .vruClose: s.p[3]
        case .wrongWay: 16
        case .mildBrake: 18
        case .gentleTurn: 14
        default: nil
        }
    }

    private mutating func newActor(_ cls: AutowareSchemas.ObjectClass, x: Double, y: Double, vx: Double, vy: Double = 0,
                                   heading: Double = 0) -> Actor {
        let (l, w): (Double, Double) = switch cls {
        case .pedestrian: (0.5, 0.5)
        case .bicycle: (1.8, 0.6)
        case .truck: (9, 2.5)
        case .bus: (12, 2.6)
        default: (4.6, 1.85)
        }
        defer { nextActorID = nextActorID == 250 ? 1 : nextActorID + 1 }
        return Actor(id: nextActorID, cls: cls, x: x, y: y, vx: vx, vy: vy, heading: heading, length: l, width: w)
    }

    /// Advances one tick and returns the new true state.
    mutating func step() -> DrivingTick {
        let n = tick.n + 1
        let t = Double(n) * Self.dt
        while sceneIndex < scenes.count && scenes[sceneIndex].start + scenes[sceneIndex].duration < t {
            sceneIndex += 1
            sceneState = []
            tick.actors.removeAll()
        }
        var aCmd = max(-1.5, min(1.0, (targetSpeed - tick.v) * 0.4))
        var rCmd = 0.03 * sin(t / 23.0) * min(1, 10 / max(tick.v, 1))   // gentle road curvature
        var jerkLimit = Self.jerkLimit
        var yawRateLimit = 4.0 / max(tick.v, 4)     // keeps lateral jerk below 4 m/s³
        if let reengage = reengageAt, t >= reengage { tick.autonomous = true; reengageAt = nil }

        if sceneIndex < scenes.count {
            let s = scenes[sceneIndex]
            let tau = t - s.start
            if tau < 0 {
                if let v = Self.entrySpeed(s), s.start - t < 12 { targetSpeed = v }
            } else {
                (aCmd, rCmd, jerkLimit, yawRateLimit) = control(s, tau: tau, aCmd: aCmd, rCmd: rCmd,
                                                                jerkLimit: jerkLimit, yawRateLimit: yawRateLimit)
            }
        } else {
            targetSpeed = 18
        }
        // Jerk-limited acceleration, rate-limited yaw, speed kept physical: braking is released
        // in time (a ≥ −√(2·j·v)) so the car comes to rest with zero deceleration, as a driver
        // releasing the brake does, instead of a jerk spike at standstill.
        aCmd = max(aCmd, -(2 * jerkLimit * tick.v).squareRoot())
        let oldA = tick.a, oldAy = tick.lateralAccel
        let a = oldA + max(-jerkLimit * Self.dt, min(jerkLimit * Self.dt, aCmd - oldA))
        var r = tick.yawRate + max(-yawRateLimit * Self.dt, min(yawRateLimit * Self.dt, rCmd - tick.yawRate))
        if yawRateLimit > 50 { r = rCmd }
        tick.n = n
        tick.t = t
        tick.a = a
        tick.jerk = (a - oldA) / Self.dt
        tick.v = max(0, tick.v + a * Self.dt)
        tick.yawRate = tick.v < 0.5 ? 0 : r
        tick.lateralJerk = (tick.lateralAccel - oldAy) / Self.dt
        tick.heading += tick.yawRate * Self.dt
        tick.x += tick.v * cos(tick.heading) * Self.dt
        tick.y += tick.v * sin(tick.heading) * Self.dt
        for i in tick.actors.indices {
            tick.actors[i].x += (tick.actors[i].vx - tick.v) * Self.dt
            tick.actors[i].y += tick.actors[i].vy * Self.dt
        }
        tick.actors.removeAll { $0.x < -40 || $0.x > 150 }
        if n % 100 == 0 { updateWeather(t) }
        return tick
    }

    /// Scene scripts: (accel command, yaw-rate command, jerk limit, yaw-rate slew limit).
    private mutating func control(_ s: Scene, tau: Double, aCmd: Double, rCmd: Double, jerkLimit: Double,
                                  yawRateLimit: Double) -> (Double, Double, Double, Double) {
        var a = aCmd, r = rCmd, j = jerkLimit, y = yawRateLimit
        let v = tick.v
        switch s.kind {
        case .hardBrake, .mildBrake:
            let hold = abs(s.p[0]) / Self.jerkLimit + s.p[1]
            if tau < hold { a = s.p[0] } else { targetSpeed = 22 }
        case .harshAcceleration:
            let hold = s.p[0] / Self.jerkLimit + s.p[1]
            if tau < hold { a = s.p[0] } else { targetSpeed = max(v, 12); a = 0 }
        case .highLateralAccel, .gentleTurn:
            let hold = s.p[1] + 1.2
            targetSpeed = v
            r = tau < hold ? s.p[2] * s.p[0] / max(v, 5) : 0
        case .highJerk:
            if tau < 1.0 { a = s.p[0]; j = s.p[1] } else { j = 1.5; a = 0; targetSpeed = v }
        case .swerve:
            let period = s.p[1]
            // On top of the road's own curvature, so the yaw rate stays continuous at both ends.
            if tau < period { r = rCmd + s.p[2] * s.p[0] * sin(2 * .pi * tau / period) }
            y = 100
            targetSpeed = 12
        case .disengagement:
            if tau < 0.01 { tick.autonomous = true }
            if tau >= 1.0 && tick.autonomous {
                tick.autonomous = false
                reengageAt = s.start + s.duration + 4
            }
            if tau >= 1.0 && tau < 2.5 { a = s.p[0] }
        case .lowTTC:
            // A stopped car at the end of a queue; the driver brakes late but just in time.
            if sceneState.isEmpty {
                sceneState = [0]
                tick.actors = [newActor(.car, x: Self.egoFront + 2.3 + 75, y: rng.uniform(-0.3...0.3), vx: 0)]
            }
            if let lead = tick.actors.first {
                let gap = lead.gap(egoFront: Self.egoFront)
                let decel = abs(s.p[0])
                let stopping = v * v / (2 * decel) + v * (decel / 12) / 2
                if sceneState[0] == 0 && gap <= stopping + s.p[1] { sceneState[0] = 1 }
                if sceneState[0] == 1 {
                    j = 12
                    // Brake at the chosen level, harder if the remaining gap asks for it.
                    let need = -(v * v) / (2 * max(gap - 1.0, 0.3))
                    a = v > 0.05 ? max(-9.5, min(-decel, need)) : 0
                    targetSpeed = 0
                } else {
                    targetSpeed = 15
                }
            }
        case .cutIn:
            if sceneState.isEmpty {
                sceneState = [0]
                let side = s.p[3]
                tick.actors = [newActor(.car, x: Self.egoFront + s.p[0] + 2.3, y: side * 3.5, vx: v + s.p[1])]
            }
            if var c = tick.actors.first {
                if tau > 1.0 && abs(c.y) > 0.05 {
                    c.vy = -(c.y > 0 ? 1 : -1) * 3.5 / s.p[2]
                } else { c.vy = 0 }
                tick.actors[0] = c
                targetSpeed = c.vx - s.p[1]   // keep the relative speed the scene started with
                if tau > 1.0 + s.p[2] * 0.6 {
                    // Once it is in, open the gap: brake enough to stop closing 3 m behind it.
                    let gap = c.gap(egoFront: Self.egoFront)
                    let need = v > c.vx ? -((v - c.vx) * (v - c.vx)) / (2 * max(gap - 3, 0.5)) : 0
                    a = max(-6, min(-1.0, need))
                    targetSpeed = c.vx - 1
                }
            }
        case .pedestrianCrossing:
            if sceneState.isEmpty {
                // Place the pedestrian so that the ego, braking at p3, stops p2 metres short of it.
                let stop = v * v / (2 * abs(s.p[3])) + v * abs(s.p[3]) / (2 * Self.jerkLimit)
                let gap = stop + s.p[2]
                sceneState = [0]
                tick.actors = [newActor(.pedestrian, x: Self.egoFront + gap + 0.25, y: s.p[0] * 5.6, vx: 0)]
            }
            if var p = tick.actors.first {
                p.vy = -s.p[0] * s.p[1]
                if abs(p.y) > 7 { p.vy = 0 }
                tick.actors[0] = p
                let crossed = p.y * s.p[0] < -2.2
                if !crossed { a = v > 0.05 ? s.p[3] : 0; targetSpeed = 0 } else { targetSpeed = 10 }
            }
        case .vruClose:
            if sceneState.isEmpty {
                sceneState = [0]
                let cls: AutowareSchemas.ObjectClass = s.p[2] == 6 ? .bicycle : .pedestrian
                let speed = cls == .bicycle ? 4.5 : 1.4
                tick.actors = [newActor(cls, x: 40, y: s.p[0] * s.p[1], vx: speed)]
            }
            targetSpeed = s.p[3]
        case .wrongWay:
            if sceneState.isEmpty {
                sceneState = [0]
                tick.actors = [newActor(.car, x: 90, y: 3.5, vx: -s.p[0], heading: .pi)]
            }
            if tau > 1.5 && tau < 3.5 { a = -1.5 }
        case .sidewalkPedestrian:
            if sceneState.isEmpty {
                sceneState = [0]
                tick.actors = [newActor(.pedestrian, x: Self.egoFront + s.p[2], y: s.p[0] * s.p[1], vx: 1.3)]
                targetSpeed = 9
            }
        case .adjacentTraffic:
            if sceneState.isEmpty {
                sceneState = [0]
                tick.actors = (0..<Int(s.p[0])).map { k in
                    newActor(k == 2 ? .truck : .car, x: 8 + 14 * Double(k), y: k % 2 == 0 ? 3.5 : -3.5, vx: v + s.p[1])
                }
            }
        case .safeLead:
            if sceneState.isEmpty {
                sceneState = [0]
                tick.actors = [newActor(.car, x: Self.egoFront + s.p[0] + 2.3, y: 0.1, vx: v + s.p[1])]
            }
            if let lead = tick.actors.first { targetSpeed = lead.vx }
        case .cruise:
            break
        }
        return (a, r, j, y)
    }

    /// Weather follows its episodes, changing on whole seconds.
    private mutating func updateWeather(_ t: Double) {
        let second = t.rounded()
        var w = Weather()
        w.temperature = 14 + 3 * sin(second / 600)
        for e in weatherEpisodes where second >= e.start && second < e.start + e.duration {
            let into = second - e.start
            switch e.kind {
            case .heavyRain:
                w.precipitation = 8.5 + 14 * e.p[0]
                w.wiper = 3
                w.visibility = 1500 + 1000 * e.p[1]
            case .snow:
                w.temperature = -5 + 5.5 * e.p[0]
                w.precipitation = 0.8 + 3 * e.p[1]
                w.wiper = e.p[2] < 0.5 ? 1 : 2
                w.visibility = 1500 + 2000 * e.p[3]
            case .fog:
                w.visibility = 60 + 130 * e.p[0]
                w.temperature = 6 + 4 * e.p[1]
            case .icyRoad:
                w.temperature = -3 + 5.5 * e.p[0]
                // ABS/ESC activations: a few 2-second pulses through the episode.
                let phase = into.truncatingRemainder(dividingBy: 17 + 10 * e.p[1])
                if phase < 2 { w.abs = true }
                if phase >= 2 && phase < 3 && e.p[2] > 0.5 { w.esc = true }
            case .drizzle:
                w.precipitation = 1.2 + 3 * e.p[0]
                w.wiper = 1
                w.temperature = 9 + 5 * e.p[1]
            case .mist:
                w.visibility = 260 + 640 * e.p[0]
                w.precipitation = 0.3 * e.p[1]
                w.wiper = e.p[1] > 0.5 ? 1 : 0
            case .haze:
                w.visibility = 1300 + 1500 * e.p[0]
            }
        }
        tick.weather = w
    }
}
