/// The samples of every ring and delay line of one detector, in one allocation: a tick's
/// nine pushes touch this buffer through one pointer, with no array bounds or uniqueness
/// check per push. Copy on write: `EgoDetector.filter` clones it when a copy shares it.
final class RingStore: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let count: Int
    init(count: Int) {
        self.count = Swift.max(1, count)
        base = .allocate(capacity: self.count)
        base.initialize(repeating: .nan, count: self.count)
    }
    func clone() -> RingStore {
        let c = RingStore(count: count)
        c.base.update(from: base, count: count)
        return c
    }
    deinit { base.deallocate() }
}

/// A fixed-length ring of recent samples with a running sum of its non-NaN values. Its
/// samples live in a `RingStore` at `offset`; every access passes the store's base.
struct Ring {
    private let offset: Int
    let capacity: Int
    private var next = 0
    private(set) var filled = 0
    private var sum = 0.0
    private var present = 0
    /// 1 / `present`: a multiplication per mean instead of a division (the count rarely changes).
    private var inverse = Double.nan
    private var laps = 0
    /// Takes `n` slots of the store from `end`, and moves `end` past them.
    init(_ n: Int, at end: inout Int) { offset = end; capacity = Swift.max(1, n); end += capacity }
    @inline(__always) mutating func push(_ v: Double, _ base: UnsafeMutablePointer<Double>) {
        let values = base + offset
        let old = values[next]
        var n = present
        if !old.isNaN { sum -= old; n -= 1 }
        if !v.isNaN { sum += v; n += 1 }
        if n != present { present = n; inverse = n == 0 ? .nan : 1 / Double(n) }
        values[next] = v
        next = next + 1 == capacity ? 0 : next + 1
        if filled < capacity { filled += 1 }
        if next == 0 {   // every 64 laps, re-add from scratch: no drift from rounding
            laps &+= 1
            if laps & 63 == 0 { resum(values) }
        }
    }
    private mutating func resum(_ values: UnsafeMutablePointer<Double>) {
        sum = 0; present = 0
        for i in 0..<capacity where !values[i].isNaN { sum += values[i]; present += 1 }
        inverse = present == 0 ? .nan : 1 / Double(present)
    }
    /// Mean of the non-NaN values held; NaN when none.
    var mean: Double { sum * inverse }
}

/// The last `n` samples, for looking back a fixed number of ticks (no running sums); held
/// in a `RingStore` like `Ring`.
struct DelayLine {
    private let offset: Int
    let capacity: Int
    private var next = 0
    private(set) var filled = 0
    init(_ n: Int, at end: inout Int) { offset = end; capacity = Swift.max(1, n); end += capacity }
    @inline(__always) mutating func push(_ v: Double, _ base: UnsafeMutablePointer<Double>) {
        base[offset + next] = v
        next = next + 1 == capacity ? 0 : next + 1
        if filled < capacity { filled += 1 }
    }
    /// The value `k` samples ago (0 = newest).
    @inline(__always) func ago(_ k: Int, _ base: UnsafeMutablePointer<Double>) -> Double {
        let i = next - 1 - k
        return base[offset + (i < 0 ? i + capacity : i)]
    }
}

