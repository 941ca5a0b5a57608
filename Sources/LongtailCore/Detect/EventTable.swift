/// The one table of Longtail's named events (EVENTS.md): each event's name, kind, domain,
/// the canonical signals it needs, the facts it reports and its thresholds with their
/// defaults. Detectors, the synth labeler, the catalog, `--dry-run` and `eval` all read
/// it; nothing else lists events.
public enum EventTable {
    /// Which scans an event belongs to.
    public enum Domain: String, Sendable, CaseIterable, Codable { case driving, robot }

    /// One named event.
    public struct Spec: Sendable {
        public let name: String
        /// `ego`, `actor`, `weather` or `manipulation`.
        public let kind: String
        public let domain: Domain
        /// Canonical signals the event needs; `a|b` means either will do (`actors` is the
        /// tracked-object list).
        public let requires: [String]
        /// The numeric facts a detection reports, in record order (text facts such as
        /// `severity` follow them).
        public let facts: [String]
        /// Thresholds (`name.key`) with their EVENTS.md defaults; profiles override them by name.
        public let thresholds: [(String, Double)]
    }

    /// Every event, in EVENTS.md order.
    public static let all: [Spec] = [
        // Ego motion.
        Spec(name: "hard_brake", kind: "ego", domain: .driving, requires: ["accel.x", "speed"],
             facts: ["peak_decel_mps2", "speed_start_mps", "speed_end_mps"],
             thresholds: [("hard_brake.accel_mps2", -4.0), ("hard_brake.min_duration_s", 0.3)]),
        Spec(name: "harsh_acceleration", kind: "ego", domain: .driving, requires: ["accel.x", "speed"],
             facts: ["peak_accel_mps2", "speed_start_mps"],
             thresholds: [("harsh_acceleration.accel_mps2", 2.5), ("harsh_acceleration.min_duration_s", 0.5)]),
        Spec(name: "high_lateral_accel", kind: "ego", domain: .driving, requires: ["accel.y", "speed", "yaw_rate"],
             facts: ["peak_lateral_accel_mps2", "speed_mps"],
             thresholds: [("high_lateral_accel.accel_mps2", 3.0), ("high_lateral_accel.min_duration_s", 0.5)]),
        Spec(name: "high_jerk", kind: "ego", domain: .driving, requires: ["accel.x", "accel.y"],
             facts: ["peak_longitudinal_jerk_mps3", "peak_total_jerk_mps3"],
             thresholds: [("high_jerk.longitudinal_mps3", 4.13), ("high_jerk.total_mps3", 8.37), ("high_jerk.min_duration_s", 0.1),
                          ("high_jerk.window_s", 0.45)]),
        Spec(name: "swerve", kind: "ego", domain: .driving, requires: ["yaw_rate", "speed"], facts: ["peak_yaw_rate_rps", "speed_mps"],
             thresholds: [("swerve.yaw_rate_rps", 0.3), ("swerve.reversal_s", 2.0), ("swerve.min_speed_mps", 8)]),
        Spec(name: "disengagement", kind: "ego", domain: .driving, requires: ["autonomy"], facts: ["speed_mps"],
             thresholds: [("disengagement.before_s", 0.5), ("disengagement.after_s", 1.0)]),
        // Other road users.
        Spec(name: "low_ttc", kind: "actor", domain: .driving, requires: ["actors", "speed"],
             facts: ["min_ttc_s", "min_gap_m", "closing_speed_mps"],
             thresholds: [("low_ttc.warn_s", 1.5), ("low_ttc.exit_s", 1.6), ("low_ttc.severe_s", 0.95), ("low_ttc.min_speed_mps", 5),
                          ("low_ttc.in_path_m", 1.0), ("low_ttc.in_path_exit_m", 1.2)]),
        Spec(name: "cut_in", kind: "actor", domain: .driving, requires: ["actors", "speed"],
             facts: ["gap_m", "rss_distance_m", "relative_speed_mps"],
             thresholds: [("cut_in.outside_m", 1.8), ("cut_in.inside_m", 0.375), ("cut_in.rss_rho_s", 0.75), ("cut_in.rss_accel_mps2", 3),
                          ("cut_in.rss_brake_mps2", 6)]),
        Spec(name: "pedestrian_crossing", kind: "actor", domain: .driving, requires: ["actors", "speed"],
             facts: ["min_distance_ahead_m", "lateral_speed_mps", "ego_speed_mps"],
             thresholds: [("pedestrian_crossing.ahead_m", 10), ("pedestrian_crossing.lateral_m", 5),
                          ("pedestrian_crossing.min_lateral_speed_mps", 0.3)]),
        Spec(name: "vulnerable_road_user_close", kind: "actor", domain: .driving, requires: ["actors", "speed"],
             facts: ["min_lateral_m", "ego_speed_mps"],
             thresholds: [("vulnerable_road_user_close.lateral_m", 2), ("vulnerable_road_user_close.min_speed_mps", 8),
                          ("vulnerable_road_user_close.behind_m", 1), ("vulnerable_road_user_close.ahead_m", 5)]),
        Spec(name: "wrong_way_actor", kind: "actor", domain: .driving, requires: ["actors", "speed"],
             facts: ["min_gap_m", "closing_speed_mps"],
             thresholds: [("wrong_way_actor.heading_deg", 150), ("wrong_way_actor.lateral_m", 5.25)]),
        // Weather and road.
        Spec(name: "heavy_rain", kind: "weather", domain: .driving, requires: ["precipitation_mm_h|wiper_level"],
             facts: ["peak_precipitation_mm_h", "wiper_level"],
             thresholds: [("heavy_rain.mm_h", 7.6), ("heavy_rain.exit_mm_h", 6.0), ("heavy_rain.wiper_high_s", 10),
                          ("heavy_rain.min_duration_s", 5)]),
        Spec(name: "snow", kind: "weather", domain: .driving, requires: ["precipitation_mm_h", "ambient_temperature_c"],
             facts: ["peak_precipitation_mm_h", "min_temperature_c"],
             thresholds: [("snow.mm_h", 0.7), ("snow.exit_mm_h", 0.6), ("snow.max_temperature_c", 1), ("snow.min_duration_s", 5)]),
        Spec(name: "fog", kind: "weather", domain: .driving, requires: ["visibility_m"], facts: ["min_visibility_m"],
             thresholds: [("fog.visibility_m", 200), ("fog.exit_visibility_m", 250), ("fog.min_duration_s", 5)]),
        Spec(name: "low_visibility", kind: "weather", domain: .driving, requires: ["visibility_m"], facts: ["min_visibility_m"],
             thresholds: [("low_visibility.visibility_m", 1000), ("low_visibility.exit_visibility_m", 1200),
                          ("low_visibility.min_duration_s", 5)]),
        Spec(name: "icy_road", kind: "weather", domain: .driving, requires: ["ambient_temperature_c", "abs_active|esc_active|tcs_active"],
             facts: ["min_temperature_c"], thresholds: [("icy_road.max_temperature_c", 3), ("icy_road.min_duration_s", 1)]),
        // Manipulation.
        Spec(name: "insert", kind: "manipulation", domain: .robot, requires: ["force.z", "position.z"],
             facts: ["outcome", "peak_axial_force_n", "insertion_depth_mm", "duration_s"],
             thresholds: [("insert.min_depth_mm", 5), ("insert.click_window_s", 0.05), ("insert.click_drop_fraction", 0.4),
                          ("insert.click_min_drop_n", 2), ("insert.click_advance_mm", 0.3), ("insert.jam_rise_n", 5),
                          ("insert.jam_rise_ratio", 1.5), ("insert.retreat_mm", 1)]),
        Spec(name: "extract", kind: "manipulation", domain: .robot, requires: ["force.z", "position.z"],
             facts: ["peak_tensile_force_n", "breakaway_drop_n", "extraction_distance_mm"],
             thresholds: [("extract.breakaway_fraction", 0.3), ("extract.drag_n", 0.5), ("extract.max_drag_s", 1.0)]),
        Spec(name: "pull", kind: "manipulation", domain: .robot, requires: ["force.x", "force.y", "position.x", "position.y", "gripper"],
             facts: ["mean_opposing_force_n", "distance_mm"], thresholds: [("pull.min_distance_mm", 10)]),
        Spec(name: "push", kind: "manipulation", domain: .robot, requires: ["force.x", "force.y", "position.x", "position.y", "gripper"],
             facts: ["mean_force_n", "distance_mm"], thresholds: [("push.min_distance_mm", 10)]),
        Spec(name: "twist", kind: "manipulation", domain: .robot, requires: ["torque.z"], facts: ["peak_torque_nm", "rotation_deg"],
             thresholds: [("twist.torque_nm", 0.3), ("twist.min_rotation_deg", 20), ("twist.max_translation_mm", 5), ("twist.min_duration_s", 0.5)]),
        Spec(name: "contact_spike", kind: "manipulation", domain: .robot, requires: ["force.x", "force.y", "force.z"], facts: ["peak_force_n"],
             thresholds: [("contact_spike.force_n", 4), ("contact_spike.max_duration_s", 0.06), ("contact_spike.quiet_s", 0.1)]),
    ]

