/// Every driving detector of EVENTS.md, fed tick by tick with canonical signals and, at
/// their own times, with tracked-object lists. Streaming: state does not grow with time.
public struct DrivingDetector: Sendable {
    /// The signals each event needs; an event whose signals are not all available is disabled.
    public static let requirements: [String: [String]] = [
        "hard_brake": ["accel.x", "speed"], "harsh_acceleration": ["accel.x", "speed"],
        "high_lateral_accel": ["accel.y", "speed", "yaw_rate"], "high_jerk": ["accel.x", "accel.y"],
        "swerve": ["yaw_rate", "speed"], "disengagement": ["autonomy"],
        "low_ttc": ["actors", "speed"], "cut_in": ["actors", "speed"], "pedestrian_crossing": ["actors", "speed"],
        "vulnerable_road_user_close": ["actors", "speed"], "wrong_way_actor": ["actors", "speed"],
        "heavy_rain": ["precipitation_mm_h|wiper_level"], "snow": ["precipitation_mm_h", "ambient_temperature_c"],
        "fog": ["visibility_m"], "low_visibility": ["visibility_m"],
        "icy_road": ["ambient_temperature_c", "abs_active|esc_active|tcs_active"],
    ]

    /// Events whose required signals are missing from `available`, with what is missing.
    /// `a|b` in a requirement means either signal will do.
    public static func disabled(available: Set<String>) -> [(event: String, missing: [String])] {
        requirements.keys.sorted().compactMap { event in
            let missing = requirements[event]!.filter { req in !req.split(separator: "|").contains { available.contains(String($0)) } }
            return missing.isEmpty ? nil : (event, missing)
        }
    }

    private var ego: EgoDetector
    private var actors: ActorDetector
    private var weather: WeatherDetector
    private var sink: EventSink
    private let enabled: Set<String>
    private var speed = Double.nan
    private let t0Ns: Int64

    /// A detector for a source whose first tick is at `t0Ns`, ticking every `dt` seconds.
    public init(thresholds: Thresholds, dt: Double, t0Ns: Int64, available: Set<String>) {
        ego = EgoDetector(thresholds: thresholds, dt: dt)
        actors = ActorDetector(thresholds: thresholds)
        weather = WeatherDetector(thresholds: thresholds)
        sink = EventSink(t0Ns: t0Ns)
        self.t0Ns = t0Ns
        let off = Set(Self.disabled(available: available).map(\.event))
        enabled = Set(Self.requirements.keys).subtracting(off)
    }

    @inline(__always) private func seconds(_ ns: Int64) -> Double { Double(ns - t0Ns) / 1e9 }

    /// One tick of the scan clock.
    public mutating func feed(tick ns: Int64, _ frame: DrivingFrame) {
        let t = seconds(ns)
        if !frame.speed.isNaN { speed = Double(frame.speed) }
        ego.feed(t, frame, &sink)
        weather.feed(t, frame, &sink)
    }

    /// One tracked-object list, at its own time.
    public mutating func feed(actorsAt ns: Int64, _ list: [ActorObservation]) {
        actors.feed(seconds(ns), egoSpeed: speed, list, &sink)
    }

    /// Closes open runs and returns the enabled events in time order.
    public mutating func finish() -> [DetectedEvent] {
        ego.finish(&sink); actors.finish(&sink); weather.finish(&sink)
        return sink.events.filter { enabled.contains($0.name) }.sorted(by: DetectedEvent.ordered)
    }
}
