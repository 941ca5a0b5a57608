import LongtailSupport

/// Physics checks on a source's canonical signals, fed the scan's ticks: a profile that maps
/// the wrong field or axis, or the wrong units, gives signals no vehicle or arm can produce,
/// and the scan says so instead of detecting nothing (or nonsense) in silence.
///
/// - **Gravity on a horizontal axis**: `accel.x` or `accel.y` averaging more than 4 m/s²
///   (0.4 g) over the source. A vehicle cannot keep accelerating like that; a vertical IMU
///   axis reads +g (a Husky's y points up).
/// - **Longitudinal agreement**: second by second, the change of `speed` against `accel.x`
///   (averaged over the same two seconds), while moving. A reversed axis correlates negatively;
///   a speed in km/h or mph changes 3.6 or 2.24 times faster than the acceleration says;
///   an unrelated axis does not correlate at all.
/// - **Lateral agreement**: `speed × yaw_rate` against `accel.y` above 3 m/s (a turning
///   vehicle's centripetal acceleration); a vertical gyro axis mapped as yaw does not follow it.
/// - **Stuck inertial signals**: an accelerometer, gyro or force/torque channel that never
///   changes over 10 s of data is not a sensor reading.
///
/// Each check waits for enough evidence (30 moving seconds in which both sides vary by at
/// least 0.25 m/s² longitudinally, 0.3 m/s² laterally, as standard deviations of one-second
/// means) and is skipped otherwise: a short, parked or gently driven log passes unjudged
/// rather than flagged on noise. "Does not follow" needs more of the reference, the speed's
/// change (or accel.y) varying by 0.5 m/s² second to second, and nothing of the signal judged
/// (a gyro axis that sees no turn hardly varies at all), because a small robot's IMU on rough ground
/// vibrates 1 m/s² even in one-second means (the Jackal log: no axis correlates above
/// 0.33 with its gentle speed changes, 0.27 m/s² standard deviation).
public struct SignalSanity: Sendable {
    /// One finding: the canonical signal it concerns and what is wrong, in words.
    public struct Finding: Sendable, Equatable {
        public var signal: String
        public var message: String
    }

    private let names: [String]
    private let ticksPerSecond: Int
    private let speed: Int?, ax: Int?, ay: Int?, yaw: Int?
    /// Per channel: finite ticks, their sum, min and max (for means and stuck channels).
    private var count: [Int], sum: [Double], low: [Float], high: [Float]
    /// The channels whose means and ranges are kept: the inertial ones.
    private let tracked: [Int]
    /// Every `step`-th tick is sampled; `next`: the first sampled index of the next block;
    /// `seen`: ticks before this block.
    private let step: Int
    private var next = 0, seen = 0
    // The second being summed (its index since the first tick): per channel sum and count.
    private var currentSecond = 0
    private var secondSum = [Double](repeating: 0, count: 4), secondCount = [Int](repeating: 0, count: 4)
    private var previous: (v: Double, ax: Double)?
    private var longitudinal = Regression(), lateral = Regression()

    /// `names`: the canonical channels in the order `add` gives them; `rateHz`: the tick rate.
    public init(names: [String], rateHz: Double) {
        self.names = names
        ticksPerSecond = max(1, Int(rateHz.rounded()))
        step = max(1, ticksPerSecond / 10)
        speed = names.firstIndex(of: "speed"); ax = names.firstIndex(of: "accel.x")
        ay = names.firstIndex(of: "accel.y"); yaw = names.firstIndex(of: "yaw_rate")
        count = names.map { _ in 0 }; sum = names.map { _ in 0 }
        low = names.map { _ in .infinity }; high = names.map { _ in -.infinity }
        tracked = names.indices.filter {
            names[$0].hasPrefix("accel.") || names[$0] == "yaw_rate" || names[$0].hasPrefix("force.") || names[$0].hasPrefix("torque.")
        }
    }

    /// Takes `n` ticks; `column(c)` is channel `c`'s values (nil when unmapped). Only every
    /// `step`-th tick is looked at (about 10 a second): means and correlations of one-second
    /// means need no more, and the checks then cost next to nothing in the scan.
    public mutating func add(count n: Int, column: (Int) -> UnsafePointer<Float>?) {
        defer { next = Self.after(next, n, step) - n; seen += n }
        for c in tracked {
            guard let p = column(c) else { continue }
            var k = 0, total = 0.0, lo = low[c], hi = high[c], i = next
            while i < n {
                let v = p[i]
                if v.isFinite { k += 1; total += Double(v); lo = min(lo, v); hi = max(hi, v) }
                i += step
            }
            count[c] += k; sum[c] += total; low[c] = lo; high[c] = hi
        }
        guard let speed, let v = column(speed) else { return }
        let columns = [v, ax.flatMap(column), ay.flatMap(column), yaw.flatMap(column)]
        // Piece by piece, each within one second of the scan clock.
        var i = next
        while i < n {
            let second = (seen + i) / ticksPerSecond
            if second != currentSecond { closeSecond(); currentSecond = second }
            let end = min(n, (second + 1) * ticksPerSecond - seen)
            for (k, column) in columns.enumerated() {
                guard let p = column else { continue }
                var total = 0.0, m = 0, j = i
                while j < end {
                    if p[j].isFinite { total += Double(p[j]); m += 1 }
                    j += step
                }
                secondSum[k] += total; secondCount[k] += m
            }
            i = Self.after(i, end, step)
        }
    }

    /// The first index of `from`, `from + step`, … at or past `end`.
    private static func after(_ from: Int, _ end: Int, _ step: Int) -> Int {
        from >= end ? from : from + (end - from + step - 1) / step * step
    }