/// Ego maneuvers from speed, IMU accelerations, yaw rate and autonomy state: hard brake,
/// harsh acceleration, high lateral acceleration, high jerk, swerve, disengagement.
///
/// Accelerations are smoothed over 0.1 s and corrected for the IMU's bias, estimated as the
/// running mean of (accel.x − d speed / dt) and (accel.y − speed · yaw rate). Jerk is the
/// longitudinal jerk is the change over `high_jerk.window_s` (0.5 s) of accel.x averaged over
/// the same window: a real accelerometer's vibration (σ ≈ 0.9 m/s² at 100 Hz on comma2k19)
/// would otherwise read as jerk. Lateral jerk is d(speed · yaw rate)/dt over 0.1 s: the gyro
/// does not see that vibration, and swerves make lateral jerk in pulses of 0.3 s that a wide
/// window would smear. Every filter's delay is subtracted, so intervals sit where the motion
/// happened, and the two jerks are aligned in time before they are combined.
struct EgoDetector {
    let th: Thresholds
    let dt: Double
    private var hardBrake, harshAccel, lateral, jerk, yawPositive, yawNegative: RunTracker
    private var ax, ay, axSmooth, axWide, turn, speedMean: Ring
    private var speed, axWideHistory, turnHistory, lateralJerks, speedHistory, imuJerks: DelayLine
    /// Per-tick white noise of the accelerometer's x and y, the speed, and speed × yaw rate:
    /// what weighs the accelerometer against the wheel speed and the gyro.
    private var axNoise, ayNoise, speedNoise, turnNoise: NoiseTracker
    /// The accelerometer's weight against the wheel speed / gyro in each fused quantity,
    /// recomputed every 32 ticks from the noise (it changes over seconds, not ticks).
    private var weights = (jerk: 1.0, lateral: 1.0, longitudinal: 1.0)
    private var ticks = 0
    private var store: RingStore
    /// Reciprocals of the finite differences' fixed spans (1/s): multiplications, not divisions.
    private let perLag: Double, perWide: Double, perSpan: Double
    private var biasX = (sum: 0.0, n: 0.0), biasY = (sum: 0.0, n: 0.0)
    private let span: Int, lag: Int, wide: Int
    /// Half the speed average's length: the speed-based jerk's extra delay, in ticks.
    private let half: Int
    /// Filter delays (s): the 0.1 s average, and the jerk window.
    private let accelDelay: Double, jerkDelay: Double
    private var lastYawRun: (sign: Double, start: Double, end: Double, peak: Double, speed: Double)?
    private var lastSwerve: Int?
    private var engaged: Bool?
    private var overriding = false
    // Thresholds read once: dictionary lookups per tick would dominate the scan.
    private let brake, accel, lat, jerkLong, jerkTotal, yawLimit, swerveSpeed: Double

    init(thresholds th: Thresholds, dt: Double) {
        self.th = th
        self.dt = dt
        brake = th["hard_brake.accel_mps2"]; accel = th["harsh_acceleration.accel_mps2"]; lat = th["high_lateral_accel.accel_mps2"]
        jerkLong = th["high_jerk.longitudinal_mps3"]; jerkTotal = th["high_jerk.total_mps3"]
        yawLimit = th["swerve.yaw_rate_rps"]; swerveSpeed = th["swerve.min_speed_mps"]
        hardBrake = RunTracker(minDuration: th["hard_brake.min_duration_s"], mergeGap: 0.2, step: dt)
        harshAccel = RunTracker(minDuration: th["harsh_acceleration.min_duration_s"], mergeGap: 0.2, step: dt)
        lateral = RunTracker(minDuration: th["high_lateral_accel.min_duration_s"], mergeGap: 0.2, step: dt)
        jerk = RunTracker(minDuration: th["high_jerk.min_duration_s"], mergeGap: 0.3, step: dt)
        yawPositive = RunTracker(minDuration: 0.05, mergeGap: 0.05, step: dt)
        yawNegative = RunTracker(minDuration: 0.05, mergeGap: 0.05, step: dt)
        span = Swift.max(1, Int((0.1 / dt).rounded()))
        lag = Swift.max(1, Int((0.5 / dt).rounded()))
        wide = Swift.max(1, Int((th["high_jerk.window_s"] / dt).rounded()))
        half = Swift.max(1, Int((Double(span) / 2).rounded()))
        axNoise = NoiseTracker(dt: dt, seconds: 20, floor: 0.01); ayNoise = NoiseTracker(dt: dt, seconds: 20, floor: 0.01)
        speedNoise = NoiseTracker(dt: dt, seconds: 20, floor: 0.01); turnNoise = NoiseTracker(dt: dt, seconds: 20, floor: 0.01)
        var end = 0
        ax = Ring(span + 1, at: &end); ay = Ring(span + 1, at: &end)
        axSmooth = Ring(lag + 1, at: &end); speed = DelayLine(lag + 1, at: &end)
        axWide = Ring(wide, at: &end); axWideHistory = DelayLine(wide + 1, at: &end)
        turn = Ring(span + 1, at: &end); turnHistory = DelayLine(span + 1, at: &end)
        lateralJerks = DelayLine(Swift.max(1, wide + half - span) + 1, at: &end)
        speedMean = Ring(2 * half + 1, at: &end); speedHistory = DelayLine(2 * wide + 1, at: &end)
        imuJerks = DelayLine(half + 1, at: &end)
        store = RingStore(count: end)
        perLag = 1 / (Double(lag) * dt); perWide = 1 / (Double(wide) * dt); perSpan = 1 / (Double(span) * dt)
        accelDelay = Double(span) * dt / 2
        jerkDelay = Double(wide + half) * dt
    }

