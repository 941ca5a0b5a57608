/// A named event found by a detector: where it is, how sure the detector is, and the
/// measured facts behind it, so a reader can check the label.
public struct DetectedEvent: Sendable, Equatable {
    /// A fact's value: a measurement or a word (severity, class, systems).
    public enum Fact: Sendable, Equatable {
        case number(Double)
        case text(String)
    }
    /// Event name from EVENTS.md (`hard_brake`, `insert`, ...).
    public var name: String
    /// `ego`, `actor`, `weather` or `manipulation`.
    public var kind: String
    public var startNs: Int64
    public var endNs: Int64
    /// In [0, 1]: how far past its threshold the evidence went.
    public var confidence: Double
    /// Facts in a stable order.
    public var facts: [(String, Fact)]

    public init(name: String, kind: String, startNs: Int64, endNs: Int64, confidence: Double, facts: [(String, Fact)]) {
        self.name = name; self.kind = kind; self.startNs = startNs; self.endNs = endNs
        self.confidence = Swift.min(1, Swift.max(0, confidence)); self.facts = facts
    }

    public static func == (a: DetectedEvent, b: DetectedEvent) -> Bool {
        a.name == b.name && a.kind == b.kind && a.startNs == b.startNs && a.endNs == b.endNs && a.confidence == b.confidence
            && a.facts.map(\.0) == b.facts.map(\.0) && a.facts.map(\.1) == b.facts.map(\.1)
    }

    /// Every event of EVENTS.md with its kind (`ego`, `actor`, `weather`, `manipulation`):
    /// the names and kinds the detectors emit, for validating flags and generating records.
    public static let kinds: [String: String] = [
        "hard_brake": "ego", "harsh_acceleration": "ego", "high_lateral_accel": "ego", "high_jerk": "ego",
        "swerve": "ego", "disengagement": "ego",
        "low_ttc": "actor", "cut_in": "actor", "pedestrian_crossing": "actor", "vulnerable_road_user_close": "actor",
        "wrong_way_actor": "actor",
        "heavy_rain": "weather", "snow": "weather", "fog": "weather", "low_visibility": "weather", "icy_road": "weather",
        "insert": "manipulation", "extract": "manipulation", "pull": "manipulation", "push": "manipulation",
        "twist": "manipulation", "contact_spike": "manipulation",
    ]

    /// A total order: start, name, end (used to sort outputs deterministically).
    public static func ordered(_ a: DetectedEvent, _ b: DetectedEvent) -> Bool {
        (a.startNs, a.name, a.endNs, a.confidence) < (b.startNs, b.name, b.endNs, b.confidence)
    }
}

/// Confidence from a margin: 0.5 at the threshold, rising to 1 when the measurement is
/// `full` past it (in the threshold's direction).
@inline(__always)
func marginConfidence(_ value: Double, threshold: Double, full: Double) -> Double {
    guard full != 0, value.isFinite else { return 0.5 }
    return 0.5 + 0.5 * Swift.min(1, Swift.max(0, (value - threshold) / full))
}

/// Detector thresholds: EVENTS.md defaults, each overridable by name from a profile.
public struct Thresholds: Sendable, Equatable {
    public private(set) var values: [String: Double]

    /// Every driving threshold with its default.
    public static let driving: [String: Double] = [
        "hard_brake.accel_mps2": -4.0, "hard_brake.min_duration_s": 0.3,
        "harsh_acceleration.accel_mps2": 2.5, "harsh_acceleration.min_duration_s": 0.5,
        "high_lateral_accel.accel_mps2": 3.0, "high_lateral_accel.min_duration_s": 0.5,
        "high_jerk.longitudinal_mps3": 4.13, "high_jerk.total_mps3": 8.37, "high_jerk.min_duration_s": 0.1, "high_jerk.window_s": 0.45,
        "swerve.yaw_rate_rps": 0.3, "swerve.reversal_s": 2.0, "swerve.min_speed_mps": 8,
        "disengagement.before_s": 0.5, "disengagement.after_s": 1.0,
        "low_ttc.warn_s": 1.5, "low_ttc.severe_s": 0.95, "low_ttc.min_speed_mps": 5, "low_ttc.in_path_m": 1.0,
        "cut_in.outside_m": 1.8, "cut_in.inside_m": 0.375,
        "cut_in.rss_rho_s": 0.75, "cut_in.rss_accel_mps2": 3, "cut_in.rss_brake_mps2": 6,
        "pedestrian_crossing.ahead_m": 10, "pedestrian_crossing.lateral_m": 5, "pedestrian_crossing.min_lateral_speed_mps": 0.3,
        "vulnerable_road_user_close.lateral_m": 2, "vulnerable_road_user_close.min_speed_mps": 8,
        "vulnerable_road_user_close.behind_m": 1, "vulnerable_road_user_close.ahead_m": 5,
        "wrong_way_actor.heading_deg": 150, "wrong_way_actor.lateral_m": 5.25,
        "heavy_rain.mm_h": 7.6, "heavy_rain.wiper_high_s": 10, "wiper.max_level": 3,
        "snow.mm_h": 0.2, "snow.max_temperature_c": 1,
        "fog.visibility_m": 200, "low_visibility.visibility_m": 1000,
        "icy_road.max_temperature_c": 3,
        "ego.front_m": 3.8,
    ]

    /// Every manipulation threshold with its default.
    public static let robot: [String: Double] = [
        "bias.still_s": 0.5, "smooth.window_s": 0.02,
        "contact.axial_n": 1.5, "contact.lateral_n": 1.5, "contact.min_duration_s": 0.3,
        "grip.holding_min_m": 0.008, "grip.holding_max_m": 0.06,
        "insert.min_depth_mm": 5,
        "extract.breakaway_fraction": 0.3, "extract.drag_n": 0.5, "extract.max_drag_s": 1.0,
        "pull.min_distance_mm": 10, "push.min_distance_mm": 10,
        "twist.torque_nm": 0.3, "twist.min_rotation_deg": 20, "twist.max_translation_mm": 5, "twist.min_duration_s": 0.5,
        "contact_spike.force_n": 4, "contact_spike.max_duration_s": 0.06, "contact_spike.quiet_s": 0.1,
    ]

    /// The defaults of `defaults` with `overrides` applied.
    /// - Throws: `UnknownThreshold` naming the key and listing the valid ones.
    public init(_ defaults: [String: Double], overrides: [String: Double] = [:]) throws(UnknownThreshold) {
        values = defaults
        for (k, v) in overrides.sorted(by: { $0.key < $1.key }) {
            guard defaults[k] != nil else { throw UnknownThreshold(key: k, valid: defaults.keys.sorted()) }
            values[k] = v
        }
    }

    public subscript(_ key: String) -> Double {
        guard let v = values[key] else { preconditionFailure("no threshold \(key)") }
        return v
    }

    /// A threshold name that no detector knows.
    public struct UnknownThreshold: Error, Sendable, Equatable {
        public var key: String
        public var valid: [String]
    }
}
