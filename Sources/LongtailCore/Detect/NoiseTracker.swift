/// A running estimate of a signal's white-noise variance per tick, from its second
/// differences: x[i] − 2x[i−1] + x[i−2] carries 6σ² of white noise and, at scan rates, next
/// to nothing of a vehicle's motion (a jerk of 10 m/s³ moves it by 0.004 m/s² at 50 Hz).
/// Averaged over about `seconds` (exponentially), floored at `floor`² (the sensor's
/// resolution: an interpolated or quantized signal can read as noise-free, and must not
/// then outweigh every other sensor).
struct NoiseTracker {
    private var previous = Double.nan, beforePrevious = Double.nan
    private let alpha: Double, floorVariance: Double
    private(set) var variance = Double.nan

    init(dt: Double, seconds: Double, floor: Double) {
        alpha = Swift.min(1, dt / seconds)
        floorVariance = floor * floor
    }

    @inline(__always) mutating func push(_ x: Double) {
        if x.isFinite && previous.isFinite && beforePrevious.isFinite {
            let d = x - 2 * previous + beforePrevious
            let sample = d * d / 6
            variance = variance.isNaN ? sample : variance + alpha * (sample - variance)
        }
        beforePrevious = previous
        previous = x
    }

    /// The estimate, never under the floor; the floor before any estimate.
    var floored: Double { variance.isNaN ? floorVariance : Swift.max(variance, floorVariance) }
}

/// Two estimates of one quantity from independent sensors, weighted by the inverse of their
/// variances (the minimum-variance combination); either alone when the other is unknown.
@inline(__always)
func fused(_ a: Double, variance va: Double, _ b: Double, variance vb: Double) -> Double {
    guard a.isFinite else { return b }
    guard b.isFinite, va.isFinite, vb.isFinite, va > 0, vb > 0 else { return a }
    let wa = 1 / va, wb = 1 / vb
    return (wa * a + wb * b) / (wa + wb)
}
