/// How a channel's header stamps sit against its log (receive) times, from a sample of its
/// messages. The scan aligns topics by their stamps: topics stamped by different clocks
/// (a sensor's time since boot beside wall time, a bag recorded in simulated time) or a
/// clock that jumps put one signal seconds away from another, and every event that
/// combines them is wrong. Receive delays are milliseconds; these are seconds.
struct StampClock {
    /// Sampled `logTime - stamp`, nanoseconds (at most `limit`; every other one kept once full).
    private(set) var offsets: [Int64] = []
    private var keepEvery = 1, seen = 0
    static let limit = 4096

    mutating func add(logTime: Int64, stamp: Int64) {
        seen += 1
        guard seen % keepEvery == 0 else { return }
        offsets.append(logTime &- stamp)
        if offsets.count >= Self.limit {
            offsets = stride(from: 0, to: offsets.count, by: 2).map { offsets[$0] }
            keepEvery *= 2
        }
    }

    /// The median offset and the spread between the 5th and 95th percentiles, seconds.
    var summary: (median: Double, spread: Double)? {
        guard offsets.count >= 8 else { return nil }
        let s = offsets.sorted()
        func at(_ q: Double) -> Double { Double(s[min(s.count - 1, Int(q * Double(s.count - 1)))]) / 1e9 }
        return (at(0.5), at(0.95) - at(0.05))
    }

    /// Warnings for the channels of one source (topic, clock): stamps on clocks more than
    /// 1 s apart across topics, or one topic's stamps wandering more than 5 s against its
    /// log times.
    static func warnings(_ channels: [(String, StampClock)]) -> [String] {
        var out: [String] = []
        let summaries = channels.compactMap { t, c in c.summary.map { (t, $0) } }
        for (topic, s) in summaries where s.spread > 5 {
            out.append("stamps of \(topic) wander \(fmt(s.spread)) s against its log times (5th to 95th percentile): a clock that jumps or drifts; its signals are placed by those stamps")
        }
        if let low = summaries.min(by: { $0.1.median < $1.1.median }), let high = summaries.max(by: { $0.1.median < $1.1.median }),
           high.1.median - low.1.median > 1 {
            out.append("stamps of \(high.0) lie \(fmt(high.1.median - low.1.median)) s further behind their log times than those of \(low.0): different clocks? Topics are aligned by their stamps, so their signals are that far apart (map `stamp` off for one, to use log times)")
        }
        return out
    }

    private static func fmt(_ v: Double) -> String { "\((v * 100).rounded() / 100)" }
}
