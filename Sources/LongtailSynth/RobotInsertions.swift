#if canImport(Glibc)
import Glibc
#endif

/// The insertion family beyond peg-in-hole (EVENTS.md): snap-fits that click home, and
/// insertions that fail — jammed (force rises, no advance, no drop) or aborted (the tool
/// retreats before seating). Each is labelled `insert` with its `outcome`; the label runs
/// from first contact to the end of the attempt (seated: the settle after the click;
/// failed: the moment contact is lost on the way back).
extension RobotEpisode {
    /// The variant of an insert task in episodes past the first four (which keep the
    /// classic peg so that the small fixtures stay as they are). Its own random stream:
    /// the other tasks of the episode draw what they drew before.
    mutating func insertVariant(index: Int) {
        var pick = SynthRandom(seed: rng.next(), stream: 7_500_000 &+ UInt64(index))
        let u = pick.uniform()
        switch u {
        case ..<0.4: insert()
        case ..<0.7: snapFit()
        case ..<0.85: jammedInsert()
        default: abortedInsert()
        }
    }

    /// Free approach along the tool axis, then first contact: the compressive force builds
    /// to `force` over 0.15 s. Returns the contact's start time.
    private mutating func approachAndTouch(force: Double) -> Double {
        let speed = rng.uniform(0.015...0.03)
        let approach = Int(rng.uniform(0.3...0.6) * Self.rate)
        for _ in 0..<approach { push(x.last!, y.last!, z.last! - speed / Self.rate, psi.last!, grip.last!) }
        let start = now
        for i in 1...150 { push(x.last!, y.last!, z.last!, psi.last!, grip.last!, (0, 0, -force * Double(i) / 150)) }
        return start
    }

    /// Backs the tool off the part: the press fades within 0.1 s as it lifts 1 mm, then it
    /// moves on up. Returns when contact was lost.
    private mutating func retreat(from force: Double) -> Double {
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        for i in 1...100 {
            let s = Double(i) / 100
            push(cx, cy, cz + 0.001 * s, psi.last!, grip.last!, (0, 0, -force * (1 - s)))
        }
        let lost = now
        move(to: (cx, cy, cz + 0.02), seconds: 0.5)
        return lost
    }

    /// A snap-fit: an optional alignment pivot of a few degrees, then the force rises while
    /// the part advances a little (the snap arms flex), then the click: within 10–15 ms the
    /// force falls to a fraction of its peak while the part jumps further home.
    mutating func snapFit() {
        let touch = rng.uniform(3...6), peak = rng.uniform(15...40), flex = rng.uniform(0.001...0.0025)
        let jump = rng.uniform(0.001...0.002), residual = rng.uniform(0.1...0.25) * peak
        let start = approachAndTouch(force: touch)
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        if rng.chance(0.5) {   // alignment pivot: a few degrees about the tool axis at the touch force
            let p0 = psi.last!, angle = rng.uniform(3...10) * .pi / 180 * (rng.chance(0.5) ? 1 : -1)
            let n = Int(rng.uniform(0.3...0.6) * Self.rate)
            for i in 1...n { push(cx, cy, cz, p0 + angle * Self.minJerk(Double(i) / Double(n)), grip.last!, (0, 0, -touch)) }
        }
        let n = Int(rng.uniform(0.4...1.0) * Self.rate)
        for i in 1...n {
            let s = Double(i) / Double(n)
            push(cx, cy, cz - flex * s, psi.last!, grip.last!, (0, 0, -(touch + (peak - touch) * s)))
        }
        let click = rng.int(10...15)
        for i in 1...click {
            let s = Self.minJerk(Double(i) / Double(click))
            push(cx, cy, cz - flex - jump * s, psi.last!, grip.last!, (0, 0, -(peak + (residual - peak) * s)))
        }
        for _ in 0..<200 { push(x.last!, y.last!, z.last!, psi.last!, grip.last!, (0, 0, -residual)) }
        record("insert", from: start, [("outcome", .text("seated")), ("peak_axial_force_n", .number(peak)),
                                             ("insertion_depth_mm", .number((flex + jump) * 1000)), ("click_drop_n", .number(peak - residual))],
               "snap the part into place")
        let g0 = grip.last!
        for i in 1...400 { push(x.last!, y.last!, z.last!, psi.last!, g0 + (0.08 - g0) * Self.minJerk(Double(i) / 400), (0, 0, -residual * (1 - Double(i) / 400))) }
    }

    /// A jammed insertion: the robot presses harder and harder, the part does not move
    /// (a few tenths of a millimetre of compliance), nothing gives; it backs off.
    mutating func jammedInsert() {
        let touch = rng.uniform(3...6), peak = rng.uniform(20...45), give = rng.uniform(0...0.0003)
        let start = approachAndTouch(force: touch)
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        let n = Int(rng.uniform(0.6...1.5) * Self.rate)
        for i in 1...n {
            let s = Double(i) / Double(n)
            push(cx, cy, cz - give * s, psi.last!, grip.last!, (0, 0, -(touch + (peak - touch) * s)))
        }
        let hold = Int(rng.uniform(0.2...0.5) * Self.rate)
        for i in 0..<hold { push(x.last!, y.last!, z.last!, psi.last!, grip.last!, (0, 0, -peak + 0.3 * sin(Double(i) / 20))) }
        let lost = retreat(from: peak)
        events.append(("insert", start, lost, [("outcome", .text("jammed")), ("peak_axial_force_n", .number(peak)),
                                                ("insertion_depth_mm", .number(give * 1000))], "the part jams"))
        failedSegments.insert(segments.count)
        segments.append(("insert", start, lost))
    }

    /// An aborted insertion: contact and a spiral search at a steady force that never finds
    /// the hole; the robot gives up and retreats.
    mutating func abortedInsert() {
        let force = rng.uniform(6...14), searchTime = rng.uniform(0.8...2.0)
        let start = approachAndTouch(force: force)
        let (cx, cy, cz) = (x.last!, y.last!, z.last!)
        let n = Int(searchTime * Self.rate)
        for i in 1...n {
            let s = Double(i) / Self.rate, r = 0.0015 * Double(i) / Double(n), w = 2 * Double.pi * 1.5
            push(cx + r * cos(w * s), cy + r * sin(w * s), cz, psi.last!, grip.last!, (0, 0, -force + 0.4 * sin(9 * s)))
        }
        let lost = retreat(from: force)
        events.append(("insert", start, lost, [("outcome", .text("aborted")), ("search_force_n", .number(force)),
                                                ("search_duration_s", .number(searchTime))], "give up on the insertion"))
        failedSegments.insert(segments.count)
        segments.append(("insert", start, lost))
    }
}
