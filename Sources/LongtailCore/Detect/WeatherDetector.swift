/// Weather and road events, evaluated once a second on the held weather report: heavy
/// rain, snow, fog, low visibility, icy road. Runs merge across 2 s gaps.
struct WeatherDetector {
    let th: Thresholds
    private var heavyRain, snow, fog, lowVisibility, icy: RunTracker
    private var wiperHighSince: Double?
    private var lastSecond: Double?

    init(thresholds th: Thresholds) {
        self.th = th
        heavyRain = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        snow = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        fog = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        lowVisibility = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
        icy = RunTracker(minDuration: 1, mergeGap: 2, step: 1)
    }

    private func close(_ name: String, _ run: RunTracker.Run?, _ out: inout EventSink) {
        guard let r = run else { return }
        let f = r.facts
        var facts: [(String, DetectedEvent.Fact)] = EventTable.facts(of: name).map { ($0, .number(f[$0] ?? .nan)) }
        let confidence: Double
        switch name {
        case "heavy_rain":
            confidence = max(marginConfidence(f["peak_precipitation_mm_h"] ?? 0, threshold: th["heavy_rain.mm_h"], full: 5),
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

    mutating func feed(_ t: Double, _ w: DrivingFrame, _ out: inout EventSink) {
        let second = t.rounded(.down)
        guard second != lastSecond else { return }
        lastSecond = second
        let p = Double(w.precipitation), wiper = Double(w.wiper), temp = Double(w.temperature), vis = Double(w.visibility)
        if wiper >= th["wiper.max_level"] { wiperHighSince = wiperHighSince ?? second } else { wiperHighSince = nil }
        let wipersLong = (wiperHighSince.map { second - $0 >= th["heavy_rain.wiper_high_s"] }) ?? false
        let rainRun = heavyRain.feed(second, p >= th["heavy_rain.mm_h"] || wipersLong) { f in
            if !p.isNaN { f.keepMax("peak_precipitation_mm_h", p) }
            if !wiper.isNaN { f.keepMax("wiper_level", wiper) }
        }
        if rainRun != nil { close("heavy_rain", rainRun, &out) }
        let snowRun = snow.feed(second, p > th["snow.mm_h"] && temp <= th["snow.max_temperature_c"]) { f in
            f.keepMax("peak_precipitation_mm_h", p); f.keepMin("min_temperature_c", temp)
        }
        if snowRun != nil { close("snow", snowRun, &out) }
        let fogRun = fog.feed(second, vis < th["fog.visibility_m"]) { f in f.keepMin("min_visibility_m", vis) }
        if fogRun != nil { close("fog", fogRun, &out) }
        let lowVisibilityRun = lowVisibility.feed(second, vis >= th["fog.visibility_m"] && vis < th["low_visibility.visibility_m"]) { f in
            f.keepMin("min_visibility_m", vis)
        }
        if lowVisibilityRun != nil { close("low_visibility", lowVisibilityRun, &out) }
        let active = w.abs >= 0.5 || w.esc >= 0.5 || w.tcs >= 0.5
        let icyRun = icy.feed(second, temp <= th["icy_road.max_temperature_c"] && active) { f in
            f.keepMin("min_temperature_c", temp)
            if w.abs >= 0.5 { f["abs"] = 1 }
            if w.esc >= 0.5 { f["esc"] = 1 }
            if w.tcs >= 0.5 { f["tcs"] = 1 }
        }
        if icyRun != nil { close("icy_road", icyRun, &out) }
    }

    mutating func finish(_ out: inout EventSink) {
        close("heavy_rain", heavyRain.flush(), &out)
        close("snow", snow.flush(), &out)
        close("fog", fog.flush(), &out)
        close("low_visibility", lowVisibility.flush(), &out)
        close("icy_road", icy.flush(), &out)
    }
}
