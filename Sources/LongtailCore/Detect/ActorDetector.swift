#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Other-actor events from tracked object lists: low TTC, cut-in, pedestrian crossing,
/// vulnerable road user close, wrong-way actor. Each list is evaluated at its own time
/// against the ego speed. The gap to an actor is its centre x minus the distance from the
/// ego's reference point to its front bumper minus half the actor's length.
///
/// Tracks jitter (position by 0.1–0.3 m, velocity by 0.2 m/s), so the rules read each
/// track through a filter with time constant `actor.smooth_s` (`Smoothed`; the ego speed,
/// from precise wheel speeds, as measured), keep a band until the value leaves it by a margin
/// (hysteresis), and need each condition to hold for the rule's minimum time.
struct ActorDetector {
    let th: Thresholds
    /// What is tracked per actor: one run per rule, since when it was outside the cut-in
    /// band, its filtered kinematics and its band states.
    private struct ActorState {
        var ttc, crossing, vru, wrongWay: RunTracker
        var outsideSince: Double?
        var smooth: Smoothed?
        var inPath = false, ttcLow = false
    }
    /// An actor's filtered position and ground velocity, and when they were last updated.
    ///
    /// Positions go through an alpha-beta filter: a constant-velocity prediction (the
    /// position's own rate of change in the ego frame, `rx`/`ry`) corrected by a share of
    /// each new measurement. A plain average lags a moving track by τ × its speed (0.45 m
    /// for a pedestrian crossing at 1.5 m/s with τ = 0.3 s) and so shifted every interval;
    /// the prediction removes that lag for steady motion. The rate is kept as the actor's own
    /// (ground) motion along x, `gx`, and the ego's measured speed is taken off it at each
    /// prediction: when the ego brakes at 6 m/s², a parked car or a pedestrian ahead
    /// decelerates by as much in the ego frame, and a filter that had to learn that from
    /// positions alone ran 0.6 m ahead of the track as the ego stopped (a pedestrian 10.5 m
    /// ahead read 9.9 m). Ground velocities, which change slowly, take the first-order filter.
    struct Smoothed {
        var t: Double, x: Double, y: Double, vx: Double, vy: Double
        /// The position's rate: along x the actor's own (the ego's speed is added back at
        /// each prediction), along y in the ego frame.
        var gx: Double, ry: Double
        /// The ego speed at the last update (NaN while unknown: the rate is then relative).
        var ego: Double

        /// A new track: the position's rate starts at the actor's velocity relative to the
        /// ego (ground velocity minus ego speed along x), or at rest when the ego speed is unknown.
        init(t: Double, _ a: ActorObservation, egoSpeed: Double) {
            self.t = t; x = a.x; y = a.y; vx = a.vx; vy = a.vy
            ego = egoSpeed
            let known = egoSpeed.isFinite ? egoSpeed : 0
            gx = (a.vx - egoSpeed).isFinite ? a.vx - egoSpeed + known : known
            ry = a.vy.isFinite ? a.vy : 0
        }

        /// Moves toward `a` by the filter's weight `k` (alpha) for the time since the last
        /// update; a track unseen for over a second restarts from its new sample.
        mutating func update(_ now: Double, _ a: ActorObservation, gain k: Double, egoSpeed: Double) {
            let dt = now - t
            guard dt > 0 else { return }
            guard dt <= 1, k < 1, x.isFinite, y.isFinite else { self = Smoothed(t: now, a, egoSpeed: egoSpeed); return }
            // Kalata's beta for a given alpha (a critically damped alpha-beta filter).
            let beta = 2 * (2 - k) - 4 * (1 - k).squareRoot()
            let speed = egoSpeed.isFinite ? egoSpeed : ego
            // The ego speed becoming known: the relative rate stays what it was.
            if !ego.isFinite && speed.isFinite { gx += speed }
            let before = ego.isFinite ? ego : speed.isFinite ? speed : 0, after = speed.isFinite ? speed : 0
            // The ego's mean speed over the step (its own distance, taken off the actor's).
            let px = x + (gx - (before + after) / 2) * dt, py = y + ry * dt
            let ex = a.x - px, ey = a.y - py
            x = px + k * ex; y = py + k * ey
            gx += beta / dt * ex; ry += beta / dt * ey
            ego = speed
            vx += k * (a.vx - vx); vy += k * (a.vy - vy)
            t = now
        }
    }
    private var states: [Int: ActorState] = [:]
    /// Actors that have cut in already (kept after they leave, as the labeler does).
    private var cutInDone: Set<Int> = []
    /// The ids of the list being evaluated (reused between lists).
    private var present: [Int] = []
    private var lastTime: Double?
    /// The list period, learnt from the data (the smallest spacing seen).
    private var period = 0.1

