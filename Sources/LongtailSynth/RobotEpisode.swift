#if canImport(Glibc)
import Glibc
#endif

/// A simulated force-position manipulation episode at 1 kHz: tool position and twist angle,
/// gripper opening, and the true wrench the environment applies to the tool, in the tool
/// frame (+z along the approach; pressing into a surface reads negative z, pulling away
/// against resistance reads positive).
struct RobotEpisode {
    static let rate = 1000.0
    var x: [Double] = [], y: [Double] = [], z: [Double] = [], psi: [Double] = [], grip: [Double] = []
    var f: [(Double, Double, Double)] = [], tq: [(Double, Double, Double)] = []
    /// Scripted intervals: (event, start s, end s, facts, text).
    var events: [(String, Double, Double, [(String, GroundTruthLabel.Fact)], String)] = []
    /// Every action segment (events and distractors) for `segments_info`.
    var segments: [(String, Double, Double)] = []
    /// Indices into `segments` of attempts that failed (`success` = 0 in `segments_info`).
    var failedSegments: Set<Int> = []
    var rng: SynthRandom

    var count: Int { x.count }
    var now: Double { Double(count) / Self.rate }

    init(seed: UInt64, index: Int) {
        rng = SynthRandom(seed: seed, stream: 7_000_000 &+ UInt64(index))
        x = [0.45]; y = [0.0]; z = [0.30]; psi = [0]; grip = [0.08]; f = [(0, 0, 0)]; tq = [(0, 0, 0)]
    }

    // MARK: building blocks

    mutating func push(_ px: Double, _ py: Double, _ pz: Double, _ ps: Double, _ g: Double,
                               _ force: (Double, Double, Double) = (0, 0, 0), _ torque: (Double, Double, Double) = (0, 0, 0)) {
        x.append(px); y.append(py); z.append(pz); psi.append(ps); grip.append(g); f.append(force); tq.append(torque)
    }

    /// Minimum-jerk blend from 0 to 1.
    static func minJerk(_ s: Double) -> Double { let u = min(max(s, 0), 1); return u * u * u * (10 - 15 * u + 6 * u * u) }

    /// Free-space move (tool z is base −z, so "down" along the approach lowers z).
    mutating func move(to target: (Double, Double, Double), seconds: Double, spike: Bool = false) {
        let (x0, y0, z0, p0, g0) = (x.last!, y.last!, z.last!, psi.last!, grip.last!)
        let n = Int(seconds * Self.rate)
        var spikeAt = -1, spikeLength = 0, spikePeak = 0.0, dir = (0.0, 0.0, 0.0)
        if spike {
            spikeAt = rng.int(n / 4...(n * 3 / 4)); spikeLength = rng.int(10...30); spikePeak = rng.uniform(45...90)
            let a = rng.uniform(0...(2 * .pi)), b = rng.uniform(-0.5...0.5)
            dir = (cos(a) * cos(b), sin(a) * cos(b), sin(b))
        }
        var truePeak = 0.0
        for i in 1...max(1, n) {
            let s = Self.minJerk(Double(i) / Double(max(1, n)))
            var force = (0.0, 0.0, 0.0)
            if spike && i >= spikeAt && i < spikeAt + spikeLength {
                let k = 1 - abs(Double(i - spikeAt) - Double(spikeLength) / 2) / (Double(spikeLength) / 2)
                let mag = spikePeak * max(0, k)
                force = (dir.0 * mag, dir.1 * mag, dir.2 * mag)
                truePeak = max(truePeak, mag)
            }
            push(x0 + (target.0 - x0) * s, y0 + (target.1 - y0) * s, z0 + (target.2 - z0) * s, p0, g0, force)
        }
        if spike {
            // The fact is the largest force actually applied (the sampled peak of the triangle).
            let start = now - Double(max(1, n) - spikeAt + 1) / Self.rate
            events.append(("contact_spike", start, start + Double(spikeLength) / Self.rate, [("peak_force_n", .number(truePeak))], "collision"))
        }
    }

    mutating func still(_ seconds: Double) {
        for _ in 0..<Int(seconds * Self.rate) { push(x.last!, y.last!, z.last!, psi.last!, grip.last!) }
    }

    /// Opens or closes the gripper; closing on an object adds a small squeeze reaction (< 1 N).
    mutating func gripper(to width: Double, seconds: Double) {
        let g0 = grip.last!
        let n = Int(seconds * Self.rate)
        for i in 1...n {
            let g = g0 + (width - g0) * Self.minJerk(Double(i) / Double(n))
            push(x.last!, y.last!, z.last!, psi.last!, g, (0, 0, width < g0 ? -0.3 * Double(i) / Double(n) : 0))
        }
    }

