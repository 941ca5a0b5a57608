#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stretch where a signal had no samples for longer than its allowed gap: ticks inside
/// it are missing (NaN), never interpolated.
public struct SignalGap: Sendable, Equatable {
    public var signal: String
    public var startNs: Int64
    public var endNs: Int64

    public init(signal: String, startNs: Int64, endNs: Int64) { self.signal = signal; self.startNs = startNs; self.endNs = endNs }
}

/// The samples of canonical signals that arrive together (one topic, one stamp, one kind:
/// the IMU's three axes, the weather message's seven fields) waiting to be resampled: one
/// time per row and one value per signal, so the time search and the interpolation weight
/// of a tick are computed once for all of them. Growable buffers that the owning
/// `Resampler` frees (`release()`): appends and lookups touch no Swift array.
///
/// A row is the samples of one message: a value whose column is still empty in the newest
/// row with the same time joins that row; anything else starts a row, its other columns
/// NaN (missing at that time). Samples fed one signal at a time (HDF5 columns) must
/// therefore each have a queue of their own.
struct SignalQueue {
    /// The signals' names, and their columns in the `Resampler`'s block, in column order.
    let names: [String]
    let signals: [Int]
    let width: Int
    let isState: Bool
    /// Longer than this without a sample is a gap (NaN, never interpolated): the profile's
    /// `max_gap_s`, or by default 2.5 s for states and, for continuous signals, 0.2 s or
    /// 2.5 message periods, whichever is longer, so that one dropped message of a 10 Hz
    /// signal is not a gap (a 0.2 s limit cut a 10 Hz wheel speed at every drop, and each
    /// cut split the runs of every rule reading it).
    private(set) var maxGapNs: Int64
    /// Whether `maxGapNs` follows the message period (no `max_gap_s`, a continuous signal).
    private let adaptiveGap: Bool
    /// The message period, estimated from the spacing of rows (an average that a dropped
    /// message or a burst moves by little: each spacing is clipped to 0.5–1.5× the estimate).
    private var periodNs = Double.nan
    /// Spacings seen: the period is learnt from every one of the first 64, then from every 16th.
    private var spacings = 0
    /// Whether any column unwraps angles (skips that work per sample when none does).
    let anyUnwrap: Bool
    private(set) var times: UnsafeMutablePointer<Int64>
    /// Row-major: sample `r` of column `c` at `values[r * width + c]`.
    private(set) var values: UnsafeMutablePointer<Float>
    private(set) var count = 0
    private var capacity = 1024
    var head = 0
    /// Gaps between rows, as (start, end) times: every signal of the queue has them.
    var gapTimes: [(Int64, Int64)] = []
    var lastTime: Int64?
    /// Columns already written in the newest row.
    private var rowMask: UInt64 = 0
    /// Per column: unwrap or not, the previous raw value and the turns added (for `unwrap`),
    /// and the late samples dropped; in one allocation, freed by `release()`.
    private let columnState: UnsafeMutablePointer<(unwrap: Bool, lastRaw: Double, turns: Double, late: Int, far: Int)>
    /// Samples more than `maxJumpNs` past the queue's last one, in a row, agreeing with each
    /// other: the stream resumed there (accepted from the third), or a corrupted stamp (dropped).
    private var farRun: (t: Int64, n: Int)?
    /// A jump in a stream's time this large is a corrupted stamp unless the next samples
    /// confirm it: one flipped bit in a stamp must not stretch a source over days.
    static let maxJumpNs: Int64 = 3_600_000_000_000

