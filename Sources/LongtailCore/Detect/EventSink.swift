/// Collects detector output, converting run times (seconds since the source's first tick)
/// to nanosecond timestamps.
public struct EventSink: Sendable {
    public let t0Ns: Int64
    public private(set) var events: [DetectedEvent] = []

    public init(t0Ns: Int64) { self.t0Ns = t0Ns }

    @inline(__always) func ns(_ t: Double) -> Int64 { t0Ns + Int64((t * 1e9).rounded()) }

    /// Adds an event; returns its index.
    @discardableResult
    mutating func emit(_ name: String, _ kind: String, _ start: Double, _ end: Double, confidence: Double,
                       _ facts: [(String, DetectedEvent.Fact)]) -> Int {
        events.append(DetectedEvent(name: name, kind: kind, startNs: ns(start), endNs: ns(end), confidence: confidence, facts: facts))
        return events.count - 1
    }

    /// Extends event `i` to `end` when it still reaches `start`; false otherwise.
    mutating func extend(_ i: Int, ifEndsAfter start: Double, to end: Double) -> Bool {
        guard events[i].endNs >= ns(start) else { return false }
        events[i].endNs = ns(end)
        return true
    }
}
