import LongtailCore
import LongtailSupport

/// One ground-truth event: a line of `labels.jsonl`.
public struct GroundTruthLabel: Sendable, Equatable {
    /// A measurement or a word: the same facts detectors report.
    public typealias Fact = DetectedEvent.Fact
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