    /// Thresholds several events of a domain share (signal calibration, the ego's geometry,
    /// contact and grip detection), with their defaults.
    public static let sharedThresholds: [Domain: [(String, Double)]] = [
        .driving: [("wiper.max_level", 3), ("ego.front_m", 3.8), ("ego.axle_to_front_m", 3.8), ("weather.median_s", 9), ("weather.hold_s", 10),
                   ("actor.smooth_s", 0.3)],
        .robot: [("bias.still_s", 0.5), ("bias.window_s", 8), ("smooth.window_s", 0.02), ("contact.axial_n", 1.5), ("contact.lateral_n", 1.5),
                 ("contact.min_duration_s", 0.3), ("grip.holding_min_m", 0.008), ("grip.holding_max_m", 0.06)],
    ]

    private static let byName: [String: Spec] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The event called `name`, nil for none.
    public static func spec(_ name: String) -> Spec? { byName[name] }

    /// Every event name, sorted.
    public static let names: [String] = all.map(\.name).sorted()

    /// The kinds (`actor`, `ego`, `manipulation`, `weather`), sorted.
    public static let kinds: [String] = Set(all.map(\.kind)).sorted()

    /// The kind of the event called `name` (nil for an unknown name).
    public static func kind(of name: String) -> String? { byName[name]?.kind }

