import LongtailCore

#if canImport(Glibc)
import Glibc
#endif

/// Applies the rules of EVENTS.md to the true state, tick by tick, producing the ground
/// truth. Streaming: memory does not grow with the file's length.
struct DrivingLabeler {
    let source: String
    let t0: Int64
    let dt = DrivingSimulation.dt
    private(set) var labels: [GroundTruthLabel] = []

    private var hardBrake, harshAccel, lateral, jerk: RunTracker
    private var yawPositive, yawNegative: RunTracker
    private var lastYawRun: (sign: Double, start: Double, end: Double, peak: Double, speed: Double)?
    private var lastSwerve: Int?
    private var heavyRain, snow, fog, lowVisibility, icy: RunTracker
    private var wiperHighSince: Double?
    private var ttc: [UInt8: RunTracker] = [:]
    private var crossing: [UInt8: RunTracker] = [:]
    private var vru: [UInt8: RunTracker] = [:]
    private var wrongWay: [UInt8: RunTracker] = [:]
    private var outsideSince: [UInt8: Double] = [:]
    private var cutInDone: Set<UInt8> = []
    private var wasAutonomous = true

    init(source: String, t0: Int64) {
        self.source = source
        self.t0 = t0
        let d = dt
        hardBrake = RunTracker(minDuration: 0.3, mergeGap: 0.2, step: d)
        harshAccel = RunTracker(minDuration: 0.5, mergeGap: 0.2, step: d)
        lateral = RunTracker(minDuration: 0.5, mergeGap: 0.2, step: d)
        jerk = RunTracker(minDuration: 0.1, mergeGap: 0.3, step: d)
        yawPositive = RunTracker(minDuration: 0.05, mergeGap: 0, step: d)
        yawNegative = RunTracker(minDuration: 0.05, mergeGap: 0, step: d)
        heavyRain = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        snow = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        fog = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        lowVisibility = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        icy = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
    }

    private func ns(_ t: Double) -> Int64 { t0 + Int64((t * 1e9).rounded()) }

    private mutating func emit(_ event: String, _ kind: String, _ start: Double, _ end: Double,
                               _ facts: [(String, GroundTruthLabel.Fact)]) {
        labels.append(GroundTruthLabel(source: source, event: event, kind: kind, startNs: ns(start), endNs: ns(end), facts: facts))
    }

    private mutating func emitRun(_ event: String, _ kind: String, _ run: RunTracker.Run?, step: Double? = nil) {
        guard let r = run else { return }
        emit(event, kind, r.start, r.lastTrue + (step ?? dt), Self.facts(event, r.facts))
    }

    /// A run's accumulated values as label facts: the event's numeric keys, then the
    /// text facts derived from them.
    static func facts(_ event: String, _ f: [String: Double]) -> [(String, GroundTruthLabel.Fact)] {
        var out: [(String, GroundTruthLabel.Fact)] = EventTable.facts(of: event).map { ($0, .number(f[$0]!)) }
        switch event {
        case "low_ttc": out.append(("severity", .text(f["min_ttc_s"]! < 0.95 ? "severe" : "warn")))
        case "vulnerable_road_user_close": out.append(("class", .text(f["cyclist"] == 1 ? "cyclist" : "pedestrian")))
        case "icy_road": out.append(("systems", .text(["abs", "esc", "tcs"].filter { f[$0] != nil }.joined(separator: "+"))))
        default: break
        }
        return out
    }

