import LongtailHDF5

#if canImport(Glibc)
import Glibc
#endif

/// Writes a simulated episode as HDF5 in the REASSEMBLE layout (F/T at 1 kHz, pose and
/// velocity at 100 Hz, gripper at 50 Hz, per-signal timestamps, segments_info) or the
/// ALOHA layout (qpos/qvel/effort/action at 50 Hz), with F/T bias, drift and noise.
enum RobotGenerator {
    /// Episode start time: episodes follow each other ten minutes apart.
    static func t0Seconds(_ index: Int) -> Double { 1_700_000_000 + Double(index) * 600 }

    static func generate(_ o: SynthJob.Options, index: Int, layout: SynthJob.Options.RobotLayout, path: String,
                         name: String) throws -> (UInt64, [GroundTruthLabel]) {
        var ep = RobotEpisode(seed: o.seed, index: index)
        ep.script(index: index)
        var rng = SynthRandom(seed: o.seed, stream: 9_000_000 &+ UInt64(index))
        let t0 = t0Seconds(index)
        let w = try HDF5Writer(path: path)
        let z = HDF5Compression.zstd(level: o.zstdLevel)
        let noisy = o.sensors == .noisy ? SynthRandom(seed: o.seed, stream: 11_000_003 &+ UInt64(index)) : nil
        let coarse = o.sensors == .coarse ? SynthRandom(seed: o.seed, stream: 13_000_003 &+ UInt64(index)) : nil
        if layout == .aloha {
            try writeAloha(ep, w, z, &rng, t0: t0, noisy: noisy)
        } else {
            try writeReassemble(ep, w, z, &rng, t0: t0, noisy: noisy, coarse: coarse, conventions: o.conventions)
        }
        try w.setAttribute("longtail_t0_ns", on: "/", .integers([Int64(t0 * 1e9)]))
        try w.setAttribute("longtail_force_convention", on: "/", .strings([o.conventions == .forceFlipped
            ? "wrench applied by the tool to the environment, tool frame, +z along the approach (pressing reads positive z)"
            : "wrench applied by the environment to the tool, tool frame, +z along the approach (pressing reads negative z)"]))
        try w.close()
        let t0ns = Int64(t0) * 1_000_000_000
        let labels = ep.events.map { e in
            GroundTruthLabel(source: name, event: e.0, kind: "manipulation", startNs: t0ns + Int64((e.1 * 1e9).rounded()),
                             endNs: t0ns + Int64((e.2 * 1e9).rounded()), facts: e.3)
        }.sorted { ($0.startNs, $0.event) < ($1.startNs, $1.event) }
        let size = UInt64((try? HDF5File(path: path)).map { _ in fileSize(path) } ?? 0)
        return (size, labels)
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Measured wrench: true wrench + constant bias + slow drift + white noise (float32).
    /// With `noisy` (the `noisy` sensor preset, its own random stream): the bias also drifts
    /// linearly, 0.02 N/s on force z and 0.01 N·m/s on torque z (signs random), and the
    /// white noise triples.
    static func measured(_ ep: RobotEpisode, _ rng: inout SynthRandom, noisy: SynthRandom? = nil) -> ([Float], [Float]) {
        var faults = noisy
        let forceDrift = faults.map { _ in (faults!.chance(0.5) ? 1.0 : -1.0) * 0.02 } ?? 0
        let torqueDrift = faults.map { _ in (faults!.chance(0.5) ? 1.0 : -1.0) * 0.01 } ?? 0
        func extra(_ sigma: Double) -> Double { faults == nil ? 0 : faults!.gauss() * sigma }
        let bias = (rng.noise(), rng.noise(), rng.noise() * 2), tbias = (rng.noise() * 0.05, rng.noise() * 0.05, rng.noise() * 0.02)
        let drift = rng.noise() * 0.2
        var force = [Float](), torque = [Float]()
        force.reserveCapacity(ep.count * 3); torque.reserveCapacity(ep.count * 3)
        for i in 0..<ep.count {
            let d = drift * Double(i) / Double(ep.count)
            // Quantized to the sensor's resolution (1/64 N, 1/2048 N·m), like a real F/T sensor's counts.
            let t = Double(i) / RobotEpisode.rate
            force += [q(ep.f[i].0 + bias.0 + d + rng.noise() * 0.05 + extra(0.1), 64), q(ep.f[i].1 + bias.1 + rng.noise() * 0.05 + extra(0.1), 64),
                      q(ep.f[i].2 + bias.2 - d + rng.noise() * 0.08 + forceDrift * t + extra(0.16), 64)]
            torque += [q(ep.tq[i].0 + tbias.0 + rng.noise() * 0.004 + extra(0.008), 2048), q(ep.tq[i].1 + tbias.1 + rng.noise() * 0.004 + extra(0.008), 2048),
                       q(ep.tq[i].2 + tbias.2 + rng.noise() * 0.003 + torqueDrift * t + extra(0.006), 2048)]
        }
        return (force, torque)
    }

    static func q(_ v: Double, _ countsPerUnit: Double) -> Float { Float((v * countsPerUnit).rounded() / countsPerUnit) }

    /// Tool orientation: tool z points down (π about base x), then the twist angle about tool z.
    static func quaternion(_ psi: Double) -> (Double, Double, Double, Double) {
        // q = q_x(π) ⊗ q_z(ψ) = (0,1,0,0) ⊗ (cos ψ/2, 0, 0, sin ψ/2) → (w, x, y, z)
        let c = cos(psi / 2), s = sin(psi / 2)
        return (0, c, -s, 0)
    }

    /// Seven joints as smooth functions of the tool pose (a stand-in for inverse kinematics).
    static func joints(_ x: Double, _ y: Double, _ z: Double, _ psi: Double) -> [Double] {
        [atan2(y, x), -0.3 + 1.2 * (z - 0.2), 0.1 * y, -2.2 + 1.5 * (x - 0.45) - 0.8 * (z - 0.2), 0.05 * y, 1.9 + 0.9 * (z - 0.2), 0.785 + psi]
    }

    /// Wrench rows (three columns each) as `conventions` store them: negated
    /// (`force-flipped`), or with the approach axis first (`tool-axis-x`: columns base z,
    /// base x, base y; the profile negates base z into the approach).
    static func stored(_ rows: [Float], _ conventions: SynthConventions) -> [Float] {
        switch conventions {
        case .forceFlipped: return rows.map { -$0 }
        case .toolAxisX:
            var out = rows
            for r in stride(from: 0, to: rows.count - 2, by: 3) { out[r] = rows[r + 2]; out[r + 1] = rows[r]; out[r + 2] = rows[r + 1] }
            return out
        default: return rows
        }
    }

    static func writeReassemble(_ ep: RobotEpisode, _ w: HDF5Writer, _ z: HDF5Compression, _ rng: inout SynthRandom, t0: Double,
                                noisy: SynthRandom? = nil, coarse: SynthRandom? = nil, conventions: SynthConventions = .standard) throws {
        var (force, torque) = measured(ep, &rng, noisy: noisy)
        if conventions == .forceFlipped { force = stored(force, conventions); torque = stored(torque, conventions) }
        let n = ep.count
        // Compensated (bias-free) wrench in the base frame: tool (x, −y, −z) rotated by ψ.
        var baseForce = [Float](), baseTorque = [Float]()
        for i in 0..<n {
            let c = cos(ep.psi[i]), s = sin(ep.psi[i])
            let (fx, fy, fz) = ep.f[i], (tx, ty, tz) = ep.tq[i]
            baseForce += [Float(c * fx - s * fy + rng.noise() * 0.05), Float(-(s * fx + c * fy) + rng.noise() * 0.05), Float(-fz + rng.noise() * 0.05)]
            baseTorque += [Float(c * tx - s * ty), Float(-(s * tx + c * ty)), Float(-tz + rng.noise() * 0.003)]
        }
        var ftTimes = (0..<n).map { t0 + Double($0) / 1000 + rng.noise() * 5e-6 }
        // The coarse preset keeps one F/T row in ten (100 Hz), drops 2 % of those, and moves
        // each stamp by up to ±2 ms.
        var faults = coarse
        let rows = faults == nil ? Array(0..<n) : stride(from: 0, to: n, by: 10).filter { _ in !faults!.chance(0.02) }
        if faults != nil { ftTimes = rows.map { ftTimes[$0] + faults!.uniform(-0.002...0.002) } }
        func pick(_ v: [Float]) -> [Float] { faults == nil ? v : rows.flatMap { v[(3 * $0)..<(3 * $0 + 3)] } }
        let m = rows.count
        try w.writeDataset("/robot_state/measured_force", values: pick(force), shape: [m, 3], chunkRows: 8192, compression: z)
        try w.writeDataset("/robot_state/measured_torque", values: pick(torque), shape: [m, 3], chunkRows: 8192, compression: z)
        try w.writeDataset("/robot_state/compensated_base_force", values: pick(stored(baseForce, conventions)), shape: [m, 3], chunkRows: 8192,
                           compression: z)
        try w.writeDataset("/robot_state/compensated_base_torque", values: pick(stored(baseTorque, conventions)), shape: [m, 3], chunkRows: 8192,
                           compression: z)
        try w.writeDataset("/timestamps/measured_force", values: ftTimes, shape: [m], chunkRows: 8192, compression: z)
        try w.writeDataset("/timestamps/measured_torque", values: ftTimes, shape: [m], chunkRows: 8192, compression: z)
        try w.writeDataset("/timestamps/compensated_base_force", values: ftTimes, shape: [m], chunkRows: 8192, compression: z)
        try w.writeDataset("/timestamps/compensated_base_torque", values: ftTimes, shape: [m], chunkRows: 8192, compression: z)
        // 100 Hz pose, velocity, joints (coarse: 20 Hz).
        let idx100 = Array(stride(from: 0, to: n, by: coarse == nil ? 10 : 50))
        var pose = [Double](), vel = [Double](), jp = [Double](), jv = [Double](), je = [Double]()
        var lastJ = joints(ep.x[0], ep.y[0], ep.z[0], ep.psi[0])
        for i in idx100 {
            let q = quaternion(ep.psi[i])
            pose += [ep.x[i] + rng.noise() * 2e-5, ep.y[i] + rng.noise() * 2e-5, ep.z[i] + rng.noise() * 2e-5, q.0, q.1, q.2, q.3]
            let j = max(0, i - 10)
            let dt = Double(i - j) / 1000
            vel += dt > 0 ? [(ep.x[i] - ep.x[j]) / dt, (ep.y[i] - ep.y[j]) / dt, (ep.z[i] - ep.z[j]) / dt, 0, 0, (ep.psi[i] - ep.psi[j]) / dt]
                          : [0, 0, 0, 0, 0, 0]
            let q7 = joints(ep.x[i], ep.y[i], ep.z[i], ep.psi[i])
            jp += q7
            jv += zip(q7, lastJ).map { ($0 - $1) * 100 }
            lastJ = q7
            let (fx, fy, fz) = ep.f[i], tz = ep.tq[i].2
            je += (0..<7).map { k in [0.0, 12, 0, -8, 0, 1.5, 0][k] + [0.4, 0.2, 0.1, 0.3, 0.05, 0.1, 0][k] * fx
                + [0.1, 0.4, 0.2, 0.1, 0.1, 0.05, 0][k] * fy + [0.05, 0.5, 0.1, 0.45, 0.05, 0.2, 0][k] * fz
                + (k == 6 ? 1.0 : 0.1) * tz + rng.noise() * 0.05 }
        }
        let k100 = idx100.count
        let t100 = idx100.map { t0 + Double($0) / 1000 }
        try w.writeDataset("/robot_state/pose", values: pose, shape: [k100, 7], chunkRows: 2048, compression: z)
        try w.writeDataset("/robot_state/velocity", values: vel, shape: [k100, 6], chunkRows: 2048, compression: z)
        try w.writeDataset("/robot_state/joint_positions", values: jp, shape: [k100, 7], chunkRows: 2048, compression: z)
        try w.writeDataset("/robot_state/joint_velocities", values: jv, shape: [k100, 7], chunkRows: 2048, compression: z)
        try w.writeDataset("/robot_state/joint_efforts", values: je, shape: [k100, 7], chunkRows: 2048, compression: z)
        for name in ["pose", "velocity", "joint_positions", "joint_velocities", "joint_efforts"] {
            try w.writeDataset("/timestamps/\(name)", values: t100, shape: [k100], chunkRows: 2048, compression: z)
        }
        let idx50 = Array(stride(from: 0, to: n, by: coarse == nil ? 20 : 100))
        let gripper = idx50.flatMap { i in [ep.grip[i] / 2, ep.grip[i] / 2].map { $0 + rng.noise() * 1e-5 } }
        try w.writeDataset("/robot_state/gripper_positions", values: gripper, shape: [idx50.count, 2], chunkRows: 1024, compression: z)
        try w.writeDataset("/timestamps/gripper_positions", values: idx50.map { t0 + Double($0) / 1000 }, shape: [idx50.count],
                           chunkRows: 1024, compression: z)
        for (k, seg) in ep.segments.enumerated() {
            try w.writeDataset("/segments_info/\(k)/start", values: [t0 + seg.1], shape: [])
            try w.writeDataset("/segments_info/\(k)/end", values: [t0 + seg.2], shape: [])
            try w.writeDataset("/segments_info/\(k)/success", values: [UInt8(ep.failedSegments.contains(k) ? 0 : 1)], shape: [])
            try w.writeString("/segments_info/\(k)/text", seg.0)
        }
    }

    static func writeAloha(_ ep: RobotEpisode, _ w: HDF5Writer, _ z: HDF5Compression, _ rng: inout SynthRandom, t0: Double,
                           noisy: SynthRandom? = nil) throws {
        let idx50 = Array(stride(from: 0, to: ep.count, by: 20))
        let m = idx50.count
        var qpos = [Float](), qvel = [Float](), effort = [Float](), action = [Float]()
        var last = [Double](repeating: 0, count: 14)
        let (force, torque) = measured(ep, &rng, noisy: noisy)
        for (r, i) in idx50.enumerated() {
            let left = Array(joints(ep.x[i], ep.y[i], ep.z[i], ep.psi[i]).prefix(6)) + [1 - ep.grip[i] / 0.08]
            let right: [Double] = [0, -0.96, 1.16, 0, -0.3, 0, 0]
            let q = left + right
            qpos += q.map { Float($0 + rng.noise() * 2e-4) }
            qvel += zip(q, last).map { Float(r == 0 ? 0 : ($0 - $1) * 50) }
            last = q
            // Joint torques carry the wrench (averaged over the 20 ms between frames).
            var fw = [Double](repeating: 0, count: 4)
            for k in i..<min(i + 20, ep.count) {
                fw[0] += Double(force[3 * k]); fw[1] += Double(force[3 * k + 1]); fw[2] += Double(force[3 * k + 2])
                fw[3] += Double(torque[3 * k + 2])
            }
            let cnt = Double(min(i + 20, ep.count) - i)
            fw = fw.map { $0 / cnt }
            let leftEffort = (0..<7).map { k in [0.0, 3.1, -1.2, 0, 0.4, 0, 0.2][k] + [0.3, 0.2, 0.1, 0.25, 0.05, 0.1, 0][k] * fw[0]
                + [0.1, 0.35, 0.2, 0.1, 0.1, 0.05, 0][k] * fw[1] + [0.05, 0.45, 0.3, 0.4, 0.05, 0.2, 0][k] * fw[2]
                + (k == 5 ? 1.0 : 0.05) * fw[3] }
            effort += (leftEffort + [0, 3.0, -1.1, 0, 0.4, 0, 0.2]).map { Float($0 + rng.noise() * 0.02) }
            action += q.map { Float($0) }
        }
        try w.writeDataset("/observations/qpos", values: qpos, shape: [m, 14], chunkRows: 1024, compression: z)
        try w.writeDataset("/observations/qvel", values: qvel, shape: [m, 14], chunkRows: 1024, compression: z)
        try w.writeDataset("/observations/effort", values: effort, shape: [m, 14], chunkRows: 1024, compression: z)
        try w.writeDataset("/action", values: action, shape: [m, 14], chunkRows: 1024, compression: z)
        try w.setAttribute("sim", on: "/", .integers([0]))
        try w.setAttribute("rate_hz", on: "/", .integers([50]))
    }
}
