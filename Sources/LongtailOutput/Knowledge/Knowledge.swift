import LongtailCore
import LongtailScan
import LongtailSupport

/// The knowledge record of an alignment segment: its events with their facts, the measured
/// weather and road context, and a caption built only from those numbers (every number in
/// the caption is a value of the record, rounded the same way).
public enum Knowledge {
    /// A number as the record and the caption both show it: one decimal, two below 1.
    public static func rounded(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let places = abs(x) < 1 ? 100.0 : 10.0
        return (x * places).rounded() / places
    }

    /// A number as captions print it (`rounded`, a typographic minus).
    public static func text(_ x: Double) -> String {
        let r = rounded(x)
        if r == r.rounded() && abs(r) < 1e12 { return String(Int64(r)) }
        var s = String(r)
        if s.hasPrefix("-") { s = "−" + s.dropFirst() }   // typographic minus; parsers read both
        return s
    }

    /// Facts with numbers rounded as captions show them.
    public static func roundedFacts(_ facts: [(String, DetectedEvent.Fact)]) -> [(String, DetectedEvent.Fact)] {
        facts.map { k, v in
            if case .number(let d) = v { return (k, .number(rounded(d))) }
            return (k, v)
        }
    }

    /// One sentence for an event, from its facts (nil facts are left out).
    public static func sentence(_ e: DetectedEvent) -> String {
        var num: [String: Double] = [:], txt: [String: String] = [:]
        for (k, v) in e.facts {
            switch v { case .number(let d): num[k] = d; case .text(let s): txt[k] = s }
        }
        func n(_ k: String, _ unit: String) -> String? { num[k].map { text($0) + (unit.isEmpty ? "" : " " + unit) } }
        func join(_ head: String, _ parts: [String?]) -> String {
            let p = parts.compactMap { $0 }
            return p.isEmpty ? head : head + " " + p.joined(separator: " ")
        }
        switch e.name {
        case "hard_brake":
            return join("The vehicle braked", [n("peak_decel_mps2", "m/s²").map { "at " + $0 }, n("speed_start_mps", "m/s").map { "from " + $0 },
                                               n("speed_end_mps", "m/s").map { "to " + $0 }])
        case "harsh_acceleration":
            return join("The vehicle accelerated hard", [n("peak_accel_mps2", "m/s²").map { "at " + $0 }, n("speed_start_mps", "m/s").map { "from " + $0 }])
        case "high_lateral_accel":
            return join("The vehicle cornered", [n("peak_lateral_accel_mps2", "m/s²").map { "at " + $0 + " lateral" }, n("speed_mps", "m/s").map { "at " + $0 }])
        case "high_jerk":
            return join("The vehicle jerked", [n("peak_longitudinal_jerk_mps3", "m/s³").map { "at " + $0 + " longitudinally" },
                                               n("peak_total_jerk_mps3", "m/s³").map { "(" + $0 + " in all)" }])
        case "swerve":
            return join("The vehicle swerved", [n("peak_yaw_rate_rps", "rad/s").map { "at a yaw rate of " + $0 }, n("speed_mps", "m/s").map { "at " + $0 }])
        case "disengagement":
            return join("The driver took over", [txt["from_mode"].map { "from \($0)" }, txt["to_mode"].map { "to \($0) mode" },
                                                 n("speed_mps", "m/s").map { "at " + $0 }])
        case "low_ttc":
            return join("A vehicle ahead came within", [n("min_ttc_s", "s").map { $0 + " of collision" }, n("min_gap_m", "m").map { "at a gap of " + $0 },
                                                        n("closing_speed_mps", "m/s").map { "closing at " + $0 }])
        case "cut_in":
            return join("A vehicle cut in", [n("gap_m", "m").map { $0 + " ahead" }, n("rss_distance_m", "m").map { "inside the safe distance of " + $0 }])
        case "pedestrian_crossing":
            return join("A pedestrian crossed", [n("min_distance_ahead_m", "m").map { $0 + " ahead" }, n("lateral_speed_mps", "m/s").map { "at " + $0 },
                                                 n("ego_speed_mps", "m/s").map { "while the vehicle drove at " + $0 }])
        case "vulnerable_road_user_close":
            return join("A \(txt["class"] ?? "vulnerable road user") passed close", [n("min_lateral_m", "m").map { "at " + $0 + " to the side" },
                                                                                   n("ego_speed_mps", "m/s").map { "with the vehicle at " + $0 }])
        case "wrong_way_actor":
            return join("A vehicle came the wrong way", [n("min_gap_m", "m").map { "to within " + $0 }, n("closing_speed_mps", "m/s").map { "closing at " + $0 }])
        case "heavy_rain":
            return join("Heavy rain", [n("peak_precipitation_mm_h", "mm/h").map { "of " + $0 }, n("wiper_level", "").map { "with wipers at level " + $0 }])
        case "snow":
            return join("Snow", [n("peak_precipitation_mm_h", "mm/h").map { "of " + $0 }, n("min_temperature_c", "°C").map { "at " + $0 }])
        case "fog":
            return join("Fog", [n("min_visibility_m", "m").map { "with visibility down to " + $0 }])
        case "low_visibility":
            return join("Low visibility", [n("min_visibility_m", "m").map { "down to " + $0 }])
        case "icy_road":
            return join("Icy road", [n("min_temperature_c", "°C").map { "at " + $0 }, txt["systems"].map { "with \($0) intervening" }])
        case "insert" where txt["outcome"] == "jammed":
            return join("An insertion jammed", [n("peak_axial_force_n", "N").map { "at up to " + $0 },
                                                n("insertion_depth_mm", "mm").map { "after " + $0 + " of advance" }])
        case "insert" where txt["outcome"] == "aborted":
            return join("An insertion was aborted", [n("duration_s", "s").map { "after " + $0 + " of contact" },
                                                     n("peak_axial_force_n", "N").map { "at up to " + $0 }])
        case "insert":
            return join(num["click_drop_n"] != nil ? "The robot snapped a part home" : "The robot inserted a part",
                        [n("insertion_depth_mm", "mm").map { $0 + " deep" }, n("peak_axial_force_n", "N").map { "with up to " + $0 },
                         n("duration_s", "s").map { "over " + $0 }])
        case "extract":
            return join("The robot extracted a part", [n("extraction_distance_mm", "mm").map { "by " + $0 }, n("peak_tensile_force_n", "N").map { "pulling up to " + $0 },
                                                       n("breakaway_drop_n", "N").map { "with a breakaway drop of " + $0 }])
        case "pull":
            return join("The robot pulled", [n("distance_mm", "mm").map { $0 }, n("mean_opposing_force_n", "N").map { "against " + $0 }])
        case "push":
            return join("The robot pushed", [n("distance_mm", "mm").map { $0 }, n("mean_force_n", "N").map { "with " + $0 }])
        case "twist":
            return join("The robot twisted", [n("rotation_deg", "°").map { $0 }, n("peak_torque_nm", "N·m").map { "with up to " + $0 }])
        case "contact_spike":
            return join("A contact spike", [n("peak_force_n", "N").map { "of " + $0 }])
        default:
            let parts = e.facts.compactMap { k, v -> String? in
                if case .number(let d) = v { return "\(k) \(text(d))" } else if case .text(let s) = v { return "\(k) \(s)" }
                return nil
            }
            return join(e.name.replacingOccurrences(of: "_", with: " ").capitalizedFirst, [parts.isEmpty ? nil : "(" + parts.joined(separator: ", ") + ")"])
        }
    }