    /// A light touch that stays under the contact threshold (a distractor).
    mutating func lightTouch() {
        let peak = rng.uniform(0.5...1.1)
        let n = Int(rng.uniform(0.4...0.8) * Self.rate)
        for i in 0..<n { push(x.last!, y.last!, z.last!, psi.last!, grip.last!, (0, 0, -peak * sin(Double.pi * Double(i) / Double(n)))) }
        segments.append(("touch", now - Double(n) / Self.rate, now))
    }

    // MARK: primitives

    /// Closes a primitive that began at `start`: its ground-truth event and its action segment.
    mutating func record(_ name: String, from start: Double, _ facts: [(String, GroundTruthLabel.Fact)], _ text: String) {
        events.append((name, start, now, facts, text))
        segments.append((name, start, now))
    }

    mutating func insert() {
        let speed = rng.uniform(0.015...0.03), searchForce = rng.uniform(6...14), searchTime = rng.uniform(0.8...2.0)
        let depth = rng.uniform(0.0075...0.015), spike = rng.uniform(22...40)
        // approach in free space
        let approach = Int(rng.uniform(0.3...0.6) * Self.rate)
        for _ in 0..<approach { push(x.last!, y.last!, z.last! - speed / Self.rate, psi.last!, grip.last!) }
        let start = now
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        // contact: compressive force rises as the peg meets the surface
        for i in 1...150 { push(cx, cy, cz, psi.last!, grip.last!, (0, 0, -searchForce * Double(i) / 150)) }
        // search: small spiral at roughly constant axial force, friction opposing the motion
        let n = Int(searchTime * Self.rate)
        var px = cx, py = cy
        for i in 1...n {
            let s = Double(i) / Self.rate, r = 0.0015 * Double(i) / Double(n), w = 2 * Double.pi * 1.5
            let nx = cx + r * cos(w * s), ny = cy + r * sin(w * s)
            let (vx, vy) = (nx - px, ny - py)
            let norm = max((vx * vx + vy * vy).squareRoot(), 1e-12)
            let fric = 0.2 * searchForce
            push(nx, ny, cz, psi.last!, grip.last!, (-fric * vx / norm, -fric * vy / norm, -searchForce + 0.4 * sin(9 * s)))
            px = nx; py = ny
        }
        // hole found: z advances while the axial force drops
        let m = Int(rng.uniform(0.5...1.0) * Self.rate)
        let sliding = rng.uniform(2...4)
        for i in 1...m {
            let s = Self.minJerk(Double(i) / Double(m))
            let axial = searchForce + (sliding - searchForce) * min(1, Double(i) / 80)
            push(px, py, cz - depth * s, psi.last!, grip.last!, (0, 0, -axial))
        }
        // seating spike as the z velocity reaches zero, then a small residual press
        for i in 0..<25 { push(px, py, cz - depth, psi.last!, grip.last!, (0, 0, -(sliding + (spike - sliding) * Double(i) / 24))) }
        for i in 0..<60 { push(px, py, cz - depth, psi.last!, grip.last!, (0, 0, -(spike + (5 - spike) * Double(i) / 59))) }
        for _ in 0..<200 { push(px, py, cz - depth, psi.last!, grip.last!, (0, 0, -5)) }
        record("insert", from: start, [("outcome", .text("seated")), ("search_force_n", .number(searchForce)), ("peak_axial_force_n", .number(spike)),
                                             ("insertion_depth_mm", .number(depth * 1000)), ("search_duration_s", .number(searchTime))], "insert the peg into the hole")
        // release: the press fades as the gripper opens
        let g0 = grip.last!
        for i in 1...400 { push(px, py, cz - depth, psi.last!, g0 + (0.08 - g0) * Self.minJerk(Double(i) / 400), (0, 0, -5 * (1 - Double(i) / 400))) }
    }

    mutating func extract() {
        gripper(to: 0.02, seconds: 0.4)
        let speed = rng.uniform(0.01...0.02), peak = rng.uniform(12...30), stuck = rng.uniform(0.5...1.5)
        let start = now
        let n = Int(stuck * Self.rate)
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        for i in 1...n {   // stuck: tension builds, the part barely moves (compliance)
            push(cx, cy, cz + 0.0005 * Double(i) / Double(n), psi.last!, grip.last!, (0, 0, peak * Double(i) / Double(n)))
        }
        let z1 = z.last!
        for i in 1...15 { push(cx, cy, z1 + speed * Double(i) / Self.rate, psi.last!, grip.last!, (0, 0, peak - (peak - 1) * Double(i) / 15)) }
        let free = Int(rng.uniform(0.5...1.0) * Self.rate)
        let z2 = z.last!
        for i in 1...free { push(cx, cy, z2 + speed * Double(i) / Self.rate, psi.last!, grip.last!, (0, 0, 1.0)) }
        record("extract", from: start, [("peak_tensile_force_n", .number(peak)), ("breakaway_drop_n", .number(peak - 1)),
                                              ("extraction_distance_mm", .number((z.last! - cz) * 1000))], "pull the part out")
        gripper(to: 0.08, seconds: 0.3)   // put the part down
    }