    /// The thresholds this detector reads per actor, looked up once (a string-keyed lookup
    /// per actor and rule cost more than the rules).
    private let front, inPath, warn, minSpeed, outside, inside, rho, aMax, brake: Double
    private let crossAhead, crossLateral, crossSpeed, vruBehind, vruAhead, vruLateral, vruSpeed, oppositeCos, wrongLateral: Double
    private let tau, inPathExit, warnExit, axleToFront: Double

    init(thresholds th: Thresholds) {
        self.th = th
        front = th["ego.front_m"]; inPath = th["low_ttc.in_path_m"]; warn = th["low_ttc.warn_s"]; minSpeed = th["low_ttc.min_speed_mps"]
        outside = th["cut_in.outside_m"]; inside = th["cut_in.inside_m"]
        rho = th["cut_in.rss_rho_s"]; aMax = th["cut_in.rss_accel_mps2"]; brake = th["cut_in.rss_brake_mps2"]
        crossAhead = th["pedestrian_crossing.ahead_m"]; crossLateral = th["pedestrian_crossing.lateral_m"]
        crossSpeed = th["pedestrian_crossing.min_lateral_speed_mps"]
        vruBehind = th["vulnerable_road_user_close.behind_m"]; vruAhead = th["vulnerable_road_user_close.ahead_m"]
        vruLateral = th["vulnerable_road_user_close.lateral_m"]; vruSpeed = th["vulnerable_road_user_close.min_speed_mps"]
        oppositeCos = cos(th["wrong_way_actor.heading_deg"] * Double.pi / 180); wrongLateral = th["wrong_way_actor.lateral_m"]
        axleToFront = th["ego.axle_to_front_m"]
        tau = th["actor.smooth_s"]; inPathExit = th["low_ttc.in_path_exit_m"]; warnExit = th["low_ttc.exit_s"]
    }

    /// RSS minimum safe longitudinal distance.
    static func rssDistance(rear: Double, front: Double, rho: Double, aMax: Double, brake: Double) -> Double {
        let d = rear * rho + 0.5 * aMax * rho * rho + pow(rear + rho * aMax, 2) / (2 * brake) - front * front / (2 * brake)
        return max(0, d)
    }

    /// Each rule's minimum duration (s).
    static let minDurations = ["low_ttc": 0.3, "pedestrian_crossing": 0.5, "vulnerable_road_user_close": 0.3, "wrong_way_actor": 0.5]

    private func tracker(_ minDuration: Double, _ gap: Double) -> RunTracker {
        RunTracker(minDuration: minDuration, mergeGap: max(gap, 2.5 * period), step: period)
    }

