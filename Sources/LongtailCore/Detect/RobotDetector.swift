#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The canonical signals of one manipulation episode on the scan clock, column by column
/// (NaN where missing). Frame: z is the tool's approach axis (position grows as the tool
/// advances; force is what the environment applies to the tool, so pressing reads negative
/// z); x and y are any two axes orthogonal to it, the same for force and position.
public struct RobotEpisodeSignals: Sendable {
    public var t0Ns: Int64
    public var dt: Double
    public var fx: [Float] = [], fy: [Float] = [], fz: [Float] = [], tz: [Float] = []
    public var px: [Float] = [], py: [Float] = [], pz: [Float] = []
    public var rotation: [Float] = [], gripper: [Float] = []

    public init(t0Ns: Int64, dt: Double) { self.t0Ns = t0Ns; self.dt = dt }

    /// Canonical robot signal names.
    public static let signalNames = ["force.x", "force.y", "force.z", "torque.z", "position.x", "position.y", "position.z",
                                     "rotation", "gripper"]

    public var count: Int { fz.count }

    /// Appends `count` ticks: signal `c` (in `signalNames` order) from `column(c)`, NaN when nil.
    public mutating func append(count: Int, _ column: (Int) -> UnsafeBufferPointer<Float>?) {
        func put(_ c: Int, _ a: inout [Float]) {
            if let v = column(c) { a.append(contentsOf: UnsafeBufferPointer(rebasing: v[0..<count])) } else {
                a.append(contentsOf: repeatElement(Float.nan, count: count))
            }
        }
        put(0, &fx); put(1, &fy); put(2, &fz); put(3, &tz); put(4, &px); put(5, &py); put(6, &pz); put(7, &rotation); put(8, &gripper)
    }

    /// Appends one tick (values in `signalNames` order, from index `v.startIndex`).
    public mutating func append<C: RandomAccessCollection>(_ v: C) where C.Element == Float, C.Index == Int {
        let i = v.startIndex
        fx.append(v[i]); fy.append(v[i + 1]); fz.append(v[i + 2]); tz.append(v[i + 3])
        px.append(v[i + 4]); py.append(v[i + 5]); pz.append(v[i + 6]); rotation.append(v[i + 7]); gripper.append(v[i + 8])
    }
}

/// Manipulation events of EVENTS.md from force-position signals: insert, extract, pull,
/// push, twist, contact_spike. Works on one episode at a time (episodes are short).
public enum RobotDetector {
    /// Events whose required signals (`EventTable`) are missing from `available`.
    public static func disabled(available: Set<String>) -> [(event: String, missing: [String])] {
        EventTable.disabled(in: .robot, available: available)
    }

    /// Detects the events of one episode.
    public static func detect(_ s: RobotEpisodeSignals, thresholds th: Thresholds, available: Set<String>) -> [DetectedEvent] {
        let n = s.count
        guard n > 1 else { return [] }
        let d = Episode(s, th)
        var sink = EventSink(t0Ns: s.t0Ns)
        d.contacts(&sink)
        d.twists(&sink, hasRotation: available.contains("rotation"))
        d.spikes(&sink)
        return EventTable.enabled(sink.events, in: .robot, available: available).sorted(by: DetectedEvent.ordered)
    }

    /// Bias-removed, smoothed working copies of one episode's signals.
    struct Episode {
        let th: Thresholds
        let dt: Double
        let n: Int
        var fx: [Double], fy: [Double], fz: [Double], tz: [Double], mag: [Double]
        let px: [Double], py: [Double], pz: [Double], rot: [Double], grip: [Double]