    mutating func pull() {
        gripper(to: 0.03, seconds: 0.4)
        let speed = rng.uniform(0.03...0.06), force = rng.uniform(8...20), duration = rng.uniform(1.5...3.0)
        let start = now
        let n = Int(duration * Self.rate)
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        for i in 1...n {
            let s = Double(i) / Self.rate
            let ramp = min(1, s / 0.2)
            // moving along base −x (tool −x); the drawer resists along +x
            push(cx - speed * s, cy, cz, psi.last!, grip.last!, (ramp * (force + 0.8 * sin(2 * .pi * 3 * s)), 0, 0))
        }
        record("pull", from: start, [("mean_opposing_force_n", .number(force)), ("distance_mm", .number(speed * duration * 1000))], "pull the drawer open")
        gripper(to: 0.08, seconds: 0.3)
    }

    mutating func pushPrimitive() {
        if rng.chance(0.5) { gripper(to: 0.005, seconds: 0.3) }
        let speed = rng.uniform(0.02...0.04), force = rng.uniform(8...25), distance = rng.uniform(0.03...0.08)
        let start = now
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        for i in 1...150 { push(cx, cy, cz, psi.last!, grip.last!, (-force * Double(i) / 150, 0, 0)) }
        let n = Int(distance / speed * Self.rate)
        for i in 1...n {
            let s = Double(i) / Self.rate
            push(cx + speed * s, cy, cz, psi.last!, grip.last!, (-(force + 1.0 * sin(2 * .pi * 2 * s)), 0, 0))
        }
        for i in 1...100 { push(x.last!, cy, cz, psi.last!, grip.last!, (-force * (1 - Double(i) / 100), 0, 0)) }
        record("push", from: start, [("mean_force_n", .number(force)), ("distance_mm", .number(distance * 1000))], "push the block")
    }

    mutating func twist() {
        gripper(to: 0.025, seconds: 0.4)
        let angle = rng.uniform(30...90) * .pi / 180 * (rng.chance(0.5) ? 1 : -1), torque = rng.uniform(0.8...3.0)
        let duration = rng.uniform(1.0...3.0)
        let start = now
        let n = Int(duration * Self.rate)
        let p0 = psi.last!
        for i in 1...n {
            let s = Double(i) / Double(n)
            let ramp = min(1, Double(i) / 150) * min(1, Double(n - i) / 100 + 0.2)
            push(x.last!, y.last!, z.last!, p0 + angle * Self.minJerk(s), grip.last!, (0, 0, -0.5),
                 (0, 0, -(angle > 0 ? 1 : -1) * torque * ramp))
        }
        record("twist", from: start, [("rotation_deg", .number(abs(angle) * 180 / .pi)), ("peak_torque_nm", .number(torque))], "turn the knob")
        gripper(to: 0.08, seconds: 0.3)
    }

    /// A whole episode: still frames for bias removal, then 2–3 tasks with free motion,
    /// grasps and light touches between them, sometimes a collision spike.
    /// Episodes take consecutive tasks of a fixed rotation, a pair of episodes (one per layout
    /// when both are written) sharing the same tasks, so the first four episodes hold all five
    /// primitives in each layout; the first has a collision spike.
    mutating func script(index: Int) {
        still(rng.uniform(0.6...1.0))
        let rotation = ["insert", "twist", "pull", "extract", "push"]
        let count = index < 4 ? 3 : rng.int(2...3)
        let tasks = (0..<count).map { rotation[(3 * (index / 2) + $0) % rotation.count] }
        for (k, task) in tasks.enumerated() {
            move(to: (rng.uniform(0.35...0.6), rng.uniform(-0.2...0.2), rng.uniform(0.12...0.2)), seconds: rng.uniform(1.0...2.0),
                 spike: k == 1 && (index == 0 || rng.chance(0.4)))
            if rng.chance(0.5) { lightTouch() }
            if task == "insert" { gripper(to: 0.015, seconds: 0.4) }
            switch task {
            case "insert" where index >= 4: insertVariant(index: index)
            case "insert": insert()
            case "extract": extract()
            case "pull": pull()
            case "push": pushPrimitive()
            default: twist()
            }
            move(to: (x.last!, y.last!, z.last! + 0.08), seconds: rng.uniform(0.6...1.0))
        }
        move(to: (0.45, 0.0, 0.30), seconds: 1.5)
        still(0.5)
    }
}
