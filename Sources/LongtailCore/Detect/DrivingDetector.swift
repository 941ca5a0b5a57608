#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every driving detector of EVENTS.md, fed tick by tick with canonical signals and, at
/// their own times, with tracked-object lists. Streaming: state does not grow with time.
public struct DrivingDetector: Sendable {
    /// Events whose required signals (`EventTable`) are missing from `available`, with what is missing.
    public static func disabled(available: Set<String>) -> [(event: String, missing: [String])] {
        EventTable.disabled(in: .driving, available: available)
    }

    private var ego: EgoDetector
    private var actors: ActorDetector
    private var weather: WeatherDetector
    private var sink: EventSink
    private let available: Set<String>
    private var speed = Double.nan
    private let t0Ns: Int64

    /// A detector for a source whose first tick is at `t0Ns`, ticking every `dt` seconds.
    public init(thresholds: Thresholds, dt: Double, t0Ns: Int64, available: Set<String>) {
        ego = EgoDetector(thresholds: thresholds, dt: dt)
        actors = ActorDetector(thresholds: thresholds)
        weather = WeatherDetector(thresholds: thresholds)
        sink = EventSink(t0Ns: t0Ns)
        self.t0Ns = t0Ns
        self.available = available
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
        return EventTable.enabled(sink.events, in: .driving, available: available).sorted(by: DetectedEvent.ordered)
    }
}

/// The canonical driving signals at one tick of the scan clock. NaN means the signal is
/// missing at this tick (not in the profile, or in a gap).
public struct DrivingFrame: Sendable {
    public var speed = Float.nan          // m/s, forward
    public var accelX = Float.nan         // m/s², x forward (IMU, bias included)
    public var accelY = Float.nan         // m/s², y left
    public var yawRate = Float.nan        // rad/s, counter-clockwise
    public var autonomy = Float.nan       // 1 engaged, 0 not
    public var override = Float.nan       // 1 while the driver overrides (steer/brake/gas)
    public var precipitation = Float.nan  // mm/h
    public var wiper = Float.nan          // level, 0 off
    public var temperature = Float.nan    // °C ambient
    public var visibility = Float.nan     // m
    public var abs = Float.nan, esc = Float.nan, tcs = Float.nan   // 1 while intervening

    public init() {}

    /// Canonical signal names, in the order `DrivingFrame.set` takes them.
    public static let signalNames = ["speed", "accel.x", "accel.y", "yaw_rate", "autonomy", "driver_override",
                                     "precipitation_mm_h", "wiper_level", "ambient_temperature_c", "visibility_m",
                                     "abs_active", "esc_active", "tcs_active"]

    /// Sets the signal at `index` of `signalNames`. Inlinable: the scan engine sets every
    /// signal of every tick from another module.
    @inlinable
    public mutating func set(_ index: Int, _ v: Float) {
        switch index {
        case 0: speed = v
        case 1: accelX = v
        case 2: accelY = v
        case 3: yawRate = v
        case 4: autonomy = v
        case 5: override = v
        case 6: precipitation = v
        case 7: wiper = v
        case 8: temperature = v
        case 9: visibility = v
        case 10: abs = v
        case 11: esc = v
        default: tcs = v
        }
    }
}

/// Canonical actor classes (profiles map their class ids onto these).
public enum ActorClass: String, Sendable, CaseIterable {
    case pedestrian, cyclist, car, truck, bus, motorcycle, animal, unknown

    /// Pedestrians, cyclists and animals are not vehicles.
    public var isVehicle: Bool { self != .pedestrian && self != .cyclist && self != .animal }
    /// Pedestrians and cyclists.
    public var isVulnerable: Bool { self == .pedestrian || self == .cyclist }
}

/// One tracked actor in the ego frame (x forward from the ego's reference point, y left),
/// with its ground velocity expressed along the ego axes.
public struct ActorObservation: Sendable {
    public var id: Int
    public var cls: ActorClass
    public var x: Double, y: Double
    public var vx: Double, vy: Double
    /// Heading relative to the ego's, radians; NaN when the source gives none.
    public var heading: Double
    public var length: Double

    public init(id: Int, cls: ActorClass, x: Double, y: Double, vx: Double, vy: Double, heading: Double, length: Double) {
        self.id = id; self.cls = cls; self.x = x; self.y = y; self.vx = vx; self.vy = vy; self.heading = heading; self.length = length
    }

    /// Below this ground speed (m/s) an actor's velocity says nothing about its heading.
    public static let movingSpeed = 1.0

    /// The heading the rules use: the mapped one, else the direction of the ground velocity
    /// of a moving actor; NaN for a stationary actor without a mapped heading.
    @inline(__always)
    public var resolvedHeading: Double {
        if !heading.isNaN { return heading }
        return vx * vx + vy * vy >= Self.movingSpeed * Self.movingSpeed ? atan2(vy, vx) : .nan
    }
}