    mutating func feed(_ s: DrivingTick) {
        let t = s.t
        // Ego. Runs are fed margins, so a rule's minimum duration is held against the time
        // the true signal spent past the threshold (ends placed between ticks), not a count
        // of 10 ms ticks: counting made a 0.495 s run a 0.49 or a 0.50 s label by the ticks'
        // phase, a coin toss for a detector at any other rate.
        emitRun("hard_brake", "ego", hardBrake.feed(t, margin: -4.0 - s.a) { f in
            f.keepMin("peak_decel_mps2", s.a); f.keepFirst("speed_start_mps", s.v); f["speed_end_mps"] = s.v
        })
        emitRun("harsh_acceleration", "ego", harshAccel.feed(t, margin: s.a - 2.5) { f in
            f.keepMax("peak_accel_mps2", s.a); f.keepFirst("speed_start_mps", s.v)
        })
        emitRun("high_lateral_accel", "ego", lateral.feed(t, margin: abs(s.lateralAccel) - 3.0) { f in
            f.keepMax("peak_lateral_accel_mps2", abs(s.lateralAccel)); f.keepFirst("speed_mps", s.v)
        })
        let totalJerk = (s.jerk * s.jerk + s.lateralJerk * s.lateralJerk).squareRoot()
        emitRun("high_jerk", "ego", jerk.feed(t, margin: max(abs(s.jerk) - 4.13, totalJerk - 8.37)) { f in
            f.keepMax("peak_longitudinal_jerk_mps3", abs(s.jerk)); f.keepMax("peak_total_jerk_mps3", totalJerk)
        })
        for (sign, closed) in [(1.0, yawPositive.feed(t, s.yawRate >= 0.3 && s.v >= 8) { f in
                                    f.keepMax("peak", abs(s.yawRate)); f.keepFirst("speed", s.v) }),
                               (-1.0, yawNegative.feed(t, s.yawRate <= -0.3 && s.v >= 8) { f in
                                    f.keepMax("peak", abs(s.yawRate)); f.keepFirst("speed", s.v) })] {
            guard let r = closed else { continue }
            closeYawRun(sign: sign, r)
        }
        if wasAutonomous && !s.autonomous {
            emit("disengagement", "ego", max(0, t - 0.5), t + 1.0,
                 [("speed_mps", .number(s.v)), ("from_mode", .text("autonomous")), ("to_mode", .text("manual"))])
        }
        wasAutonomous = s.autonomous

        // Actors.
        let front = DrivingSimulation.egoFront
        var present: Set<UInt8> = []
        for a in s.actors {
            present.insert(a.id)
            let gap = a.gap(egoFront: front)
            let closing = s.v - a.vx
            let isVehicle = a.cls != .pedestrian && a.cls != .bicycle
            let ttcValue = closing > 0.1 ? gap / closing : .infinity
            let inPath = abs(a.y) < 1.0 && gap > 0
            var tr = ttc[a.id] ?? RunTracker(minDuration: 0.2, mergeGap: 0.2, step: dt)
            emitRun("low_ttc", "actor", tr.feed(t, inPath && ttcValue < 1.5 && s.v > 5) { f in
                f.keepMin("min_ttc_s", ttcValue); f.keepMin("min_gap_m", gap); f.keepMax("closing_speed_mps", closing)
            })
            ttc[a.id] = tr

            // Cut-in: from outside ±1.8 m to inside ±0.375 m, ahead, closer than the RSS distance.
            if abs(a.y) > 1.8 { outsideSince[a.id] = t }
            if isVehicle, abs(a.y) < 0.375, gap > 0, let since = outsideSince[a.id], !cutInDone.contains(a.id) {
                let rss = Self.rssDistance(rear: s.v, front: a.vx)
                if gap < rss {
                    emit("cut_in", "actor", since, t + dt, [("gap_m", .number(gap)), ("rss_distance_m", .number(rss)),
                                                           ("relative_speed_mps", .number(a.vx - s.v))])
                }
                cutInDone.insert(a.id)
            }

            var cr = crossing[a.id] ?? RunTracker(minDuration: 0.5, mergeGap: 0.3, step: dt)
            let crossingNow = a.cls == .pedestrian && gap > 0 && gap <= 10 && abs(a.y) <= 5 && a.y * a.vy < 0 && abs(a.vy) > 0.3
            emitRun("pedestrian_crossing", "actor", cr.feed(t, crossingNow) { f in
                f.keepMin("min_distance_ahead_m", gap); f.keepMax("lateral_speed_mps", abs(a.vy)); f.keepFirst("ego_speed_mps", s.v)
            })
            crossing[a.id] = cr

            var vr = vru[a.id] ?? RunTracker(minDuration: 0.2, mergeGap: 0.3, step: dt)
            let alongside = a.x >= -1.0 && a.x <= front + 5
            emitRun("vulnerable_road_user_close", "actor", vr.feed(t, !isVehicle && abs(a.y) < 2 && alongside && s.v > 8) { f in
                f.keepMin("min_lateral_m", abs(a.y)); f.keepMax("ego_speed_mps", s.v); f.keepFirst("cyclist", a.cls == .bicycle ? 1 : 0)
            })
            vru[a.id] = vr

            var ww = wrongWay[a.id] ?? RunTracker(minDuration: 0.5, mergeGap: 0.3, step: dt)
            let opposite = cos(a.heading) < cos(150 * Double.pi / 180)
            emitRun("wrong_way_actor", "actor", ww.feed(t, isVehicle && opposite && gap > 0 && abs(a.y) < 5.25 && closing > 0) { f in
                f.keepMin("min_gap_m", gap); f.keepMax("closing_speed_mps", closing)
            })
            wrongWay[a.id] = ww
        }
        for id in Array(ttc.keys) where !present.contains(id) { flushActor(id) }

        // Weather, once a second.
        if s.n % 100 == 0 { weatherStep(t.rounded(), s.weather) }
    }

