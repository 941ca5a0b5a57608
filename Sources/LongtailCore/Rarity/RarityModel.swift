#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mergeable histogram-based outlier model (HBOS): one histogram per feature, a segment's
/// score is the sum over features of −log of its bin's smoothed frequency.
///
/// Bins are fixed in advance (never fitted): each feature value is mapped through
/// `asinh(x / scale)` onto 256 equal bins spanning ±`asinh(1e6)` — fine near zero, coarse
/// far out, covering every finite value — plus one bin for NaN. Fixed bins make the model
/// exactly mergeable: shards fitted separately add their counts, and the merged model is
/// bit-for-bit the model fitted in one pass, whatever the split or order.
public struct RarityModel: Sendable, Equatable {
    /// Feature names, in vector order.
    public let features: [String]
    /// Per-feature scale: the value range where bins are finest (about ±scale).
    public let scales: [Double]
    /// counts[f][b]: how many vectors put feature f in bin b (the last bin is NaN).
    public private(set) var counts: [[UInt64]]
    /// Vectors added.
    public private(set) var total: UInt64 = 0

    public static let bins = 256
    static let span = asinh(1e6)

    /// A model with no data.
    public init(features: [String], scales: [Double]? = nil) {
        self.features = features
        self.scales = scales ?? features.map { _ in 1 }
        precondition(self.scales.count == features.count && self.scales.allSatisfy { $0 > 0 })
        counts = features.map { _ in [UInt64](repeating: 0, count: Self.bins + 1) }
    }

    /// The bin of value `x` for feature `f`.
    @inline(__always)
    public func bin(_ x: Double, feature f: Int) -> Int {
        if x.isNaN { return Self.bins }
        let t = asinh(x / scales[f]) / Self.span          // −1…1 for |x| ≤ 1e6·scale
        let u = ((t + 1) / 2 * Double(Self.bins)).rounded(.down)
        // ±inf (a sensor's overflow) lands in the outermost bins, never in a conversion trap.
        if u >= Double(Self.bins - 1) { return Self.bins - 1 }
        return u > 0 ? Int(u) : 0
    }

    /// Adds one feature vector.
    public mutating func add(_ x: [Double]) {
        precondition(x.count == features.count, "feature vector has \(x.count) values, model has \(features.count)")
        for f in x.indices { counts[f][bin(x[f], feature: f)] += 1 }
        total += 1
    }

    /// The bin of each feature of `x`: all a segment needs to be counted (`add(bins:)`) and
    /// scored (`score(bins:)`), at two bytes a feature instead of eight.
    public func bins(of x: [Double]) -> [UInt16] {
        precondition(x.count == features.count, "feature vector has \(x.count) values, model has \(features.count)")
        return x.indices.map { UInt16(bin(x[$0], feature: $0)) }
    }

    /// Adds one feature vector given by its bins (the same counts as `add` of the vector).
    public mutating func add<C: RandomAccessCollection>(bins b: C) where C.Element == UInt16, C.Index == Int {
        precondition(b.count == features.count, "\(b.count) bins, model has \(features.count) features")
        for f in 0..<b.count { counts[f][Int(b[b.startIndex + f])] += 1 }
        total += 1
    }

    /// Adds another model's counts.
    /// - Throws: `RarityModel.Mismatch` when features or scales differ.
    public mutating func merge(_ other: RarityModel) throws(Mismatch) {
        guard other.features == features, other.scales == scales else {
            throw Mismatch(mine: features, theirs: other.features)
        }
        for f in counts.indices { for b in counts[f].indices { counts[f][b] += other.counts[f][b] } }
        total += other.total
    }

    /// The models differ in their features or scales and cannot be merged.
    public struct Mismatch: Error, Sendable, Equatable { public var mine: [String]; public var theirs: [String] }

    /// The HBOS score: Σ_f −log((count + 1) / (total + bins + 1)). Higher is rarer.
    public func score(_ x: [Double]) -> Double {
        precondition(x.count == features.count)
        let denominator = log(Double(total) + Double(Self.bins + 1))
        var s = 0.0
        for f in x.indices { s += denominator - log(Double(counts[f][bin(x[f], feature: f)]) + 1) }
        return s
    }

    /// The score of a vector given by its bins: bit for bit `score(x)` for `b == bins(of: x)`.
    public func score<C: RandomAccessCollection>(bins b: C) -> Double where C.Element == UInt16, C.Index == Int {
        precondition(b.count == features.count)
        let denominator = log(Double(total) + Double(Self.bins + 1))
        var s = 0.0
        for f in 0..<b.count { s += denominator - log(Double(counts[f][Int(b[b.startIndex + f])]) + 1) }
        return s
    }

    /// For each score, the fraction of `scores` at or below it: the calibrated rarity
    /// percentile (0.99 = rarer than 99 % of the archive). Deterministic; ties share a value.
    public static func percentiles(of scores: [Double]) -> [Double] {
        guard !scores.isEmpty else { return [] }
        let sorted = scores.sorted()
        let n = Double(scores.count)
        return scores.map { s in
            // Upper bound: number of scores ≤ s.
            var lo = 0, hi = sorted.count
            while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] <= s { lo = mid + 1 } else { hi = mid } }
            return Double(lo) / n
        }
    }
}
