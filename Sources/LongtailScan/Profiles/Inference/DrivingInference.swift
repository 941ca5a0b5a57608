import Foundation

/// The driving half of `ProfileInference`: IMU axes, speed and its units, yaw, and the
/// weather/road/mode fields named like Longtail's signals.
struct Driving {
    let topics: [FieldSampler.Topic]
    /// Seconds of data: the one-second bins every comparison uses.
    let seconds: Int

    init(topics: [FieldSampler.Topic]) {
        self.topics = topics
        let end = topics.flatMap { $0.series.values.compactMap { $0.last?.t } }.max() ?? 0
        seconds = max(0, min(100_000, Int(end.rounded(.up)) + 1))
    }

    private typealias Axis = (index: Int, sign: Double)
    private static let axes = ["x", "y", "z"]

    func settle(imu: FieldSampler.Topic?, into r: inout InferredProfile) {
        let speed = ProfileInference.speedCandidates(topics).first
        let speedMeans = speed.map { means($0.0.series[$0.1] ?? []) }
        // The change of speed over two seconds, per second, where moving.
        var dv = [Double?](repeating: nil, count: seconds)
        if let m = speedMeans {
            for k in 1..<max(1, seconds - 1) {
                if let a = m[k - 1], let b = m[k + 1], let c = m[k], abs(c) > 0.5 { dv[k] = (b - a) / 2 }
            }
        }
        var speedScale = speed?.3
        var speedEvidence: [String] = speed.map { ["\($0.0.type) field \($0.1) (\(rateText($0.0)))"] } ?? []
        var speedConfidence = speed.map { $0.2 >= 2 ? 0.8 : 0.6 } ?? 0

        if let imu {
            let accel = Self.axes.map { imu.series["linear_acceleration.\($0)"] ?? [] }
            let gyro = Self.axes.map { imu.series["angular_velocity.\($0)"] ?? [] }
            let mean = accel.map { s in s.isEmpty ? 0 : s.reduce(0) { $0 + $1.v } / Double(s.count) }
            let meansText = (0..<3).map { "\(Self.axes[$0]) \(fmt(mean[$0]))" }.joined(separator: ", ")
            // Vertical: the axis that averages ±g.
            var up: Axis = (2, 1)
            var upEvidence: String, upConfidence: Double
            let v = (0..<3).max { abs(mean[$0]) < abs(mean[$1]) }!
            if (7.0...12.5).contains(abs(mean[v])) {
                up = (v, mean[v] > 0 ? 1 : -1)
                upEvidence = "linear_acceleration.\(Self.axes[v]) averages \(fmt(mean[v])) m/s² (gravity): \(up.sign > 0 ? "+" : "-")\(Self.axes[v]) points up (means: \(meansText))"
                upConfidence = max(0.5, 1 - abs(abs(mean[v]) - 9.81) / 5)
            } else {
                upEvidence = "no axis averages ±g (means: \(meansText)): gravity removed? z taken as up (REP 103)"
                upConfidence = 0.4
            }
            // Forward: the horizontal axis whose one-second means follow the speed's change.
            let horizontal = (0..<3).filter { $0 != up.index }
            let accelMeans = accel.map { means($0) }
            let fits = horizontal.map { h in correlation(accelMeans[h], dv) }
            let order = fits.indices.sorted { abs(fits[$0].r) > abs(fits[$1].r) }
            let best = fits[order[0]], other = fits[order[1]]
            let fitText = horizontal.indices.map { "\(Self.axes[horizontal[$0]]) r = \(fmt(fits[$0].r))" }.joined(separator: ", ")
            var forward: Axis, forwardConfidence: Double, forwardAccepted = true, forwardEvidence: String
            if best.n >= 20, abs(best.r) >= 0.3, abs(best.r) - abs(other.r) >= 0.1 {
                forward = (horizontal[order[0]], best.r > 0 ? 1 : -1)
                forwardConfidence = min(0.95, 0.5 + abs(best.r) - abs(other.r))
                forwardEvidence = "one-second means against d(speed)/dt over \(best.n) moving seconds: \(fitText): \(forward.sign > 0 ? "+" : "-")\(Self.axes[forward.index]) points forward"
            } else {
                forward = up.index == 2 ? (0, 1) : (horizontal[order[0]], best.r >= 0 ? 1 : -1)
                forwardConfidence = up.index == 2 ? 0.5 : 0.2
                forwardAccepted = up.index == 2
                forwardEvidence = speed == nil ? "no speed to compare the horizontal axes with" :
                    "the speed's change does not single out an axis (\(fitText) over \(best.n) moving seconds)"
                forwardEvidence += up.index == 2 ? ": x taken as forward (REP 103)" : ": forward undetermined"
            }
            // Left = up × forward (a right-handed frame).
            let left = cross(up, forward)
            let yawValues = scaled(gyro[up.index], up.sign)
            let lateral = correlation(scaled(accelMeans[left.index], left.sign), zip(speedMeans ?? [], means(yawValues)).map { a, b in
                guard let a, let b, abs(a) > 1 else { return nil }
                return a * b
            })
            var lateralEvidence = ["left = up × forward: \(left.sign > 0 ? "+" : "-")\(Self.axes[left.index])"]
            var lateralConfidence = min(upConfidence, forwardConfidence)
            if lateral.n >= 20 {
                lateralEvidence.append("against speed × yaw rate over \(lateral.n) seconds: r = \(fmt(lateral.r))")
                if lateral.r < -0.3 { lateralConfidence = 0.2; lateralEvidence.append("the sign disagrees: check the IMU's handedness") }
            }
            // Speed units from the slope of its change against the forward acceleration.
            if forwardAccepted, best.n >= 20, abs(best.r) >= 0.5, forward.index == horizontal[order[0]] {
                let k = slope(dv, on: scaled(accelMeans[forward.index], forward.sign))
                let (unit, scale): (String, Double?) = k < 1.5 ? ("m/s", nil) : k < 2.84 ? ("mph", 0.44704) : k < 5 ? ("km/h", 1 / 3.6) : ("unknown", nil)
                speedEvidence.append("its change runs \(fmt(k))× the forward acceleration: \(unit)")
                if unit == "unknown" { speedConfidence = 0.3 } else { speedScale = scale }
            }
            let stamp = imu.stamp
            r.choices.append(.init(signal: "accel.x", topic: imu.name, field: "linear_acceleration.\(Self.axes[forward.index])",
                                   scale: forward.sign, stamp: stamp, confidence: min(upConfidence, forwardConfidence),
                                   evidence: [upEvidence, forwardEvidence], accepted: forwardAccepted && min(upConfidence, forwardConfidence) >= 0.5))
            r.choices.append(.init(signal: "accel.y", topic: imu.name, field: "linear_acceleration.\(Self.axes[left.index])",
                                   scale: left.sign, stamp: stamp, confidence: lateralConfidence,
                                   evidence: lateralEvidence, accepted: forwardAccepted && lateralConfidence >= 0.5))
            // Yaw: the gyro axis along the vertical, signed like gravity; checked against odometry.
            var yawEvidence = ["angular_velocity.\(Self.axes[up.index]) turns about the vertical axis"]
            var yawScale = up.sign, yawConfidence = upConfidence
            if let (odom, _, wz) = odometry() {
                let ref = means(odom.series[wz] ?? [])
                let fitsYaw = (0..<3).map { correlation(means(scaled(gyro[$0], $0 == up.index ? up.sign : 1)), ref) }
                yawEvidence.append("against \(odom.name) \(wz): " + (0..<3).map { "\(Self.axes[$0]) r = \(fmt(fitsYaw[$0].r))" }.joined(separator: ", "))
                let f = fitsYaw[up.index]
                if f.n >= 20, f.r >= 0.5 {
                    yawConfidence = min(0.99, max(yawConfidence, f.r))
                    let k = slope(means(yawValues), on: ref)
                    if (40.0...80.0).contains(k) { yawScale *= .pi / 180; yawEvidence.append("it reads \(fmt(k))× the odometry: degrees per second") }
                } else if f.n >= 20, f.r < 0.2, fitsYaw.contains(where: { $0.r > 0.5 }) {
                    yawConfidence = 0.2
                    yawEvidence.append("another axis follows the odometry better: check the mounting")
                }
            }
            r.choices.append(.init(signal: "yaw_rate", topic: imu.name, field: "angular_velocity.\(Self.axes[up.index])",
                                   scale: yawScale, stamp: stamp, confidence: yawConfidence, evidence: yawEvidence,
                                   accepted: yawConfidence >= 0.5))
        } else if let (odom, _, wz) = odometry() {
            r.choices.append(.init(signal: "yaw_rate", topic: odom.name, field: wz, stamp: odom.stamp, confidence: 0.7,
                                   evidence: ["no IMU: the yaw rate of \(odom.type) (\(rateText(odom)))"], accepted: true))
        }
        if let speed {
            r.choices.insert(.init(signal: "speed", topic: speed.0.name, field: speed.1, scale: speedScale, stamp: speed.0.stamp,
                                   confidence: speedConfidence, evidence: speedEvidence, accepted: true), at: 0)
        }
        states(into: &r)
    }