    private mutating func weatherStep(_ second: Double, _ w: Weather) {
        if w.wiper == 3 { wiperHighSince = wiperHighSince ?? second } else { wiperHighSince = nil }
        let wipersLong = (wiperHighSince.map { second - $0 >= 10 }) ?? false
        emitRun("heavy_rain", "weather", heavyRain.feed(second, w.precipitation >= 7.6 || wipersLong) { f in
            f.keepMax("peak_precipitation_mm_h", w.precipitation); f.keepMax("wiper_level", Double(w.wiper))
        }, step: 1)
        emitRun("snow", "weather", snow.feed(second, w.precipitation > 0.2 && w.temperature <= 1) { f in
            f.keepMax("peak_precipitation_mm_h", w.precipitation); f.keepMin("min_temperature_c", w.temperature)
        }, step: 1)
        emitRun("fog", "weather", fog.feed(second, w.visibility < 200) { f in f.keepMin("min_visibility_m", w.visibility) },
                step: 1)
        emitRun("low_visibility", "weather", lowVisibility.feed(second, w.visibility >= 200 && w.visibility < 1000) { f in
            f.keepMin("min_visibility_m", w.visibility)
        }, step: 1)
        emitRun("icy_road", "weather", icy.feed(second, w.temperature <= 3 && (w.abs || w.esc || w.tcs)) { f in
            f.keepMin("min_temperature_c", w.temperature)
            if w.abs { f["abs"] = 1 }
            if w.esc { f["esc"] = 1 }
            if w.tcs { f["tcs"] = 1 }
        }, step: 1)
    }

    private mutating func closeYawRun(sign: Double, _ r: RunTracker.Run) {
        let run = (sign: sign, start: r.start, end: r.lastTrue + dt, peak: r.facts["peak"]!, speed: r.facts["speed"]!)
        if let prev = lastYawRun, prev.sign != sign, run.start - prev.start <= 2.0 {
            let facts: [(String, GroundTruthLabel.Fact)] = [("peak_yaw_rate_rps", .number(max(prev.peak, run.peak))),
                                                             ("speed_mps", .number(prev.speed))]
            if let i = lastSwerve, labels[i].endNs >= ns(prev.start) {
                labels[i].endNs = ns(run.end)
            } else {
                lastSwerve = labels.count
                emit("swerve", "ego", prev.start, run.end, facts)
            }
        }
        lastYawRun = run
    }

    private mutating func flushActor(_ id: UInt8) {
        if var tr = ttc.removeValue(forKey: id) { emitRun("low_ttc", "actor", tr.flush()) }
        if var cr = crossing.removeValue(forKey: id) { emitRun("pedestrian_crossing", "actor", cr.flush()) }
        if var vr = vru.removeValue(forKey: id) { emitRun("vulnerable_road_user_close", "actor", vr.flush()) }
        if var ww = wrongWay.removeValue(forKey: id) { emitRun("wrong_way_actor", "actor", ww.flush()) }
        outsideSince[id] = nil
    }

    /// RSS minimum safe longitudinal distance (ρ = 0.75 s, a_max = 3 m/s², braking 6 m/s²).
    static func rssDistance(rear: Double, front: Double) -> Double {
        let rho = 0.75, aMax = 3.0, b = 6.0
        let d = rear * rho + 0.5 * aMax * rho * rho + pow(rear + rho * aMax, 2) / (2 * b) - front * front / (2 * b)
        return max(0, d)
    }

    /// Closes every open run at the end of the file and returns the labels in time order.
    mutating func finish(at t: Double) -> [GroundTruthLabel] {
        for id in Array(ttc.keys) { flushActor(id) }
        emitRun("hard_brake", "ego", hardBrake.flush())
        emitRun("harsh_acceleration", "ego", harshAccel.flush())
        emitRun("high_lateral_accel", "ego", lateral.flush())
        emitRun("high_jerk", "ego", jerk.flush())
        weatherStep(t.rounded(.down) + 100, Weather())   // clear weather closes any open weather run
        // A total order (not only start and event): actors are tracked in dictionaries, whose
        // iteration order changes from run to run.
        return labels.sorted { ($0.startNs, $0.event, $0.endNs, $0.jsonLine) < ($1.startNs, $1.event, $1.endNs, $1.jsonLine) }
    }
}