    /// The numeric fact keys of the event called `name`, in record order.
    public static func facts(of name: String) -> [String] { byName[name]?.facts ?? [] }

    /// The events of one domain, in table order.
    public static func events(in domain: Domain) -> [Spec] { all.filter { $0.domain == domain } }

    /// Every threshold of a domain with its default: the events' own, then the shared ones.
    public static func thresholds(for domain: Domain) -> [String: Double] {
        var out: [String: Double] = [:]
        for s in events(in: domain) { for (k, v) in s.thresholds { out[k] = v } }
        for (k, v) in sharedThresholds[domain] ?? [] { out[k] = v }
        return out
    }

    /// The events of `domain` whose required signals are not all in `available`, by name,
    /// with what each lacks.
    public static func disabled(in domain: Domain, available: Set<String>) -> [(event: String, missing: [String])] {
        events(in: domain).sorted { $0.name < $1.name }.compactMap { spec in
            let missing = spec.requires.filter { req in !req.split(separator: "|").contains { available.contains(String($0)) } }
            return missing.isEmpty ? nil : (spec.name, missing)
        }
    }

    /// `events` without those of disabled events: the one place where a detector's output
    /// is filtered by what the source provides.
    public static func enabled(_ events: [DetectedEvent], in domain: Domain, available: Set<String>) -> [DetectedEvent] {
        let off = Set(disabled(in: domain, available: available).map(\.event))
        return off.isEmpty ? events : events.filter { !off.contains($0.name) }
    }
}