        init(_ s: RobotEpisodeSignals, _ th: Thresholds) {
            self.th = th
            dt = s.dt
            n = s.count
            let still = max(1, min(n, Int(th["bias.still_s"] / s.dt)))
            func unbiased(_ x: [Float]) -> [Double] {
                var sum = 0.0, k = 0
                for v in x.prefix(still) where !v.isNaN { sum += Double(v); k += 1 }
                let bias = k > 0 ? sum / Double(k) : 0
                return x.map { Double($0) - bias }
            }
            var rx = unbiased(s.fx), ry = unbiased(s.fy), rz = unbiased(s.fz)
            let rt = unbiased(s.tz)
            // The force bias drifts (temperature): re-estimate it wherever the tool is free of
            // contact, twice, each time with the contacts the last estimate reveals.
            for _ in 0..<2 {
                let free = Self.freeOfContact(rx, ry, rz, level: th["contact.axial_n"] / 2, margin: Int(0.3 / s.dt))
                rx = Self.removingDrift(rx, window: th["bias.window_s"], dt: s.dt, free: { free[$0] })
                ry = Self.removingDrift(ry, window: th["bias.window_s"], dt: s.dt, free: { free[$0] })
                rz = Self.removingDrift(rz, window: th["bias.window_s"], dt: s.dt, free: { free[$0] })
            }
            var m = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let sq: Double = rx[i] * rx[i] + ry[i] * ry[i] + rz[i] * rz[i]
                m[i] = sq.squareRoot()
            }
            mag = m
            let w = max(1, Int((th["smooth.window_s"] / s.dt).rounded()))
            fx = Self.smooth(rx, w); fy = Self.smooth(ry, w); fz = Self.smooth(rz, w); tz = Self.smooth(rt, w)
            px = s.px.map(Double.init); py = s.py.map(Double.init); pz = s.pz.map(Double.init)
            rot = s.rotation.map(Double.init); grip = s.gripper.map(Double.init)
        }

        /// Centred moving average over `w` samples (NaNs skipped).
        static func smooth(_ x: [Double], _ w: Int) -> [Double] {
            guard w > 1 else { return x }
            let h = w / 2
            return x.indices.map { i in
                var s = 0.0, k = 0
                for j in max(0, i - h)...min(x.count - 1, i + h) where !x[j].isNaN { s += x[j]; k += 1 }
                return k > 0 ? s / Double(k) : .nan
            }
        }

        func seconds(_ i: Int) -> Double { Double(i) * dt }

        /// Maximal index ranges where `holds` is true, bridging gaps up to `gap` seconds,
        /// kept when at least `minDuration` long.
        func runs(minDuration: Double, gap: Double = 0.05, _ holds: (Int) -> Bool) -> [Range<Int>] {
            var out: [Range<Int>] = []
            var start: Int?, last = 0
            let g = Int(gap / dt)
            for i in 0..<n {
                if holds(i) {
                    if start == nil { start = i }
                    last = i
                } else if let s = start, i - last > g {
                    if Double(last + 1 - s) * dt >= minDuration - 1e-9 { out.append(s..<(last + 1)) }
                    start = nil
                }
            }
            if let s = start, Double(last + 1 - s) * dt >= minDuration - 1e-9 { out.append(s..<(last + 1)) }
            return out
        }

        func median(_ x: [Double], _ r: Range<Int>) -> Double {
            let v = x[r].filter { !$0.isNaN }.sorted()
            return v.isEmpty ? .nan : v[v.count / 2]
        }

        func mean(_ x: [Double], _ r: Range<Int>) -> Double {
            let v = x[r.clamped(to: 0..<n)].filter { !$0.isNaN }
            return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }

        /// Whether the gripper holds a part through `r` (closed, but not on itself).
        func holding(_ r: Range<Int>) -> Bool {
            let g = median(grip, r)
            return g >= th["grip.holding_min_m"] && g <= th["grip.holding_max_m"]
        }

        /// Mean position over the first and last 50 ms of `r`.
        func ends(_ x: [Double], _ r: Range<Int>) -> (Double, Double) {
            let k = max(1, Int(0.05 / dt))
            return (mean(x, r.lowerBound..<min(r.upperBound, r.lowerBound + k)), mean(x, max(r.lowerBound, r.upperBound - k)..<r.upperBound))
        }

