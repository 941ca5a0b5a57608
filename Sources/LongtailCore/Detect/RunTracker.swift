/// Tracks runs of a condition over time: a run starts when the condition holds, survives
/// gaps up to `mergeGap` seconds, and is reported when it lasted at least `minDuration`.
///
/// Shared by the synthetic labeler (on the true state) and the detectors (on measured
/// signals), so both apply the same run semantics.
public struct RunTracker: Sendable {
    /// One run: its first and last time the condition held, and values gathered on the way.
    public struct Run: Sendable {
        public var start: Double
        public var lastTrue: Double
        public var facts: [String: Double] = [:]
    }

    public let minDuration: Double
    public let mergeGap: Double
    /// The sampling step: a run's length is `lastTrue + step - start`.
    public let step: Double
    public private(set) var run: Run?

    public init(minDuration: Double, mergeGap: Double, step: Double) {
        self.minDuration = minDuration; self.mergeGap = mergeGap; self.step = step
    }

    /// Feeds one sample; returns a finished run when one closes.
    @inline(__always)
    public mutating func feed(_ t: Double, _ holds: Bool, _ update: (inout [String: Double]) -> Void) -> Run? {
        if holds {
            if run == nil { run = Run(start: t, lastTrue: t) }
            run!.lastTrue = t
            update(&run!.facts)
            return nil
        }
        // The common case, no open run, touches nothing (no copy of the facts dictionary).
        if run == nil || t - run!.lastTrue <= mergeGap { return nil }
        let r = run!
        run = nil
        return r.lastTrue + step - r.start >= minDuration - 1e-9 ? r : nil
    }

    /// Closes the open run at the end of the data.
    public mutating func flush() -> Run? {
        defer { run = nil }
        guard let r = run, r.lastTrue + step - r.start >= minDuration - 1e-9 else { return nil }
        return r
    }
}

extension Dictionary where Key == String, Value == Double {
    /// Keeps the maximum of `value` under `key`.
    public mutating func keepMax(_ key: String, _ value: Double) { self[key] = Swift.max(self[key] ?? -.infinity, value) }
    /// Keeps the minimum of `value` under `key`.
    public mutating func keepMin(_ key: String, _ value: Double) { self[key] = Swift.min(self[key] ?? .infinity, value) }
    /// Sets `key` only the first time.
    public mutating func keepFirst(_ key: String, _ value: Double) { if self[key] == nil { self[key] = value } }
}