    /// Emits the event of a closed run with its facts, derived text facts and confidence:
    /// the smallest of its margins past the rule's bands and its persistence past the
    /// rule's minimum time (a crossing 9.9 m ahead against a 10 m band is not sure).
    private func close(_ name: String, _ run: RunTracker.Run?, _ out: inout EventSink) {
        guard let r = run else { return }
        let f = r.facts
        var facts: [(String, DetectedEvent.Fact)] = EventTable.facts(of: name).map { ($0, .number(f[$0]!)) }
        let confidence: Double
        switch name {
        case "low_ttc":
            let warn = th["low_ttc.warn_s"], severe = th["low_ttc.severe_s"], m = f["min_ttc_s"]!
            facts.append(("severity", .text(m < severe ? "severe" : "warn")))
            confidence = m < severe ? 1 : marginConfidence(-m, threshold: -warn, full: warn - severe)
        case "pedestrian_crossing":
            confidence = min(marginConfidence(f["lateral_speed_mps"]!, threshold: th["pedestrian_crossing.min_lateral_speed_mps"], full: 0.7),
                             marginConfidence(-f["min_distance_ahead_m"]!, threshold: -crossAhead, full: 2))
        case "vulnerable_road_user_close":
            facts.append(("class", .text(f["cyclist"] == 1 ? "cyclist" : "pedestrian")))
            // Both bands: a cyclist 1.2 m away with the ego at 8.04 m/s against 8 m/s is not sure.
            confidence = min(marginConfidence(-f["min_lateral_m"]!, threshold: -th["vulnerable_road_user_close.lateral_m"], full: 1),
                             marginConfidence(f["ego_speed_mps"]!, threshold: vruSpeed, full: 2))
        default:
            confidence = marginConfidence(f["closing_speed_mps"]!, threshold: 0, full: 10)
        }
        let minimum = Self.minDurations[name] ?? 0
        let persistence = persistenceConfidence(r.length(step: period), minimum: minimum, full: max(minimum, 0.2))
        out.emit(name, "actor", r.start, r.lastTrue + period, confidence: min(confidence, persistence), facts)
    }

    /// The filter's gain for a step of `dt` seconds, 1 − e^(−dt/τ) (1: no filtering). Lists
    /// come at a steady rate, so the last value is kept: one `exp` per rate change, not per actor.
    private var gainCache: (dt: Double, k: Double) = (.nan, 1)
    private mutating func gain(_ step: Double) -> Double {
        let dt = (step * 1e6).rounded() / 1e6   // to the microsecond: list times jitter in the last bits
        if dt == gainCache.dt { return gainCache.k }
        let k = tau > 0 ? 1 - exp(-dt / tau) : 1
        gainCache = (dt, k)
        return k
    }

