/// A 256-bin histogram of a window's finite values between their min and max, shared by
/// the SIMD and scalar percentile paths (binning is a scatter; SIMD does not help it).
struct Histogram256 {
    var bins = [Int](repeating: 0, count: 256)
    let lo: Float, hi: Float
    var total = 0

    init?(_ x: UnsafeBufferPointer<Float>) {
        var lo = Float.infinity, hi = -Float.infinity
        for v in x where v.isFinite { if v < lo { lo = v }; if v > hi { hi = v } }
        guard lo <= hi else { return nil }
        self.lo = lo; self.hi = hi
        let scale = hi > lo ? Float(256) / (hi - lo) : 0
        for v in x where v.isFinite {
            let b = Swift.min(255, Int((v - lo) * scale))
            bins[b] += 1
            total += 1
        }
    }

    func percentiles(_ ps: [Double]) -> [Float] {
        let width = (hi - lo) / 256
        return ps.map { p in
            let target = Swift.max(0, Swift.min(1, p)) * Double(total)
            var seen = 0
            for (b, c) in bins.enumerated() where c > 0 {
                if Double(seen + c) >= target {
                    let within = Float((target - Double(seen)) / Double(c))
                    return Swift.min(hi, lo + (Float(b) + within) * width)
                }
                seen += c
            }
            return hi
        }
    }
}

extension Kernels {
    /// Straightforward scalar implementations: the reference the SIMD kernels are tested against.
    public enum Scalar {
        public static func stats(_ x: UnsafeBufferPointer<Float>) -> WindowStats {
            var count = 0, mn = Float.infinity, mx = -Float.infinity, s = 0.0, q = 0.0
            for v in x where !v.isNaN {
                count += 1
                if v < mn { mn = v }
                if v > mx { mx = v }
                s += Double(v); q += Double(v) * Double(v)
            }
            return .finish(count: count, missing: x.count - count, min: mn, max: mx, sum: s, sumSquares: q)
        }

        public static func diff(_ x: UnsafeBufferPointer<Float>) -> [Float] {
            x.count < 2 ? [] : (0..<(x.count - 1)).map { x[$0 + 1] - x[$0] }
        }

        public static func runs(_ x: UnsafeBufferPointer<Float>, threshold: Float, above: Bool) -> (count: Int, longest: Int) {
            var count = 0, longest = 0, current = 0
            for v in x {
                if above ? v >= threshold : v <= threshold { count += 1; current += 1; longest = max(longest, current) } else { current = 0 }
            }
            return (count, longest)
        }

        public static func zeroCrossings(_ x: UnsafeBufferPointer<Float>) -> Int {
            x.count < 2 ? 0 : (0..<(x.count - 1)).filter { (x[$0] < 0 && x[$0 + 1] > 0) || (x[$0] > 0 && x[$0 + 1] < 0) }.count
        }
    }
}