    /// Weather, road and mode fields by name, held between messages.
    private func states(into r: inout InferredProfile) {
        var taken = Set<String>()
        for t in topics where !ProfileInference.isIMU(t) {
            let gap = max(0.5, (30 / max(0.01, rate(t))).rounded() / 10)
            for path in t.paths {
                let leaf = String(path.split(separator: ".").last ?? "")
                let values = Set((t.series[path] ?? []).prefix(5000).map(\.v))
                if let s = ProfileInference.stateSignal(leaf: leaf), !taken.contains(s) {
                    taken.insert(s)
                    r.choices.append(.init(signal: s, topic: t.name, field: path, stamp: t.stamp, kind: "state", maxGapS: gap,
                                           confidence: 0.6, evidence: ["by name: \(t.type) field \(path) (\(rateText(t)))"], accepted: true))
                } else if ["autonomy", "engaged", "autonomous", "mode", "control_mode", "autonomy_engaged"].contains(leaf.lowercased()),
                          !taken.contains("autonomy") {
                    taken.insert("autonomy")
                    let binary = values.isSubset(of: [0, 1])
                    let shown = values.sorted().prefix(8).map { fmt($0) }.joined(separator: ", ")
                    var evidence = ["by name: \(t.type) field \(path), values seen: \(shown)"]
                    // The message's own constants say which values are autonomous.
                    let constants = Self.constants(t.definition)
                    let autonomous = constants.filter { Self.meansAutonomous($0.name) }
                    if !binary, !autonomous.isEmpty {
                        let map = Dictionary(constants.map { (fmt($0.value), Self.meansAutonomous($0.name) ? 1.0 : 0.0) }, uniquingKeysWith: max)
                        evidence.append("the message defines " + constants.map { "\($0.name) = \(fmt($0.value))" }.joined(separator: ", ")
                                        + ": \(autonomous.map(\.name).joined(separator: ", ")) read as autonomous (1), the rest as not (0)")
                        r.choices.append(.init(signal: "autonomy", topic: t.name, field: path, stamp: t.stamp, kind: "state", maxGapS: gap,
                                               map: map, confidence: 0.7, evidence: evidence, accepted: true))
                        continue
                    }
                    if !binary { evidence.append("which values mean autonomous is not in the data: add map = { \"VALUE\" = 1, ... }") }
                    r.choices.append(.init(signal: "autonomy", topic: t.name, field: path, stamp: t.stamp, kind: "state", maxGapS: gap,
                                           confidence: binary ? 0.6 : 0.2, evidence: evidence, accepted: binary))
                }
            }
        }
    }

