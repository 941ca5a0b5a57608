/// Summary statistics of one window of a signal. NaNs are missing samples: they are
/// counted and skipped. Infinities take part (a window with +inf has max +inf, mean +inf).
public struct WindowStats: Sendable, Equatable {
    /// Samples that are not NaN.
    public var count: Int
    /// NaN samples.
    public var missing: Int
    public var min: Float
    public var max: Float
    public var mean: Double
    /// Population standard deviation.
    public var std: Double
    /// Mean of squares (signal energy per sample).
    public var energy: Double

    /// The statistics of an empty (or all-NaN) window: NaN everywhere, count 0.
    public static func empty(missing: Int) -> WindowStats {
        WindowStats(count: 0, missing: missing, min: .nan, max: .nan, mean: .nan, std: .nan, energy: .nan)
    }

    static func finish(count: Int, missing: Int, min: Float, max: Float, sum: Double, sumSquares: Double) -> WindowStats {
        guard count > 0 else { return .empty(missing: missing) }
        let n = Double(count)
        let mean = sum / n
        let variance = sumSquares / n - mean * mean
        return WindowStats(count: count, missing: missing, min: min, max: max, mean: mean,
                           std: variance.isNaN ? .nan : Swift.max(0, variance).squareRoot(), energy: sumSquares / n)
    }
}

/// The sums behind `WindowStats`, kept open so that the statistics of adjacent blocks
/// combine into those of their union (overlapping windows then share the work of their
/// common blocks). Merging adds the sums in another order than one pass over the union:
/// the results agree to rounding.
public struct StatsAccumulator: Sendable, Equatable {
    public var count = 0
    public var missing = 0
    public var min = Float.infinity
    public var max = -Float.infinity
    public var sum = 0.0
    public var sumSquares = 0.0

    public init() {}

    /// Adds the samples another accumulator has seen.
    public mutating func merge(_ other: StatsAccumulator) {
        count += other.count; missing += other.missing
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
        sum += other.sum; sumSquares += other.sumSquares
    }

    /// The statistics of everything added.
    public var stats: WindowStats {
        .finish(count: count, missing: missing, min: min, max: max, sum: sum, sumSquares: sumSquares)
    }
}

/// Feature kernels over windows of Float samples: a SIMD implementation for speed and a
/// scalar reference that tests compare against (`Kernels.Scalar`). Both accumulate sums in
/// Double, so they agree to rounding whatever the order of additions.
public enum Kernels {
    /// Statistics of `x`, eight lanes at a time.
    public static func stats(_ x: UnsafeBufferPointer<Float>) -> WindowStats { accumulate(x).stats }

    /// The open sums of `x` (for `StatsAccumulator.merge`), eight lanes at a time.
    public static func accumulate(_ x: UnsafeBufferPointer<Float>) -> StatsAccumulator {
        let n = x.count
        guard n > 0, let base = x.baseAddress else { return StatsAccumulator() }
        var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
        var sum = SIMD8<Double>(), sq = SIMD8<Double>()
        var present = SIMD8<Int32>()
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let ok = v .== v
            // pointwiseMin/Max are scalarised (PLATFORM.md); masked replace vectorises, and NaN compares false.
            lo.replace(with: v, where: v .< lo)
            hi.replace(with: v, where: v .> hi)
            var clean = v
            clean.replace(with: 0, where: .!ok)
            let d = SIMD8<Double>(clean)
            sum += d
            sq += d * d
            present &+= SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!ok)
            i += 8
        }
        var count = Int(present.wrappedSum())
        var mn = lo.min(), mx = hi.max()
        var s = sum.sum(), q = sq.sum()
        while i < n {
            let v = base[i]
            if !v.isNaN {
                count += 1
                if v < mn { mn = v }
                if v > mx { mx = v }
                let d = Double(v)
                s += d
                q += d * d
            }
            i += 1
        }
        var a = StatsAccumulator()
        a.count = count; a.missing = n - count; a.min = mn; a.max = mx; a.sum = s; a.sumSquares = q
        return a
    }

    /// First differences: `out[i] = x[i + 1] − x[i]` for `i < x.count − 1`. Returns how many were written.
    @discardableResult
    public static func diff(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) -> Int {
        let n = x.count - 1
        guard n > 0, let base = x.baseAddress, let dst = out.baseAddress else { return 0 }
        precondition(out.count >= n, "output too small")
        let raw = UnsafeRawPointer(base), dstRaw = UnsafeMutableRawPointer(dst)
        var i = 0
        while i + 8 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: (i + 1) * 4, as: SIMD8<Float>.self)
            dstRaw.storeBytes(of: b - a, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { dst[i] = base[i + 1] - base[i]; i += 1 }
        return n
    }

    /// Samples at or above `threshold` (`above`) or at or below it, and the longest run of them.
    public static func runs(_ x: UnsafeBufferPointer<Float>, threshold: Float, above: Bool) -> (count: Int, longest: Int) {
        guard let base = x.baseAddress else { return (0, 0) }
        let n = x.count
        let raw = UnsafeRawPointer(base)
        let t = SIMD8<Float>(repeating: threshold)
        var count = 0, longest = 0, current = 0
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let hit = above ? v .>= t : v .<= t
            if !any(hit) {                       // common case: nothing here, the run (if any) ends
                longest = Swift.max(longest, current); current = 0
            } else if all(hit) {
                count += 8; current += 8
            } else {
                for k in 0..<8 {
                    if hit[k] { count += 1; current += 1 } else { longest = Swift.max(longest, current); current = 0 }
                }
            }
            i += 8
        }
        while i < n {
            let v = base[i]
            if above ? v >= threshold : v <= threshold { count += 1; current += 1 } else { longest = Swift.max(longest, current); current = 0 }
            i += 1
        }
        return (count, Swift.max(longest, current))
    }

    /// Sign changes between neighbours (`x[i] · x[i+1] < 0`; NaNs and zeros never count).
    public static func zeroCrossings(_ x: UnsafeBufferPointer<Float>) -> Int {
        let n = x.count - 1
        guard n > 0, let base = x.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var acc = SIMD8<Int32>()
        var i = 0
        while i + 8 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: (i + 1) * 4, as: SIMD8<Float>.self)
            acc &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: (a .< 0 .& b .> 0) .| (a .> 0 .& b .< 0))
            i += 8
        }
        var c = Int(acc.wrappedSum())
        while i < n {
            let a = base[i], b = base[i + 1]
            if (a < 0 && b > 0) || (a > 0 && b < 0) { c += 1 }
            i += 1
        }
        return c
    }

    /// Approximate percentiles (`ps` in 0…1) from a 256-bin histogram between the window's
    /// finite min and max, interpolated inside the bin: within (max − min)/256 of the exact value.
    public static func percentiles(_ x: UnsafeBufferPointer<Float>, _ ps: [Double]) -> [Float] {
        Histogram256(x)?.percentiles(ps) ?? ps.map { _ in .nan }
    }
}