    /// Bias-corrected, smoothed accelerations and jerks at this tick.
    ///
    /// Lateral acceleration and longitudinal jerk each have two independent sources, fused
    /// by the inverse of their measured noise (`NoiseTracker`, `fused`): the accelerometer
    /// (which vibrates with the body: σ ≈ 0.9 m/s² on comma2k19, more on a small robot on
    /// rough ground), and the wheel speed with the gyro (speed × yaw rate is the centripetal
    /// acceleration; the speed's second difference over the jerk window is the jerk through
    /// the same triangular kernel as the accelerometer's). A clean accelerometer keeps the
    /// say; a vibrating one hands it to the speed and gyro.
    private mutating func filter(_ f: DrivingFrame) -> (ax: Double, ay: Double, jx: Double, jy: Double) {
        if !isKnownUniquelyReferenced(&store) { store = store.clone() }
        let p = store.base
        ax.push(Double(f.accelX), p); ay.push(Double(f.accelY), p); speed.push(Double(f.speed), p)
        let sx = ax.mean, sy = ay.mean
        axSmooth.push(sx, p)
        let v = Double(f.speed), r = Double(f.yawRate)
        axNoise.push(Double(f.accelX)); ayNoise.push(Double(f.accelY)); speedNoise.push(v); turnNoise.push(v * r)
        // Bias: compare the mean acceleration over the last 0.5 s with the speed change.
        if speed.filled > lag {
            let dv = (speed.ago(0, p) - speed.ago(lag, p)) * perLag
            let m = axSmooth.mean
            if dv.isFinite && m.isFinite { biasX.sum += m - dv; biasX.n += 1 }
        }
        if sy.isFinite && v.isFinite && r.isFinite { biasY.sum += sy - v * r; biasY.n += 1 }
        let bx = biasX.n > 0 ? biasX.sum / biasX.n : 0, by = biasY.n > 0 ? biasY.sum / biasY.n : 0
        axWide.push(Double(f.accelX), p)
        axWideHistory.push(axWide.mean, p)
        imuJerks.push(axWideHistory.filled > wide ? (axWideHistory.ago(0, p) - axWideHistory.ago(wide, p)) * perWide : .nan, p)
        // The accelerometer's jerk, delayed to line up with the speed's (its average adds `half` ticks).
        let imuJerk = imuJerks.filled > half ? imuJerks.ago(half, p) : .nan
        speedMean.push(v, p)
        speedHistory.push(speedMean.mean, p)
        let speedJerk = speedHistory.filled > 2 * wide
            ? (speedHistory.ago(0, p) - 2 * speedHistory.ago(wide, p) + speedHistory.ago(2 * wide, p)) * perWide * perWide : .nan
        if ticks & 31 == 0 { reweigh() }
        ticks &+= 1
        let jx = fused(imuJerk, speedJerk, weight: weights.jerk)
        turn.push(v * r, p)
        turnHistory.push(turn.mean, p)
        lateralJerks.push(turnHistory.filled > span ? (turnHistory.ago(0, p) - turnHistory.ago(span, p)) * perSpan : .nan, p)
        // Delay the lateral jerk to line up with the longitudinal one.
        let jy = lateralJerks.filled == lateralJerks.capacity ? lateralJerks.ago(lateralJerks.capacity - 1, p) : .nan
        // Both over the same 0.1 s: the accelerometer's y, and speed × yaw rate.
        let lateral = fused(sy - by, turn.mean, weight: weights.lateral)
        // The wheel speed's change over the accelerometer's 0.1 s: the same quantity, through
        // a box of nearly the same width and the same centre.
        let fromSpeed = speed.filled > span ? (speed.ago(0, p) - speed.ago(span, p)) * perSpan : .nan
        let longitudinal = fused(sx - bx, fromSpeed, weight: weights.longitudinal)
        return (longitudinal, lateral, jx, jy)
    }