    /// The integer constants a message definition declares at its top level (`uint8 MANUAL = 4`).
    static func constants(_ definition: String) -> [(name: String, value: Double)] {
        var out: [(String, Double)] = []
        for line in definition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("===") { break }
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let parts = code.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let v = Double(parts[1]) else { continue }
            let decl = parts[0].split(separator: " ")
            guard decl.count == 2, decl[0].hasPrefix("int") || decl[0].hasPrefix("uint") || decl[0] == "byte" || decl[0] == "char" else { continue }
            out.append((String(decl[1]), v))
        }
        return out
    }

    /// Whether a mode constant's name means the vehicle drives itself.
    static func meansAutonomous(_ name: String) -> Bool {
        let n = name.uppercased()
        return (n.contains("AUTONOM") || n == "ENGAGED" || n.hasPrefix("ENGAGED_")) && !n.contains("DISENGAGED") && !n.contains("NOT_")
    }

    /// A twist source (odometry or TwistStamped) with a yaw rate that varies.
    private func odometry() -> (FieldSampler.Topic, String, String)? {
        topics.compactMap { t -> (FieldSampler.Topic, String, String)? in
            guard let (lin, wz) = ProfileInference.twistFields(t), let s = t.series[wz], s.contains(where: { $0.v != s[0].v }) else { return nil }
            return (t, lin, wz)
        }.max { $0.0.messages < $1.0.messages }
    }

    // MARK: Numbers

    /// One-second means of a series.
    private func means(_ s: [(t: Double, v: Double)]) -> [Double?] {
        var sum = [Double](repeating: 0, count: seconds), count = [Int](repeating: 0, count: seconds)
        for (t, v) in s where v.isFinite && t >= 0 {
            let k = Int(t)
            if k < seconds { sum[k] += v; count[k] += 1 }
        }
        return (0..<seconds).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : nil }
    }

    private func scaled(_ s: [(t: Double, v: Double)], _ k: Double) -> [(t: Double, v: Double)] { s.map { ($0.t, $0.v * k) } }
    private func scaled(_ s: [Double?], _ k: Double) -> [Double?] { s.map { $0.map { $0 * k } } }

    /// Pearson correlation over the seconds where both have a value, and how many those are.
    private func correlation(_ a: [Double?], _ b: [Double?]) -> (r: Double, n: Int) {
        var n = 0, sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        for (x, y) in zip(a, b) {
            guard let x, let y else { continue }
            n += 1; sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
        }
        guard n >= 3 else { return (0, n) }
        let d = Double(n), cov = sab / d - sa * sb / d / d
        let va = saa / d - sa * sa / d / d, vb = sbb / d - sb * sb / d / d
        return va > 1e-12 && vb > 1e-12 ? (cov / (va * vb).squareRoot(), n) : (0, n)
    }

    /// `var(y) / cov(x, y)`: how many units of `y` one unit of `x` is, from a regression of the
    /// noisier `x` on `y` (which leaves `x`'s noise out of the slope).
    private func slope(_ y: [Double?], on x: [Double?]) -> Double {
        var n = 0, sx = 0.0, sy = 0.0, syy = 0.0, sxy = 0.0
        for (a, b) in zip(x, y) {
            guard let a, let b else { continue }
            n += 1; sx += a; sy += b; syy += b * b; sxy += a * b
        }
        let d = Double(max(1, n)), cov = sxy / d - sx * sy / d / d, vy = syy / d - sy * sy / d / d
        return abs(cov) > 1e-12 ? vy / cov : .infinity
    }

    private func cross(_ a: Axis, _ b: Axis) -> Axis {
        // e_i × e_j = ε_ijk e_k: (x,y)→+z, (y,z)→+x, (z,x)→+y, and the reverse order negates.
        let k = 3 - a.index - b.index
        let cyclic = (a.index + 1) % 3 == b.index
        return (k, a.sign * b.sign * (cyclic ? 1 : -1))
    }

    private func rate(_ t: FieldSampler.Topic) -> Double {
        guard let s = t.series.values.first, let a = s.first?.t, let b = s.last?.t, b > a else { return 1 }
        return Double(s.count - 1) / (b - a)
    }

    private func rateText(_ t: FieldSampler.Topic) -> String { "\(fmt(rate(t))) Hz" }

    private func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : "\(r)"
    }
}