        func contacts(_ sink: inout EventSink) {
            let axial = th["contact.axial_n"], lateral = th["contact.lateral_n"], minD = th["contact.min_duration_s"]
            insertions(&sink)
            // Tensile along the approach: extract when it breaks away, pull when it only drags.
            for r in runs(minDuration: minD, { fz[$0] > axial }) {
                var peakAt = r.lowerBound
                for i in r where fz[i] > fz[peakAt] { peakAt = i }
                let peak = fz[peakAt]
                let window = peakAt..<min(n, peakAt + max(2, Int(0.1 / dt)))
                let after = fz[window].min() ?? peak
                var end = r.upperBound
                let cap = min(n, r.upperBound + Int(th["extract.max_drag_s"] / dt))
                while end < cap && fz[end] > th["extract.drag_n"] { end += 1 }
                let (z0, z1) = ends(pz, r.lowerBound..<end)
                let retreat = (z0 - z1) * 1000
                guard retreat >= 2 else { continue }
                if after < th["extract.breakaway_fraction"] * peak {
                    sink.emit("extract", "manipulation", seconds(r.lowerBound), seconds(end),
                              confidence: marginConfidence(peak - after, threshold: 0, full: 10),
                              [("peak_tensile_force_n", .number(peak)), ("breakaway_drop_n", .number(peak - after)),
                               ("extraction_distance_mm", .number(retreat))])
                } else {
                    sink.emit("pull", "manipulation", seconds(r.lowerBound), seconds(r.upperBound), confidence: 0.6,
                              [("mean_opposing_force_n", .number(mean(fz, r))), ("distance_mm", .number(retreat))])
                }
            }
            // Lateral, with little axial load: pull when holding the part, push otherwise.
            var lat = [Double](repeating: 0, count: n)
            for i in 0..<n { let sq: Double = fx[i] * fx[i] + fy[i] * fy[i]; lat[i] = sq.squareRoot() }
            for r in runs(minDuration: minD, { lat[$0] > lateral && abs(fz[$0]) < axial }) {
                let (x0, x1) = ends(px, r), (y0, y1) = ends(py, r)
                let distance = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot() * 1000
                let held = holding(r)
                let name = held ? "pull" : "push"
                guard distance >= th[held ? "pull.min_distance_mm" : "push.min_distance_mm"] else { continue }
                sink.emit(name, "manipulation", seconds(r.lowerBound), seconds(r.upperBound),
                          confidence: marginConfidence(mean(lat, r), threshold: lateral, full: 5),
                          [(held ? "mean_opposing_force_n" : "mean_force_n", .number(mean(lat, r))), ("distance_mm", .number(distance))])
            }
        }

        /// Rotation rate (rad/s) by a centred difference over ±25 ms; NaN where unknown.
        func rotationRate() -> [Double] {
            let k = max(1, Int((0.025 / dt).rounded()))
            return (0..<n).map { i in
                let a = max(0, i - k), b = min(n - 1, i + k)
                return b > a ? (rot[b] - rot[a]) / (Double(b - a) * dt) : .nan
            }
        }

        /// Torque about the tool axis with a drifting bias removed (`removingDrift`), its
        /// free samples those where the tool is not turning (when rotation is known). A
        /// sensor whose bias creeps by hundredths of N·m a second otherwise holds the torque
        /// above the twist threshold long before and after the turn.
        func driftFreeTorque(rate: [Double]?) -> [Double] {
            let still = 1.0 * .pi / 180
            return Self.removingDrift(tz, window: th["bias.window_s"], dt: dt) { i in
                guard let rate else { return true }
                return !rate[i].isNaN && abs(rate[i]) < still
            }
        }

        /// Samples free of contact: the force magnitude under `level`, `margin` samples or
        /// more from any that is not.
        static func freeOfContact(_ x: [Double], _ y: [Double], _ z: [Double], level: Double, margin: Int) -> [Bool] {
            let n = z.count
            let contact = (0..<n).map { i -> Bool in
                let sq: Double = x[i] * x[i] + y[i] * y[i] + z[i] * z[i]
                return !(sq.squareRoot() < level)
            }
            var free = [Bool](repeating: true, count: n)
            var last = -margin - 1
            for i in 0..<n { if contact[i] { last = i }; if i - last <= margin { free[i] = false } }
            var next = n + margin + 1
            for i in stride(from: n - 1, through: 0, by: -1) { if contact[i] { next = i }; if next - i <= margin { free[i] = false } }
            return free
        }

        /// `x` with a drifting bias removed: the bias is re-estimated through the episode as
        /// the median of the `free` samples over `window` seconds around each moment, every
        /// 0.1 s, and interpolated between estimates. With no free sample anywhere, `x` as it is.
        static func removingDrift(_ x: [Double], window: Double, dt: Double, free: (Int) -> Bool) -> [Double] {
            let n = x.count
            guard window.isFinite, window > 0, n > 2 else { return x }
            let step = max(1, Int(0.01 / dt)), every = max(1, Int((0.1 / dt).rounded()))
            let half = max(1, Int(window / dt / 2))
            var centres: [(Int, Double)] = []
            var v: [Double] = []
            var c = 0
            while c < n {
                // A full-length window where the episode allows (shifted at its ends).
                let lo = max(0, min(c - half, n - 2 * half)), hi = min(n, lo + 2 * half)
                v.removeAll(keepingCapacity: true)
                var i = lo
                while i < hi { if !x[i].isNaN && free(i) { v.append(x[i]) }; i += step }
                if !v.isEmpty { v.sort(); centres.append((c, v[v.count / 2])) }
                c += every
            }
            guard !centres.isEmpty else { return x }
            var out = x
            var k = 0
            for i in 0..<n {
                while k + 1 < centres.count && centres[k + 1].0 <= i { k += 1 }
                let (i0, b0) = centres[k]
                var bias = b0
                if i > i0, k + 1 < centres.count {
                    let (i1, b1) = centres[k + 1]
                    bias = b0 + (b1 - b0) * Double(i - i0) / Double(i1 - i0)
                }
                out[i] = x[i] - bias
            }
            return out
        }