    /// The variances of each pair's two estimates, from the per-tick noise and the number
    /// of ticks each averages or differences, and the accelerometer's resulting weights.
    private mutating func reweigh() {
        let ax = axNoise.floored, ay = ayNoise.floored, v = speedNoise.floored, turn = turnNoise.floored
        let w2 = perWide * perWide
        weights.jerk = inverseVarianceWeight(ax * 2 / Double(wide) * w2, v * 6 / Double(2 * half + 1) * w2 * w2)
        weights.lateral = inverseVarianceWeight(ay, turn)
        weights.longitudinal = inverseVarianceWeight(ax / Double(span + 1), v * 2 * perSpan * perSpan)
    }

    /// Emits the event of a closed run with its facts and confidence. Callers test for a
    /// closed run first: calling a method on `self` with `&out` copies the detector (900
    /// bytes), which per tick cost more than all the detection.
    private func close(_ name: String, _ run: RunTracker.Run?, _ out: inout EventSink) {
        guard let r = run else { return }
        let f = r.facts
        let confidence: Double
        switch name {
        case "hard_brake": confidence = marginConfidence(-f["peak_decel_mps2"]!, threshold: -th["hard_brake.accel_mps2"], full: 2)
        case "harsh_acceleration": confidence = marginConfidence(f["peak_accel_mps2"]!, threshold: th["harsh_acceleration.accel_mps2"], full: 1)
        case "high_lateral_accel":
            confidence = marginConfidence(f["peak_lateral_accel_mps2"]!, threshold: th["high_lateral_accel.accel_mps2"], full: 1)
        default:
            confidence = max(marginConfidence(f["peak_longitudinal_jerk_mps3"]!, threshold: th["high_jerk.longitudinal_mps3"], full: 4),
                             marginConfidence(f["peak_total_jerk_mps3"]!, threshold: th["high_jerk.total_mps3"], full: 8))
        }
        let minimum = th[name + ".min_duration_s"]
        let persistence = persistenceConfidence(r.length(step: dt), minimum: minimum, full: Swift.max(minimum, 0.2))
        out.emit(name, "ego", r.start, r.lastTrue + dt, confidence: Swift.min(confidence, persistence),
                 EventTable.facts(of: name).map { ($0, .number(f[$0]!)) })
    }