    /// One list at time `t`. `v` is the ego speed as measured (the last known one, kept by
    /// `DrivingDetector`): wheel speeds are precise, and a filter's lag while the ego brakes
    /// (1.8 m/s at −6 m/s² over 0.3 s) would shorten every TTC.
    mutating func feed(_ t: Double, egoSpeed v: Double, _ actors: [ActorObservation], _ out: inout EventSink) {
        if let last = lastTime, t - last > 0.005 { period = min(period, max(0.01, t - last)) }
        lastTime = t
        present.removeAll(keepingCapacity: true)   // lists are short: a linear search beats hashing
        for raw in actors {
            present.append(raw.id)
            let d = Self.minDurations
            var st = states[raw.id] ?? ActorState(ttc: tracker(d["low_ttc"]!, 0.2), crossing: tracker(d["pedestrian_crossing"]!, 0.3),
                                                  vru: tracker(d["vulnerable_road_user_close"]!, 0.3),
                                                  wrongWay: tracker(d["wrong_way_actor"]!, 0.3), outsideSince: nil)
            // The rules read the filtered track; the cut-in, a one-off crossing of wide bands, reads the raw one.
            if let old = st.smooth { st.smooth!.update(t, raw, gain: gain(t - old.t), egoSpeed: v) } else {
                st.smooth = Smoothed(t: t, raw, egoSpeed: v)
            }
            let s = st.smooth!
            var a = raw
            a.x = s.x; a.y = s.y; a.vx = s.vx; a.vy = s.vy
            let gap = a.x - front - a.length / 2
            let closing = v - a.vx
            let ttcValue = closing > 0.1 ? gap / closing : .infinity
            st.inPath = gap > 0 && abs(a.y) < (st.inPath ? inPathExit : self.inPath)
            st.ttcLow = ttcValue < (st.ttcLow ? warnExit : warn)
            let inPath = st.inPath
            let ttcRun = st.ttc.feed(t, inPath && st.ttcLow && v > minSpeed) { f in
                f.keepMin("min_ttc_s", ttcValue); f.keepMin("min_gap_m", gap); f.keepMax("closing_speed_mps", closing)
            }
            if ttcRun != nil { close("low_ttc", ttcRun, &out) }

            // Cut-in: from outside ±outside_m to inside ±inside_m, ahead, closer than the RSS distance.
            if abs(raw.y) > outside { st.outsideSince = t }
            let rawGap = raw.x - front - raw.length / 2
            if raw.cls.isVehicle, abs(raw.y) < inside, rawGap > 0, let since = st.outsideSince, !cutInDone.contains(raw.id) {
                let rss = Self.rssDistance(rear: v, front: raw.vx, rho: rho, aMax: aMax, brake: brake)
                if rawGap < rss {
                    out.emit("cut_in", "actor", since, t + period, confidence: marginConfidence(rss - rawGap, threshold: 0, full: 5),
                             [("gap_m", .number(rawGap)), ("rss_distance_m", .number(rss)), ("relative_speed_mps", .number(raw.vx - (v)))])
                }
                cutInDone.insert(raw.id)
            }

            let crossingNow = a.cls == .pedestrian && gap > 0 && gap <= crossAhead
                && abs(a.y) <= crossLateral && a.y * a.vy < 0 && abs(a.vy) > crossSpeed
            let crossingRun = st.crossing.feed(t, crossingNow) { f in
                f.keepMin("min_distance_ahead_m", gap); f.keepMax("lateral_speed_mps", abs(a.vy)); f.keepFirst("ego_speed_mps", v)
            }
            if crossingRun != nil { close("pedestrian_crossing", crossingRun, &out) }

            // Alongside: from `behind_m` behind the rear axle to `ahead_m` past the front
            // bumper, measured from the bumper so that any reference point (`ego.front_m`)
            // gives the same band: the car's own length (`ego.axle_to_front_m`) does not move.
            let fromFront = a.x - front
            let alongside = fromFront >= -(axleToFront + vruBehind) && fromFront <= vruAhead
            let vruRun = st.vru.feed(t, a.cls.isVulnerable && abs(a.y) < vruLateral && alongside && v > vruSpeed) { f in
                f.keepMin("min_lateral_m", abs(a.y)); f.keepMax("ego_speed_mps", v); f.keepFirst("cyclist", a.cls == .cyclist ? 1 : 0)
            }
            if vruRun != nil { close("vulnerable_road_user_close", vruRun, &out) }

            let heading = a.resolvedHeading
            let opposite = heading.isFinite && cos(heading) < oppositeCos
            let wrongWayRun = st.wrongWay.feed(t, a.cls.isVehicle && opposite && gap > 0 && abs(a.y) < wrongLateral && closing > 0) { f in
                f.keepMin("min_gap_m", gap); f.keepMax("closing_speed_mps", closing)
            }
            if wrongWayRun != nil { close("wrong_way_actor", wrongWayRun, &out) }
            states[a.id] = st
        }
        if states.count > present.count || states.keys.contains(where: { !present.contains($0) }) {
            for id in states.keys.sorted() where !present.contains(id) { flush(id, &out) }
        }
    }

    /// An actor that left the list: its open runs end where it was last seen.
    private mutating func flush(_ id: Int, _ out: inout EventSink) {
        guard var st = states.removeValue(forKey: id) else { return }
        close("low_ttc", st.ttc.flush(), &out)
        close("pedestrian_crossing", st.crossing.flush(), &out)
        close("vulnerable_road_user_close", st.vru.flush(), &out)
        close("wrong_way_actor", st.wrongWay.flush(), &out)
    }

    mutating func finish(_ out: inout EventSink) {
        for id in states.keys.sorted() { flush(id, &out) }
    }
}
