/// A running estimate of a signal's white-noise variance per tick, from its second
/// differences: x[i] − 2x[i−1] + x[i−2] carries 6σ² of white noise and, at scan rates, next
/// to nothing of a vehicle's motion (a jerk of 10 m/s³ moves it by 0.004 m/s² at 50 Hz).
/// Averaged over about `seconds` (exponentially), floored at `floor`² (the sensor's
/// resolution: an interpolated or quantized signal can read as noise-free, and must not
/// then outweigh every other sensor).
struct NoiseTracker {
    private var previous = Double.nan, beforePrevious = Double.nan
    private let alpha: Double, floorVariance: Double

    init(dt: Double, seconds: Double, floor: Double) {
        alpha = Swift.min(1, dt / seconds)
        floorVariance = floor * floor
    }

    /// Six times the running variance (the squared second difference's mean): the division
    /// waits until the estimate is read, which is rare.
    private var sixfold = Double.nan

    @inline(__always) mutating func push(_ x: Double) {
        if x.isFinite && previous.isFinite && beforePrevious.isFinite {
            let d = x - 2 * previous + beforePrevious
            let sample = d * d
            sixfold = sixfold.isNaN ? sample : sixfold + alpha * (sample - sixfold)
        }
        beforePrevious = previous
        previous = x
    }

    /// The running variance estimate (NaN before any).
    var variance: Double { sixfold / 6 }

    /// The estimate, never under the floor; the floor before any estimate.
    var floored: Double { variance.isNaN ? floorVariance : Swift.max(variance, floorVariance) }
}

/// The weight of estimate `a` when two estimates of one quantity from independent sensors
/// are combined by the inverse of their variances (the minimum-variance combination):
/// vb / (va + vb). Noise changes slowly, so callers compute it now and then, not per tick.
func inverseVarianceWeight(_ va: Double, _ vb: Double) -> Double {
    guard va.isFinite, vb.isFinite, va > 0, vb > 0 else { return va.isFinite && va > 0 ? 1 : 0 }
    return vb / (va + vb)
}

/// `a` and `b` combined with weight `w` on `a`; either alone when the other is unknown.
@inline(__always)
func fused(_ a: Double, _ b: Double, weight w: Double) -> Double {
    guard a.isFinite else { return b }
    guard b.isFinite else { return a }
    return b + w * (a - b)
}
