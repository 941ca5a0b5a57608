import Foundation
import LongtailCore
import LongtailScan

/// How `longtail scan` splits segments into the two tiers and writes them.
public struct TierOptions: Sendable, Equatable {
    /// How many segments the alignment set takes: a fraction of all, or a count.
    public enum Budget: Sendable, Equatable {
        case fraction(Double)
        case count(Int)

        /// `0.01`, `1%` (fractions) or `50` (a count).
        /// - Throws: `TierOptions.BadValue` naming the accepted forms.
        public static func parse(_ s: String) throws(BadValue) -> Budget {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.hasSuffix("%"), let p = Double(t.dropLast()), p >= 0, p <= 100 { return .fraction(p / 100) }
            if let n = Int(t), n >= 0 { return n == 0 ? .count(0) : .count(n) }
            if let f = Double(t), f >= 0, f < 1 { return .fraction(f) }
            throw BadValue(message: "--alignment-budget '\(s)': give a fraction below 1 (0.01), a percentage (1%) or a segment count (50)")
        }

        /// The number of segments out of `total`: fractions round down, but a positive
        /// fraction of a non-empty archive is at least one segment (1 % of 79 segments is
        /// not nothing; a silent empty alignment set was reported as a bug).
        public func count(of total: Int) -> Int {
            switch self {
            case .fraction(let f): return min(total, max(f > 0 && total > 0 ? 1 : 0, Int((f * Double(total)).rounded(.down))))
            case .count(let n): return min(total, n)
            }
        }
    }

    /// How pretraining values are stored.
    public enum Quantization: String, Sendable, CaseIterable { case float16, int16 }

    public struct BadValue: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public var budget: Budget = .fraction(0.01)
    /// Events below this confidence neither pull segments in (`alwaysInclude`) nor go into knowledge records.
    public var minConfidence = 0.0
    /// Segments with any of these events join the alignment set beyond the budget.
    public var alwaysInclude: [String] = []
    /// Alignment segments leave the pretraining shards (their rows become NaN).
    public var exclusive = false
    /// Pretraining rate; nil: the domain's default (driving 10 Hz, robot 100 Hz).
    public var pretrainHz: Double?
    public var quantization: Quantization = .float16
    /// A shard closes once its quantized values reach this many bytes.
    public var shardBytes = 256 << 20

    public init() {}

    public static func defaultPretrainHz(_ domain: Profile.Domain) -> Double { domain == .driving ? 10 : 100 }
}

/// Which segments go to the alignment set: the rarest within the budget (percentile, then
/// score, then source and index, so ties break the same way every run), plus every segment
/// holding an `alwaysInclude` event at or above the minimum confidence. The budget applies
/// within each rarity group (the sources of one profile), so a mixed archive's alignment set
/// holds each kind's rarest, and a fraction of a non-empty group is at least one segment.
public enum TierSelection {
    /// Per source, per segment: whether it is in the alignment set.
    public static func select(_ r: ScanResult, _ o: TierOptions) -> [[Bool]] {
        var chosen = r.sources.map { $0.scan.segments.map { _ in false } }
        for name in Set(r.sources.map(\.profile.name)).sorted() {
            var order: [(Int, Int)] = []
            for (si, s) in r.sources.enumerated() where s.profile.name == name { for k in s.scan.segments.indices { order.append((si, k)) } }
            for (si, k) in rarest(order, r).prefix(o.budget.count(of: order.count)) { chosen[si][k] = true }
        }
        if !o.alwaysInclude.isEmpty {
            let wanted = Set(o.alwaysInclude)
            for (si, rec) in r.sources.enumerated() {
                let hits = rec.scan.events.filter { wanted.contains($0.name) && $0.confidence >= o.minConfidence }
                for (k, seg) in rec.scan.segments.enumerated() where hits.contains(where: { $0.startNs < seg.endNs && $0.endNs > seg.startNs }) {
                    chosen[si][k] = true
                }
            }
        }
        return chosen
    }

    /// `segments` (source, segment) from the rarest on.
    static func rarest(_ segments: [(Int, Int)], _ r: ScanResult) -> [(Int, Int)] {
        segments.sorted { a, b in
            let ra = r.sources[a.0].rarity[a.1], rb = r.sources[b.0].rarity[b.1]
            if ra.percentile != rb.percentile { return ra.percentile > rb.percentile }
            if ra.score != rb.score { return ra.score > rb.score }
            let sa = r.sources[a.0].scan.source, sb = r.sources[b.0].scan.source
            return sa != sb ? sa < sb : a.1 < b.1
        }
    }
}
