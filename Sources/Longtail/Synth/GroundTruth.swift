/// One ground-truth event: a line of `labels.jsonl`.
public struct GroundTruthLabel: Sendable, Equatable {
    public enum Fact: Sendable, Equatable {
        case number(Double)
        case text(String)
    }
    public var source: String
    public var event: String
    public var kind: String
    public var startNs: Int64
    public var endNs: Int64
    /// The measured values that define the event (peak deceleration, minimum TTC, ...), in a stable order.
    public var facts: [(String, Fact)]

    public static func == (a: GroundTruthLabel, b: GroundTruthLabel) -> Bool {
        a.source == b.source && a.event == b.event && a.kind == b.kind && a.startNs == b.startNs && a.endNs == b.endNs
            && a.facts.map(\.0) == b.facts.map(\.0) && a.facts.map(\.1) == b.facts.map(\.1)
    }

    /// The label as one JSON line. Numbers are rounded to 4 decimals: facts, not noise.
    public var jsonLine: String {
        var j = JSONText()
        j.raw("{")
        j.key("source", first: true); j.string(source)
        j.key("event"); j.string(event)
        j.key("kind"); j.string(kind)
        j.key("start_ns"); j.raw(String(startNs))
        j.key("end_ns"); j.raw(String(endNs))
        j.key("facts"); j.raw("{")
        for (i, (k, v)) in facts.enumerated() {
            j.key(k, first: i == 0)
            switch v {
            case .number(let d): j.double((d * 10_000).rounded() / 10_000)
            case .text(let s): j.string(s)
            }
        }
        j.raw("}}")
        return j.text
    }
}

/// Tracks runs of a condition over time: a run starts when the condition holds, survives
/// gaps up to `mergeGap`, and is reported if it lasted at least `minDuration`.
struct RunTracker {
    struct Run {
        var start: Double
        var lastTrue: Double
        var facts: [String: Double] = [:]
    }

    let minDuration: Double
    let mergeGap: Double
    let step: Double
    private(set) var run: Run?

    init(minDuration: Double, mergeGap: Double, step: Double) {
        self.minDuration = minDuration; self.mergeGap = mergeGap; self.step = step
    }

    /// Feeds one sample; returns a finished run when one closes.
    mutating func feed(_ t: Double, _ holds: Bool, _ update: (inout [String: Double]) -> Void) -> Run? {
        if holds {
            if run == nil { run = Run(start: t, lastTrue: t) }
            run!.lastTrue = t
            update(&run!.facts)
            return nil
        }
        guard let r = run, t - r.lastTrue > mergeGap else { return nil }
        run = nil
        return r.lastTrue + step - r.start >= minDuration - 1e-9 ? r : nil
    }

    /// Closes the open run at the end of the data.
    mutating func flush() -> Run? {
        defer { run = nil }
        guard let r = run, r.lastTrue + step - r.start >= minDuration - 1e-9 else { return nil }
        return r
    }
}

extension Dictionary where Key == String, Value == Double {
    /// Keeps the maximum of `value` under `key`.
    mutating func keepMax(_ key: String, _ value: Double) { self[key] = Swift.max(self[key] ?? -.infinity, value) }
    /// Keeps the minimum of `value` under `key`.
    mutating func keepMin(_ key: String, _ value: Double) { self[key] = Swift.min(self[key] ?? .infinity, value) }
    /// Sets `key` only the first time.
    mutating func keepFirst(_ key: String, _ value: Double) { if self[key] == nil { self[key] = value } }
}