        /// The turn inside (or around) torque run `r`: the stretch, by the peak rotation rate,
        /// where the tool rotates faster than 1°/s, reaching at most 0.5 s beyond the run.
        func turn(in r: Range<Int>, rate: [Double]) -> Range<Int>? {
            let moving = 1.0 * .pi / 180
            var peak = r.lowerBound
            for i in r where !rate[i].isNaN && (rate[peak].isNaN || abs(rate[i]) > abs(rate[peak])) { peak = i }
            guard !rate[peak].isNaN, abs(rate[peak]) > moving else { return nil }
            let reach = Int(0.5 / dt), sign = rate[peak] > 0
            var lo = peak, hi = peak
            while lo > max(0, r.lowerBound - reach), !rate[lo - 1].isNaN, (rate[lo - 1] > 0) == sign, abs(rate[lo - 1]) > moving { lo -= 1 }
            while hi + 1 < min(n, r.upperBound + reach), !rate[hi + 1].isNaN, (rate[hi + 1] > 0) == sign, abs(rate[hi + 1]) > moving { hi += 1 }
            return lo..<(hi + 1)
        }

        func twists(_ sink: inout EventSink, hasRotation: Bool) {
            let torque = th["twist.torque_nm"]
            let rate = hasRotation ? rotationRate() : nil
            let tz = driftFreeTorque(rate: rate)
            for run in runs(minDuration: th["twist.min_duration_s"], { abs(tz[$0]) > torque }) {
                var r = run
                var facts: [(String, DetectedEvent.Fact)] = []
                if let rate {
                    // The twist is the turn: bounded by the rotation, not by the torque.
                    guard let turned = turn(in: run, rate: rate) else { continue }
                    r = turned
                    let v = rot[r].filter { !$0.isNaN }
                    let degrees = ((v.max() ?? 0) - (v.min() ?? 0)) * 180 / .pi
                    guard degrees >= th["twist.min_rotation_deg"] else { continue }
                    facts.append(("rotation_deg", .number(degrees)))
                } else {
                    let (x0, x1) = ends(px, r), (y0, y1) = ends(py, r), (z0, z1) = ends(pz, r)
                    let moved = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0) + (z1 - z0) * (z1 - z0)).squareRoot() * 1000
                    if moved.isFinite && moved > th["twist.max_translation_mm"] { continue }
                }
                let peak = tz[run].map(abs).max() ?? 0
                facts.append(("peak_torque_nm", .number(peak)))
                sink.emit("twist", "manipulation", seconds(r.lowerBound), seconds(r.upperBound),
                          confidence: marginConfidence(peak, threshold: torque, full: 1), facts)
            }
        }

        /// Short force peaks far above contact level, with quiet (free motion) on both sides.
        func spikes(_ sink: inout EventSink) {
            let level = th["contact_spike.force_n"], quiet = Int(th["contact_spike.quiet_s"] / dt), contact = th["contact.axial_n"]
            for r in runs(minDuration: 0, gap: 0, { mag[$0] > level }) {
                guard Double(r.count) * dt <= th["contact_spike.max_duration_s"] else { continue }
                let before = max(0, r.lowerBound - quiet)..<r.lowerBound, after = r.upperBound..<min(n, r.upperBound + quiet)
                guard !before.isEmpty, !after.isEmpty, median(mag, before) < contact, median(mag, after) < contact else { continue }
                var area = 0.0, moment = 0.0, peak = 0.0
                let wide = max(0, r.lowerBound - 2)..<min(n, r.upperBound + 2)
                for i in wide { let m = max(0, mag[i] - contact); area += m; moment += m * Double(i); peak = max(peak, mag[i]) }
                let centre = (moment / area + 0.5) * dt
                let width = max(dt, area * dt / max(peak - contact, 1e-9))
                sink.emit("contact_spike", "manipulation", max(0, centre - width / 2), centre + width / 2,
                          confidence: marginConfidence(peak, threshold: level, full: 20), [("peak_force_n", .number(peak))])
            }
        }
    }
}
