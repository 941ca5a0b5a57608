/// One source's canonical signals at the pretraining rate: every `factor` scan ticks become
/// one row, the mean of the ticks for continuous signals and the first tick for states.
/// A row that touches a gap (a NaN tick) is NaN: gaps stay visible, never filled in.
public struct PretrainSeries: Sendable {
    public var channels: [String]
    public var isState: [Bool]
    /// Time of row 0's first tick; row `i` covers `[t0Ns + i·periodNs, t0Ns + (i+1)·periodNs)`.
    public var t0Ns: Int64 = 0
    public var periodNs: Int64
    /// Per channel, one value per row.
    public var values: [[Float]]
    public var rows: Int { values.first?.count ?? 0 }

    /// Scan ticks per row.
    public let factor: Int
    private var pending = 0            // ticks summed into the current row
    private var sums: [Float]
    private var started = false

    /// Rows at `rateHz` from ticks at `scanRateHz` (the factor is rounded, at least 1).
    init(channels: [String], isState: [Bool], scanRateHz: Double, rateHz: Double) {
        self.channels = channels
        self.isState = isState
        factor = max(1, Int((scanRateHz / rateHz).rounded()))
        periodNs = Int64((1e9 / scanRateHz).rounded()) * Int64(factor)
        values = channels.map { _ in [] }
        sums = [Float](repeating: 0, count: channels.count)
    }

    /// A finished series, as read back from a result file.
    public init(channels: [String], isState: [Bool], t0Ns: Int64, periodNs: Int64, factor: Int, values: [[Float]]) {
        self.channels = channels; self.isState = isState; self.t0Ns = t0Ns; self.periodNs = periodNs
        self.factor = factor; self.values = values
        sums = [Float](repeating: 0, count: channels.count)
        started = true
    }

    /// Adds `count` ticks starting at `t`; `column(k)` holds channel k's ticks (nil: missing).
    mutating func add(_ t: Int64, count: Int, _ column: (Int) -> UnsafePointer<Float>?) {
        if !started { t0Ns = t; started = true }
        var i = 0
        while i < count {
            let take = min(factor - pending, count - i)
            for k in channels.indices {
                guard let c = column(k) else { if pending == 0 { sums[k] = .nan }; continue }
                if isState[k] {
                    if pending == 0 { sums[k] = c[i] }
                } else {
                    var s: Float = pending == 0 ? 0 : sums[k]
                    for j in i..<(i + take) { s += c[j] }
                    sums[k] = s
                }
            }
            pending += take
            i += take
            if pending == factor { flush() }
        }
    }

    /// Closes the last, partial row.
    mutating func finish() { if pending > 0 { flush() } }

    private mutating func flush() {
        for k in channels.indices {
            values[k].append(isState[k] ? sums[k] : sums[k] / Float(pending))
        }
        pending = 0
    }
}