    /// The measured context of a segment: (name, value) pairs from its features, rounded.
    public static func context(features: [String], values: [Double], domain: Profile.Domain) -> [(String, Double)] {
        let wanted: [(String, String)] = domain == .driving ? [
            ("speed.mean", "mean_speed_mps"), ("speed.min", "min_speed_mps"),
            ("precipitation_mm_h.max", "precipitation_mm_h"), ("wiper_level.max", "wiper_level"),
            ("visibility_m.min", "visibility_m"), ("ambient_temperature_c.min", "temperature_c"),
        ] : [("force.z.min", "min_force_z_n"), ("force.z.max", "max_force_z_n"), ("gripper.min", "gripper_min")]
        return wanted.compactMap { f, name in
            guard let i = features.firstIndex(of: f), values[i].isFinite else { return nil }
            return (name, rounded(values[i]))
        }
    }

    /// The caption: one sentence per event, then the weather when it was not fair.
    public static func caption(events: [DetectedEvent], context: [(String, Double)]) -> String {
        var sentences = events.map { sentence(DetectedEvent(name: $0.name, kind: $0.kind, startNs: $0.startNs, endNs: $0.endNs,
                                                            confidence: $0.confidence, facts: roundedFacts($0.facts))) }
        let c = Dictionary(context, uniquingKeysWith: { a, _ in a })
        // Weather the events have not already told.
        let named = Set(events.map(\.name))
        let rain = !named.isDisjoint(with: ["heavy_rain", "snow"]), fog = !named.isDisjoint(with: ["fog", "low_visibility"])
        let cold = !named.isDisjoint(with: ["snow", "icy_road"])
        var weather: [String] = []
        if !rain, let p = c["precipitation_mm_h"], p >= 0.5 { weather.append("precipitation \(text(p)) mm/h") }
        if !rain, let w = c["wiper_level"], w >= 1 { weather.append("wipers at level \(text(w))") }
        if !fog, let v = c["visibility_m"], v < 1000 { weather.append("visibility \(text(v)) m") }
        if !cold, let t = c["temperature_c"], t <= 3 { weather.append("\(text(t)) °C") }
        if !weather.isEmpty { sentences.append("Weather: " + weather.joined(separator: ", ")) }
        if sentences.isEmpty {
            if let s = c["mean_speed_mps"] { return "No named event; a rare pattern of signals at a mean speed of \(text(s)) m/s." }
            return "No named event; a rare pattern of signals."
        }
        return sentences.joined(separator: ". ") + "."
    }

