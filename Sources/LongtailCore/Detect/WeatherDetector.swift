/// Weather and road events: heavy rain, snow, fog, low visibility, icy road.
///
/// Weather sensors read small non-zero values when nothing happens (a precipitation sensor's
/// 0.2–0.6 mm/h blips in dry cold air), drop readings and jitter, while weather itself lasts
/// minutes. So each second is summarised (the last reading of each signal, any ABS/ESC/TCS
/// activation in it), each signal is smoothed by a running median over `weather.median_s`
/// seconds (isolated blips and spikes vanish), and each rule has an enter and an exit
/// threshold (hysteresis) and a minimum duration. A second without a reading repeats the
/// last one for up to `weather.hold_s` seconds (reports slower than 1 Hz, dropouts); after
/// that it is unknown and neither starts nor ends a condition. Intervals are reported at the
/// median's centre, so the smoothing does not shift them.
struct WeatherDetector {
    let th: Thresholds
    private var heavyRain, snow, fog, lowVisibility, icy: RunTracker
    private var wiperHighSince: Double?
    /// The second being summarised and what it has seen so far.
    private var second: Double?
    private var summary = Summary()
    /// The last `weather.median_s` seconds' summaries; rules are evaluated at the window's
    /// centre, on the medians and on the centre second's own wiper and activations.
    private var recent: [Summary]
    private var next = 0
    /// Hysteresis states.
    private var raining = false, snowing = false, foggy = false, hazy = false
    private var lastKnown: (precipitation: Double, temperature: Double, visibility: Double) = (-.infinity, -.infinity, -.infinity)
    private let lag: Double, hold: Double
    /// The last reading of each smoothed signal and when it came.
    private var held: (precipitation: (value: Double, at: Double), temperature: (value: Double, at: Double), visibility: (value: Double, at: Double))
        = ((.nan, -.infinity), (.nan, -.infinity), (.nan, -.infinity))

    private struct Summary {
        var precipitation = Double.nan, temperature = Double.nan, visibility = Double.nan, wiper = Double.nan
        var abs = false, esc = false, tcs = false
    }

    /// The median of the finite values, NaN when fewer than half of them are.
    static func median(_ values: [Double]) -> Double {
        let known = values.filter(\.isFinite).sorted()
        guard known.count * 2 >= values.count, !known.isEmpty else { return .nan }
        let m = known.count / 2
        return known.count % 2 == 1 ? known[m] : (known[m - 1] + known[m]) / 2
    }

    init(thresholds th: Thresholds) {
        self.th = th
        func tracker(_ event: String) -> RunTracker { RunTracker(minDuration: th["\(event).min_duration_s"], mergeGap: 2, step: 1) }
        heavyRain = tracker("heavy_rain"); snow = tracker("snow"); fog = tracker("fog")
        lowVisibility = tracker("low_visibility"); icy = tracker("icy_road")
        let size = Int(Swift.max(1, Swift.min(600, th["weather.median_s"].isFinite ? th["weather.median_s"].rounded() : 1)))
        recent = Array(repeating: Summary(), count: size)
        lag = Double(size / 2)
        hold = th["weather.hold_s"]
    }

    private func close(_ name: String, _ run: RunTracker.Run?, _ out: inout EventSink) {
        guard let r = run else { return }
        let f = r.facts
        var facts: [(String, DetectedEvent.Fact)] = EventTable.facts(of: name).map { ($0, .number(f[$0] ?? .nan)) }
        let confidence: Double
        switch name {
        case "heavy_rain":
            confidence = Swift.max(marginConfidence(f["peak_precipitation_mm_h"] ?? 0, threshold: th["heavy_rain.mm_h"], full: 5),
                                   (f["wiper_level"] ?? 0) >= th["wiper.max_level"] ? 0.75 : 0)
        case "snow": confidence = marginConfidence(-(f["min_temperature_c"] ?? 0), threshold: -th["snow.max_temperature_c"], full: 3)
        case "fog": confidence = marginConfidence(-(f["min_visibility_m"] ?? 0), threshold: -th["fog.visibility_m"], full: 100)
        case "low_visibility":
            confidence = marginConfidence(-(f["min_visibility_m"] ?? 0), threshold: -th["low_visibility.visibility_m"], full: 500)
        default:
            facts.append(("systems", .text(["abs", "esc", "tcs"].filter { f[$0] != nil }.joined(separator: "+"))))
            confidence = marginConfidence(-(f["min_temperature_c"] ?? 0), threshold: -th["icy_road.max_temperature_c"], full: 3)
        }
        out.emit(name, "weather", r.start, r.lastTrue + 1, confidence: confidence, facts)
    }

    /// One tick: folded into the current second's summary; a new second evaluates the last.
    mutating func feed(_ t: Double, _ w: DrivingFrame, _ out: inout EventSink) {
        let s = t.rounded(.down)
        if let current = second, s != current { evaluate(current, &out); summary = Summary() }
        second = s
        if !w.precipitation.isNaN { summary.precipitation = Double(w.precipitation) }
        if !w.temperature.isNaN { summary.temperature = Double(w.temperature) }
        if !w.visibility.isNaN { summary.visibility = Double(w.visibility) }
        if !w.wiper.isNaN { summary.wiper = Double(w.wiper) }
        if w.abs >= 0.5 { summary.abs = true }
        if w.esc >= 0.5 { summary.esc = true }
        if w.tcs >= 0.5 { summary.tcs = true }
    }