    private mutating func closeSecond() {
        let expected = (ticksPerSecond + step - 1) / step
        func mean(_ k: Int) -> Double? { secondCount[k] * 2 >= expected ? secondSum[k] / Double(secondCount[k]) : nil }
        let v = mean(0), a = mean(1), lat = mean(2), w = mean(3)
        if let v, let a, let p = previous, v > 1, p.v > 1 { longitudinal.add(x: (a + p.ax) / 2, y: v - p.v) }
        if let v, let lat, let w, v > 3 { lateral.add(x: v * w, y: lat) }
        previous = v.flatMap { v in a.map { (v, $0) } }
        for k in 0..<4 { secondSum[k] = 0; secondCount[k] = 0 }
    }

    /// What the checks found (empty when everything is plausible or there was too little to judge).
    public func findings() -> [Finding] {
        var out: [Finding] = []
        let perSecond = Double(ticksPerSecond) / Double(step)
        let tenSeconds = Int(10 * perSecond)
        var gravity: Set<Int> = []
        for c in [ax, ay].compactMap({ $0 }) where count[c] >= tenSeconds {
            let m = sum[c] / Double(count[c])
            if abs(m) > 4 {
                gravity.insert(c)
                out.append(Finding(signal: names[c], message: "averages \(Self.fixed(m)) m/s² over \(Int(Double(count[c]) / perSecond)) s: a horizontal "
                                   + "axis cannot; this is a vertical (gravity) or tilted axis of the IMU. Map the axis that points forward "
                                   + "(accel.x) or left (accel.y) instead"))
            }
        }
        if let ax, !gravity.contains(ax) {
            if let r = longitudinal.correlation(minimum: 30, spread: 0.25) {
                let slope = longitudinal.slope
                if r < -0.5 {
                    out.append(Finding(signal: "accel.x", message: "runs against the change of speed (correlation \(Self.fixed(r)) over "
                                       + "\(longitudinal.n) moving seconds): its sign is reversed (scale = -1)"))
                } else if r > 0.5, slope > 3.0 && slope < 4.3 {
                    out.append(Finding(signal: "speed", message: "changes \(Self.fixed(slope))× as fast as accel.x says: it looks like km/h "
                                       + "(scale = 0.277778)"))
                } else if r > 0.5, slope > 1.9 && slope < 2.6 {
                    out.append(Finding(signal: "speed", message: "changes \(Self.fixed(slope))× as fast as accel.x says: it looks like mph "
                                       + "(scale = 0.44704)"))
                }
            }
            if longitudinal.n >= 30, longitudinal.spreadY >= 0.5, abs(longitudinal.r) < 0.2 {
                out.append(Finding(signal: "accel.x", message: "does not follow the change of speed (correlation \(Self.fixed(longitudinal.r)) over "
                                   + "\(longitudinal.n) moving seconds): is it the forward axis, and is speed the vehicle's speed?"))
            }
        }
        if let ay, !gravity.contains(ay) {
            if let r = lateral.correlation(minimum: 30, spread: 0.3), r < -0.5 {
                out.append(Finding(signal: "yaw_rate", message: "speed × yaw_rate runs against accel.y (correlation \(Self.fixed(r)) over "
                                   + "\(lateral.n) s above 3 m/s): one of the two has its sign reversed (left is positive for both)"))
            }
            if lateral.n >= 30, lateral.spreadY >= 0.5, abs(lateral.r) < 0.2 {
                out.append(Finding(signal: "yaw_rate", message: "speed × yaw_rate does not follow accel.y (correlation \(Self.fixed(lateral.r)) over "
                                   + "\(lateral.n) s above 3 m/s): is yaw_rate the gyro's vertical axis?"))
            }
        }
        for c in tracked where count[c] >= tenSeconds && low[c] == high[c] {
            out.append(Finding(signal: names[c], message: "never changes (always \(low[c])) over \(Int(Double(count[c]) / perSecond)) s: "
                               + "a stuck sensor or the wrong field"))
        }
        return out
    }

    static func fixed(_ v: Double) -> String { Formatting.fixed(v, 2) }

    /// Least-squares sums of y on x.
    struct Regression: Sendable {
        var n = 0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        mutating func add(x: Double, y: Double) {
            n += 1; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
        }
        /// The standard deviation of y.
        var spreadY: Double {
            guard n > 0 else { return 0 }
            let m = Double(n)
            return max(0, syy / m - (sy / m) * (sy / m)).squareRoot()
        }
        /// Pearson's r (0 when either side is constant).
        var r: Double {
            guard n > 1 else { return 0 }
            let m = Double(n)
            let vx = sxx / m - (sx / m) * (sx / m), vy = syy / m - (sy / m) * (sy / m)
            return vx > 0 && vy > 0 ? (sxy / m - (sx / m) * (sy / m)) / (vx * vy).squareRoot() : 0
        }
        var slope: Double {
            let d = Double(n) * sxx - sx * sx
            return d > 0 ? (Double(n) * sxy - sx * sy) / d : 0
        }
        /// Pearson's r, when there are `minimum` points and both x and y vary by at least
        /// `spread` (standard deviation): without motion to compare, noise decides r.
        func correlation(minimum: Int, spread: Double) -> Double? {
            guard n >= minimum else { return nil }
            let m = Double(n)
            let vx = sxx / m - (sx / m) * (sx / m), vy = syy / m - (sy / m) * (sy / m)
            guard vx > spread * spread, vy > spread * spread else { return nil }
            return (sxy / m - (sx / m) * (sy / m)) / (vx * vy).squareRoot()
        }
    }
}