    /// The record's instruction, naming what its response describes: the segment's events
    /// in order of first occurrence, or, for a segment without one, how rare it is.
    static func instruction(events: [DetectedEvent], percentile: Double, domain: Profile.Domain) -> String {
        let what = domain == .driving ? "driving" : "manipulation"
        var names: [String] = []
        for e in events where !names.contains(e.name) { names.append(e.name) }
        let spoken = names.map { $0.replacingOccurrences(of: "_", with: " ") }
        guard let last = spoken.last else {
            let top = max(0.1, ((1 - percentile) * 1000).rounded() / 10)
            return "This \(what) segment is among the rarest \(Formatting.fixed(top, 1)) % of its archive without a named event: describe what its signals show."
        }
        let list = spoken.count == 1 ? last : spoken.dropLast().joined(separator: ", ") + " and " + last
        return "Describe the \(list) in this \(what) segment: what happened, the measured values, and why it is rare."
    }

    /// Units by the suffix of a fact's or context value's name (`peak_decel_mps2`: m/s²).
    static let units: [(String, String)] = [("_mps3", "m/s³"), ("_mps2", "m/s²"), ("_mps", "m/s"), ("_rps", "rad/s"), ("_mm_h", "mm/h"),
                                            ("_mm", "mm"), ("_m", "m"), ("_nm", "N·m"), ("_n", "N"), ("_deg", "°"), ("_s", "s"), ("_c", "°C")]

    /// The unit a name's suffix says ("" when it says none).
    public static func unit(of name: String) -> String { units.first { name.hasSuffix($0.0) }?.1 ?? "" }

    /// Facts (or context values) as a list of `{"name", "value", "text", "unit"}` objects:
    /// one shape for every event and domain, so records of a driving and a robot scan load
    /// into one table (a JSON object per event kind gave each kind its own struct type).
    /// `value` is the number (null for a text fact or a non-finite number), `text` the text
    /// ("" for a number).
    static func measurements(_ items: [(String, DetectedEvent.Fact)], into j: inout JSONText) {
        j.raw("[")
        for (i, (name, v)) in items.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(name); j.key("value")
            switch v {
            case .number(let d): if d.isFinite { j.double(d) } else { j.raw("null") }; j.key("text"); j.string("")
            case .text(let t): j.raw("null"); j.key("text"); j.string(t)
            }
            j.key("unit"); j.string(unit(of: name)); j.raw("}")
        }
        j.raw("]")
    }

    /// One knowledge record as a JSON line.
    static func record(id: String, source: String, segment seg: SegmentRecord, rarity: SegmentRarity,
                       events: [DetectedEvent], features: [String], domain: Profile.Domain) -> String {
        let context = Self.context(features: features, values: seg.features, domain: domain)
        let caption = Self.caption(events: events, context: context)
        var j = JSONText()
        j.raw("{"); j.key("id", first: true); j.string(id); j.key("source"); j.string(source)
        j.key("start_ns"); j.raw(String(seg.startNs)); j.key("end_ns"); j.raw(String(seg.endNs))
        j.key("rarity"); j.double((rarity.score * 1e6).rounded() / 1e6); j.key("percentile"); j.double(rarity.percentile)
        j.key("events"); j.raw("[")
        for (i, e) in events.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(e.name); j.key("kind"); j.string(e.kind)
            j.key("confidence"); j.double((e.confidence * 1000).rounded() / 1000)
            j.key("start_ns"); j.raw(String(e.startNs)); j.key("end_ns"); j.raw(String(e.endNs))
            j.key("facts"); measurements(roundedFacts(e.facts), into: &j); j.raw("}")
        }
        j.raw("]"); j.key("context"); measurements(context.map { ($0.0, .number($0.1)) }, into: &j)
        j.key("caption"); j.string(caption)
        j.key("instruction"); j.string(instruction(events: events, percentile: rarity.percentile, domain: domain))
        j.key("response"); j.string(caption)
        j.raw("}")
        return j.text
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