    /// Hysteresis: on at or past `enter`, off past `exit`, unchanged in between or unknown.
    private static func band(_ on: inout Bool, _ v: Double, enter: (Double) -> Bool, exit: (Double) -> Bool) {
        guard v.isFinite else { return }
        if on { if exit(v) { on = false } } else if enter(v) { on = true }
    }

    /// Feeds one rule: a known condition as it is; an unknown one holds the run open for
    /// `hold` seconds after the last reading, then ends it.
    private func step(_ tracker: inout RunTracker, _ at: Double, known: Bool, holds: Bool, sinceKnown: Double,
                      _ update: (inout [String: Double]) -> Void) -> RunTracker.Run? {
        if known { return tracker.feed(at, holds, update) }
        if sinceKnown > hold || tracker.run == nil { return tracker.feed(at, false, update) }
        return nil
    }

    /// Second `last` is complete: evaluates the rules at the centre of the window ending there.
    private mutating func evaluate(_ last: Double, _ out: inout EventSink) {
        // Weather reports may come slower than once a second (or drop out): a second without
        // a reading repeats the last one for up to `weather.hold_s`.
        var reading = summary
        let limit = hold
        func carry(_ v: inout Double, _ kept: inout (value: Double, at: Double)) {
            if v.isFinite { kept = (v, last) } else if last - kept.at <= limit { v = kept.value }
        }
        carry(&reading.precipitation, &held.precipitation)
        carry(&reading.temperature, &held.temperature)
        carry(&reading.visibility, &held.visibility)
        recent[next] = reading
        next = (next + 1) % recent.count
        let p = Self.median(recent.map(\.precipitation)), temp = Self.median(recent.map(\.temperature))
        let vis = Self.median(recent.map(\.visibility))
        let s = last - lag   // the window's centre: every rule speaks of this second
        let x = recent[(next + recent.count - 1 - Int(lag)) % recent.count]
        if p.isFinite { lastKnown.precipitation = s }
        if temp.isFinite { lastKnown.temperature = s }
        if vis.isFinite { lastKnown.visibility = s }
        let at = s
        let wiper = x.wiper
        if wiper >= th["wiper.max_level"] { wiperHighSince = wiperHighSince ?? s } else if !wiper.isNaN { wiperHighSince = nil }
        let wipersLong = (wiperHighSince.map { s - $0 >= th["heavy_rain.wiper_high_s"] }) ?? false

        Self.band(&raining, p, enter: { $0 >= th["heavy_rain.mm_h"] }, exit: { $0 < th["heavy_rain.exit_mm_h"] })
        let rainKnown = p.isFinite || !wiper.isNaN
        close("heavy_rain", step(&heavyRain, at, known: rainKnown, holds: raining || wipersLong, sinceKnown: s - lastKnown.precipitation) { f in
            if p.isFinite { f.keepMax("peak_precipitation_mm_h", p) }
            if !wiper.isNaN { f.keepMax("wiper_level", wiper) }
        }, &out)

        // Snow: precipitation past the sensor's noise floor while it is cold enough.
        let cold = temp <= th["snow.max_temperature_c"]
        Self.band(&snowing, p, enter: { $0 >= th["snow.mm_h"] }, exit: { $0 < th["snow.exit_mm_h"] })
        close("snow", step(&snow, at, known: p.isFinite && temp.isFinite, holds: snowing && cold,
                           sinceKnown: s - Swift.min(lastKnown.precipitation, lastKnown.temperature)) { f in
            f.keepMax("peak_precipitation_mm_h", p); f.keepMin("min_temperature_c", temp)
        }, &out)

        Self.band(&foggy, vis, enter: { $0 < th["fog.visibility_m"] }, exit: { $0 >= th["fog.exit_visibility_m"] })
        Self.band(&hazy, vis, enter: { $0 < th["low_visibility.visibility_m"] }, exit: { $0 >= th["low_visibility.exit_visibility_m"] })
        let sinceVisibility = s - lastKnown.visibility
        close("fog", step(&fog, at, known: vis.isFinite, holds: foggy, sinceKnown: sinceVisibility) { f in f.keepMin("min_visibility_m", vis) }, &out)
        close("low_visibility", step(&lowVisibility, at, known: vis.isFinite, holds: hazy && !foggy, sinceKnown: sinceVisibility) { f in
            f.keepMin("min_visibility_m", vis)
        }, &out)

        // Icy road: a stability system intervening in the cold (activations are short: any in the second counts).
        let active = x.abs || x.esc || x.tcs
        close("icy_road", step(&icy, s, known: temp.isFinite, holds: temp <= th["icy_road.max_temperature_c"] && active,
                               sinceKnown: s - lastKnown.temperature) { f in
            f.keepMin("min_temperature_c", temp)
            if x.abs { f["abs"] = 1 }
            if x.esc { f["esc"] = 1 }
            if x.tcs { f["tcs"] = 1 }
        }, &out)
    }

    mutating func finish(_ out: inout EventSink) {
        if let current = second {
            evaluate(current, &out)
            // The last seconds become window centres too, their windows ending in no data.
            for k in 0..<Int(lag) { summary = Summary(); evaluate(current + Double(k + 1), &out) }
            second = nil
        }
        close("heavy_rain", heavyRain.flush(), &out)
        close("snow", snow.flush(), &out)
        close("fog", fog.flush(), &out)
        close("low_visibility", lowVisibility.flush(), &out)
        close("icy_road", icy.flush(), &out)
    }
}
