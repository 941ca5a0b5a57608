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
