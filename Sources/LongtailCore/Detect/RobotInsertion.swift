/// The insertion family of EVENTS.md, judged from the physics of one compressive contact
/// along the approach axis, with its outcome:
///
/// - `seated`: the tool advanced at least `insert.min_depth_mm` (a peg finding its hole and
///   going home), or, short of that, the force fell sharply while the tool moved forward (a snap-fit's
///   click: within `insert.click_window_s` the compressive force drops by
///   `insert.click_drop_fraction` of itself, at least `insert.click_min_drop_n`, and the
///   tool advances `insert.click_advance_mm`). A force that falls while the tool backs off
///   is a release, not a click.
/// - `jammed`: no seating, and the force rose while the tool stayed put: the peak is at
///   least `insert.jam_rise_ratio` times the force just after contact and
///   `insert.jam_rise_n` above it.
/// - `aborted`: no seating, no jam, and the tool retreated at least `insert.retreat_mm`
///   within 0.5 s of losing contact.
///
/// A contact that is none of these (a part set down, a press that stays) is no insertion.
extension RobotDetector.Episode {
    func insertions(_ sink: inout EventSink) {
        let axial = th["contact.axial_n"], minDepth = th["insert.min_depth_mm"]
        for r in runs(minDuration: th["contact.min_duration_s"], { -fz[$0] > axial }) {
            let z0 = ends(pz, r).0
            guard z0.isFinite else { continue }
            var deepest = z0
            for i in r where pz[i] > deepest { deepest = pz[i] }
            let depth = (deepest - z0) * 1000
            var peakAt = r.lowerBound
            for i in r where fz[i] < fz[peakAt] { peakAt = i }
            let peak = -fz[peakAt]
            var facts: [(String, DetectedEvent.Fact)] = []
            let confidence: Double
            if depth >= minDepth {
                facts = [("outcome", .text("seated"))]
                confidence = marginConfidence(depth, threshold: minDepth, full: 5)
            } else if let drop = click(in: r) {
                facts = [("outcome", .text("seated")), ("click_drop_n", .number(drop))]
                confidence = marginConfidence(drop, threshold: th["insert.click_min_drop_n"], full: 5)
            } else if let rise = jam(in: r, peak: peak) {
                facts = [("outcome", .text("jammed")), ("force_rise_n", .number(rise))]
                confidence = marginConfidence(rise, threshold: th["insert.jam_rise_n"], full: 10)
            } else if retreated(after: r, from: deepest) {
                facts = [("outcome", .text("aborted"))]
                confidence = marginConfidence(Double(r.count) * dt, threshold: th["contact.min_duration_s"], full: 1)
            } else {
                continue
            }
            facts += [("peak_axial_force_n", .number(peak)), ("insertion_depth_mm", .number(depth)), ("duration_s", .number(Double(r.count) * dt))]
            sink.emit("insert", "manipulation", seconds(r.lowerBound), seconds(r.upperBound), confidence: confidence, facts)
        }
    }

    /// The largest click in `r`: the drop (N) of a sharp fall of the compressive force while
    /// the tool moves forward, or nil.
    func click(in r: Range<Int>) -> Double? {
        let window = max(1, Int((th["insert.click_window_s"] / dt).rounded()))
        let fraction = th["insert.click_drop_fraction"], minDrop = th["insert.click_min_drop_n"]
        let advance = th["insert.click_advance_mm"] / 1000
        // Position samples are slower than force: judge the advance over 50 ms either side.
        let margin = max(1, Int((0.05 / dt).rounded()))
        var best: Double?
        var i = r.lowerBound
        while i < r.upperBound {
            let f = -fz[i]
            guard f.isFinite, f >= minDrop else { i += 1; continue }
            var low = f, lowAt = i
            for j in (i + 1)..<min(n, i + window + 1) where -fz[j] < low { low = -fz[j]; lowAt = j }
            let drop = f - low
            if drop >= minDrop, drop >= fraction * f {
                let before = pz[max(0, i - margin)], after = pz[min(n - 1, lowAt + margin)]
                if after - before >= advance {
                    best = max(best ?? 0, drop)
                    i = lowAt
                }
            }
            i += 1
        }
        return best
    }

    /// The rise (N) of the compressive force from just after contact to its peak, when it
    /// rose enough to call the insertion jammed; nil otherwise.
    func jam(in r: Range<Int>, peak: Double) -> Double? {
        let from = min(r.upperBound, r.lowerBound + Int(0.15 / dt)), to = min(r.upperBound, from + max(1, Int(0.2 / dt)))
        guard from < to else { return nil }
        let early = -median(fz, from..<to)
        guard early.isFinite, peak.isFinite else { return nil }
        let rise = peak - early
        return rise >= th["insert.jam_rise_n"] && peak >= th["insert.jam_rise_ratio"] * max(early, th["contact.axial_n"]) ? rise : nil
    }

    /// Whether the tool backed off the part: within 0.5 s after contact ended it stands
    /// `insert.retreat_mm` short of the deepest point it reached.
    func retreated(after r: Range<Int>, from deepest: Double) -> Bool {
        let end = min(n, r.upperBound + Int(0.5 / dt))
        guard r.upperBound < end else { return false }
        let back = pz[r.upperBound..<end].filter { !$0.isNaN }.min() ?? .nan
        return (deepest - back) * 1000 >= th["insert.retreat_mm"]
    }
}