    init(_ specs: [SignalSpec], signals: [Int]) {
        precondition(!specs.isEmpty && specs.count <= 64, "1–64 signals per queue")
        names = specs.map(\.name)
        self.signals = signals
        width = specs.count
        isState = specs[0].isState
        maxGapNs = Int64(((specs[0].maxGapS ?? (specs[0].isState ? 2.5 : 0.2)) * 1e9).rounded())
        adaptiveGap = specs[0].maxGapS == nil && !specs[0].isState
        anyUnwrap = specs.contains { $0.unwrap ?? false }
        columnState = .allocate(capacity: width)
        for (c, spec) in specs.enumerated() { (columnState + c).initialize(to: (spec.unwrap ?? false, .nan, 0, 0, 0)) }
        times = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity * width)
    }

    /// Updates the message period with one spacing and the default gap limit with it.
    @inline(__always)
    private mutating func learnPeriod(_ spacing: Int64) {
        let d = Double(spacing)
        periodNs = periodNs.isNaN ? d : periodNs + 0.05 * (Swift.min(Swift.max(d, 0.5 * periodNs), 1.5 * periodNs) - periodNs)
        maxGapNs = Swift.max(200_000_000, Int64(Swift.min(2.5 * periodNs, 1e12)))
    }

    /// Frees the buffers (the queue is unusable afterwards).
    func release() { times.deallocate(); values.deallocate(); columnState.deallocate() }

    /// Late samples dropped from column `c`.
    func outOfOrder(_ c: Int) -> Int { columnState[c].late }

    /// Samples dropped from column `c` because their time jumped implausibly far ahead.
    func farAhead(_ c: Int) -> Int { columnState[c].far }

    /// The first sample's time, before any has been consumed.
    var firstTime: Int64? { count > 0 ? times[0] : nil }

    private mutating func grow() {
        let c = capacity * 2
        let t = UnsafeMutablePointer<Int64>.allocate(capacity: c), v = UnsafeMutablePointer<Float>.allocate(capacity: c * width)
        t.update(from: times, count: count); v.update(from: values, count: count * width)
        times.deallocate(); values.deallocate()
        times = t; values = v; capacity = c
    }

    /// Adds the sample of column `column` at time `t`.
    @inline(__always)
    mutating func add(_ column: Int, _ t: Int64, _ raw: Double) {
        var v = raw
        if anyUnwrap && columnState[column].unwrap && !raw.isNaN {
            let st = columnState + column
            if !st.pointee.lastRaw.isNaN {
                let d = raw - st.pointee.lastRaw
                if d > Double.pi { st.pointee.turns -= 2 * Double.pi } else if d < -Double.pi { st.pointee.turns += 2 * Double.pi }
            }
            st.pointee.lastRaw = raw
            v = raw + st.pointee.turns
        }
        let bit: UInt64 = 1 << UInt64(column)
        if count > 0 && rowMask & bit == 0 && times[count - 1] == t {   // the rest of this message
            values[(count - 1) * width + column] = Float(v)
            rowMask |= bit
            return
        }
        startRow(t, columns: bit)?[column] = Float(v)
    }

    /// Starts the row of one message at `t` carrying the columns in `mask` (the others are
    /// NaN) and returns it for the caller to fill; nil when `t` is late (counted for each
    /// of those columns). Queues with `unwrap` columns take samples through `add` only.
    @inline(__always)
    mutating func startRow(_ t: Int64, columns mask: UInt64) -> UnsafeMutablePointer<Float>? {
        if let last = lastTime {
            if t < last {   // late sample: the clock has moved on
                for c in 0..<width where mask & (1 << UInt64(c)) != 0 { columnState[c].late += 1 }
                return nil
            }
            if t &- last > Self.maxJumpNs {
                if let f = farRun, t >= f.t, t &- f.t <= Self.maxJumpNs { farRun = (t, f.n + 1) } else { farRun = (t, 1) }
                if farRun!.n < 3 {
                    for c in 0..<width where mask & (1 << UInt64(c)) != 0 { columnState[c].far += 1 }
                    return nil
                }
                farRun = nil
            } else if farRun != nil {
                farRun = nil
            }
            if adaptiveGap && t > last {
                spacings &+= 1
                if spacings < 64 || spacings & 15 == 0 { learnPeriod(t - last) }
            }
            if t - last > maxGapNs { gapTimes.append((last, t)) }
        }
        lastTime = t
        if count == capacity { grow() }
        times[count] = t
        let row = values + count * width
        if width > 1 && mask != (UInt64.max >> UInt64(64 - width)) { row.update(repeating: .nan, count: width) }
        rowMask = mask
        count += 1
        return row
    }

    /// Writes the values at `n` ticks `first`, `first + step`, … into `block`, signal `s`'s
    /// column at `block + s * stride`: linear between the neighbouring samples (previous
    /// sample for states); NaN inside a gap, before the first sample or after the last one.
    /// The queue's state stays in locals for the whole run.
    mutating func fill(_ block: UnsafeMutablePointer<Float>, stride: Int, count n: Int, from first: Int64, step: Int64) {
        if head > 4096 {
            memmove(times, times + head, (count - head) * MemoryLayout<Int64>.stride)
            memmove(values, values + head * width, (count - head) * width * MemoryLayout<Float>.stride)
            count -= head; head = 0
        }
        var h = head
        let c = count, tp = times, vp = values, gap = maxGapNs, w = width
        if isState {
            for k in 0..<n {
                let t = first + Int64(k) * step
                while h + 1 < c && tp[h + 1] <= t { h += 1 }
                let ok = h < c && tp[h] <= t && t - tp[h] <= gap
                for j in 0..<w { block[signals[j] * stride + k] = ok ? vp[h * w + j] : .nan }
            }
        } else {
            for k in 0..<n {
                let t = first + Int64(k) * step
                while h + 1 < c && tp[h + 1] <= t { h += 1 }
                if h < c && tp[h] == t {
                    for j in 0..<w { block[signals[j] * stride + k] = vp[h * w + j] }
                    continue
                }
                guard h < c, tp[h] <= t, h + 1 < c, tp[h + 1] - tp[h] <= gap else {
                    for j in 0..<w { block[signals[j] * stride + k] = .nan }
                    continue
                }
                let t0 = tp[h], t1 = tp[h + 1]
                let f = Float(Double(t - t0) / Double(t1 - t0))
                let a = vp + h * w, b = a + w
                for j in 0..<w { block[signals[j] * stride + k] = a[j] + (b[j] - a[j]) * f }
            }
        }
        head = h
    }
}