    mutating func feed(_ t: Double, _ f: DrivingFrame, _ out: inout EventSink) {
        let (a, ay, jx, jy) = filter(f)
        let v = Double(f.speed), yaw = Double(f.yawRate)
        let ta = t - accelDelay, tj = t - jerkDelay
        let brakeRun = hardBrake.feed(ta, margin: brake - a) { x in
            x.keepMin("peak_decel_mps2", a); x.keepFirst("speed_start_mps", v); x["speed_end_mps"] = v
        }
        if brakeRun != nil { close("hard_brake", brakeRun, &out) }
        let accelRun = harshAccel.feed(ta, margin: a - accel) { x in
            x.keepMax("peak_accel_mps2", a); x.keepFirst("speed_start_mps", v)
        }
        if accelRun != nil { close("harsh_acceleration", accelRun, &out) }
        let lateralRun = lateral.feed(ta, margin: abs(ay) - lat) { x in
            x.keepMax("peak_lateral_accel_mps2", abs(ay)); x.keepFirst("speed_mps", v)
        }
        if lateralRun != nil { close("high_lateral_accel", lateralRun, &out) }
        let total = (jx * jx + jy * jy).squareRoot()
        let jerkMargin = Swift.max(abs(jx) - jerkLong, total - jerkTotal)
        let jerkRun = jerk.feed(tj, margin: jerkMargin.isNaN ? (abs(jx) - jerkLong).isNaN ? total - jerkTotal : abs(jx) - jerkLong : jerkMargin) { x in
            x.keepMax("peak_longitudinal_jerk_mps3", abs(jx)); x.keepMax("peak_total_jerk_mps3", total)
        }
        if jerkRun != nil { close("high_jerk", jerkRun, &out) }

        // Swerve: yaw-rate runs past the threshold with opposite signs starting within the window.
        let yr = yawLimit, vmin = swerveSpeed
        if let r = yawPositive.feed(t, yaw >= yr && v >= vmin, { x in x.keepMax("peak", abs(yaw)); x.keepFirst("speed", v) }) {
            closeYawRun(sign: 1, r, &out)
        }
        if let r = yawNegative.feed(t, yaw <= -yr && v >= vmin, { x in x.keepMax("peak", abs(yaw)); x.keepFirst("speed", v) }) {
            closeYawRun(sign: -1, r, &out)
        }

        // Disengagement: engaged → not engaged, or a driver override starting while engaged.
        if !f.autonomy.isNaN {
            let now = f.autonomy >= 0.5
            if engaged == true && !now { disengaged(t, v, "manual", &out) }
            engaged = now
        }
        if !f.override.isNaN {
            let now = f.override >= 0.5
            if now && !overriding && engaged == true { disengaged(t, v, "override", &out) }
            overriding = now
        }
    }

    private func disengaged(_ t: Double, _ v: Double, _ to: String, _ out: inout EventSink) {
        out.emit("disengagement", "ego", Swift.max(0, t - th["disengagement.before_s"]), t + th["disengagement.after_s"],
                 confidence: 1, [("speed_mps", .number(v)), ("from_mode", .text("autonomous")), ("to_mode", .text(to))])
    }

    private mutating func closeYawRun(sign: Double, _ r: RunTracker.Run, _ out: inout EventSink) {
        let run = (sign: sign, start: r.start, end: r.lastTrue + dt, peak: r.facts["peak"]!, speed: r.facts["speed"]!)
        if let prev = lastYawRun, prev.sign != sign, run.start - prev.start <= th["swerve.reversal_s"] {
            let peak = Swift.max(prev.peak, run.peak)
            if let i = lastSwerve, out.extend(i, ifEndsAfter: prev.start, to: run.end) {
            } else {
                lastSwerve = out.emit("swerve", "ego", prev.start, run.end,
                                      confidence: marginConfidence(peak, threshold: th["swerve.yaw_rate_rps"], full: 0.2),
                                      [("peak_yaw_rate_rps", .number(peak)), ("speed_mps", .number(prev.speed))])
            }
        }
        lastYawRun = run
    }

    mutating func finish(_ out: inout EventSink) {
        close("hard_brake", hardBrake.flush(), &out)
        close("harsh_acceleration", harshAccel.flush(), &out)
        close("high_lateral_accel", lateral.flush(), &out)
        close("high_jerk", jerk.flush(), &out)
    }
}
