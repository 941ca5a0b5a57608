/// Tracks runs of a condition over time: a run starts when the condition holds, survives
/// gaps up to `mergeGap` seconds, and is reported when the condition held for at least
/// `minDuration` of it (the time held, not the span: the merged gaps do not count).
///
/// Shared by the synthetic labeler (on the true state) and the detectors (on measured
/// signals), so both apply the same run semantics.
public struct RunTracker: Sendable {
    /// One run: its first and last time the condition held, and values gathered on the way.
    public struct Run: Sendable {
        public var start: Double
        public var lastTrue: Double
        public var facts: [String: Double] = [:]
        /// With margins (`feed(_:margin:_:)`): the run's length with its ends placed between
        /// samples where the margin crossed zero, linearly; nil otherwise.
        public var crossingLength: Double?
        /// With margins: the time the margin was ≥ 0 within the run (its stretches summed,
        /// ends placed between samples; the gaps merged into the run do not count); nil otherwise.
        public var heldLength: Double?
        /// Boolean feeds: the time between the last true sample before a false one and the
        /// next true sample, less a step, summed over the run (the merged gaps' time).
        /// Samples that are missing altogether (a dropped message) are not a gap.
        public var gapTime = 0.0
        /// Whether a false sample came since the last true one.
        var sawFalse = false
        /// The run's extent, first start to last end.
        public func length(step: Double) -> Double { crossingLength ?? lastTrue + step - start }
        /// The length the minimum duration is held against: the time the condition held.
        /// A noisy signal hovering at a threshold crosses it back and forth; merging its
        /// crossings (gaps up to `mergeGap`) makes one long run, but not a sustained one.
        public func sustained(step: Double) -> Double { heldLength ?? lastTrue + step - start - gapTime }
    }

    public let minDuration: Double
    public let mergeGap: Double
    /// The sampling step: a run's length is `lastTrue + step - start`.
    public let step: Double
    public private(set) var run: Run?
    /// Margin-fed runs: the last sample's margin, where the open run started between
    /// samples, and its last true sample's margin.
    private var previousMargin = Double.nan
    private var exactStart = Double.nan, lastTrueMargin = Double.nan
    /// Margin-fed runs: time held in the open run up to its last true sample.
    private var held = 0.0

    public init(minDuration: Double, mergeGap: Double, step: Double) {
        self.minDuration = minDuration; self.mergeGap = mergeGap; self.step = step
    }

    /// Feeds one sample; returns a finished run when one closes.
    @inline(__always)
    public mutating func feed(_ t: Double, _ holds: Bool, _ update: (inout [String: Double]) -> Void) -> Run? {
        if holds {
            if run == nil { run = Run(start: t, lastTrue: t) }
            if run!.sawFalse { run!.gapTime += Swift.max(0, t - run!.lastTrue - step); run!.sawFalse = false }
            run!.lastTrue = t
            update(&run!.facts)
            return nil
        }
        // The common case, no open run, touches nothing (no copy of the facts dictionary).
        if run == nil { return nil }
        if t - run!.lastTrue <= mergeGap { run!.sawFalse = true; return nil }
        let r = run!
        run = nil
        return r.sustained(step: step) >= minDuration - 1e-9 ? r : nil
    }

    /// Feeds one sample with its margin over the threshold (the condition holds when it is
    /// ≥ 0): the run's ends are placed where the margin crosses zero between samples, so a
    /// run's length is judged to a fraction of a sample, not rounded to whole ones (a scan
    /// at 50 Hz would otherwise round a 0.49 s run to 0.50 s half the time).
    @inline(__always)
    public mutating func feed(_ t: Double, margin: Double, _ update: (inout [String: Double]) -> Void) -> Run? {
        let before = previousMargin
        previousMargin = margin
        if margin >= 0 {
            // The part of the last step the margin spent ≥ 0 (all of it, or from the crossing).
            let entered = before < 0 ? step * margin / (margin - before) : before >= 0 ? step : 0
            if run == nil {
                // Where between the last sample and this one the margin crossed zero.
                exactStart = before < 0 ? t - entered : t
                held = before < 0 ? entered : 0
            } else {
                held += entered
            }
            let r = feed(t, true, update)
            lastTrueMargin = margin
            run!.crossingLength = t + step - exactStart   // until the end is seen
            run!.heldLength = held + step                  // likewise
            return r
        }
        let closing = run != nil && !(t - run!.lastTrue <= mergeGap)
        if run != nil && t - run!.lastTrue <= step * 1.5 {
            // The first sample after the last true one: the end lies between them.
            let m = lastTrueMargin
            let tail = margin.isFinite && m.isFinite ? step * m / (m - margin) : step
            run!.crossingLength = (run!.lastTrue + tail) - exactStart
            run!.heldLength = held + tail
            held += tail
        }
        guard closing else { return feed(t, false, update) }
        let r = run!
        run = nil
        return r.sustained(step: step) >= minDuration - 1e-9 ? r : nil
    }

    /// Closes the open run at the end of the data.
    public mutating func flush() -> Run? {
        defer { run = nil }
        guard let r = run, r.sustained(step: step) >= minDuration - 1e-9 else { return nil }
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
