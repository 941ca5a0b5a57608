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
}

/// The samples of one canonical signal waiting to be resampled, in growable buffers that
/// the owning `Resampler` frees (`release()`): appends and lookups touch no Swift array.
struct SignalQueue {
    let name: String
    let isState: Bool
    let maxGapNs: Int64
    let unwrap: Bool
    private(set) var times: UnsafeMutablePointer<Int64>
    private(set) var values: UnsafeMutablePointer<Float>
    private(set) var count = 0
    private var capacity = 1024
    var head = 0
    var gaps: [SignalGap] = []
    var lastTime: Int64?
    var lastRaw: Double = .nan
    var turns: Double = 0
    var outOfOrder = 0

    init(_ spec: SignalSpec) {
        name = spec.name
        isState = spec.isState
        maxGapNs = Int64(((spec.maxGapS ?? (spec.isState ? 2.5 : 0.2)) * 1e9).rounded())
        unwrap = spec.unwrap ?? false
        times = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
    }

    /// Frees the buffers (the queue is unusable afterwards).
    func release() { times.deallocate(); values.deallocate() }

    /// The first sample's time, before any has been consumed.
    var firstTime: Int64? { count > 0 ? times[0] : nil }

    private mutating func grow() {
        let c = capacity * 2
        let t = UnsafeMutablePointer<Int64>.allocate(capacity: c), v = UnsafeMutablePointer<Float>.allocate(capacity: c)
        t.update(from: times, count: count); v.update(from: values, count: count)
        times.deallocate(); values.deallocate()
        times = t; values = v; capacity = c
    }

    mutating func add(_ t: Int64, _ raw: Double) {
        var v = raw
        if unwrap && !raw.isNaN {
            if !lastRaw.isNaN {
                let d = raw - lastRaw
                if d > Double.pi { turns -= 2 * Double.pi } else if d < -Double.pi { turns += 2 * Double.pi }
            }
            lastRaw = raw
            v = raw + turns
        }
        if let last = lastTime {
            if t < last { outOfOrder += 1; return }     // late sample: the clock has moved on
            if t - last > maxGapNs { gaps.append(SignalGap(signal: name, startNs: last, endNs: t)) }
        }
        lastTime = t
        if count == capacity { grow() }
        times[count] = t; values[count] = Float(v)
        count += 1
    }

    /// The values at `n` ticks `first`, `first + step`, …: linear between the neighbouring
    /// samples (previous sample for states); NaN inside a gap, before the first sample or
    /// after the last one. The queue's state stays in locals for the whole run.
    mutating func fill(_ out: UnsafeMutablePointer<Float>, count n: Int, from first: Int64, step: Int64) {
        if head > 4096 {
            memmove(times, times + head, (count - head) * MemoryLayout<Int64>.stride)
            memmove(values, values + head, (count - head) * MemoryLayout<Float>.stride)
            count -= head; head = 0
        }
        var h = head
        let c = count, tp = times, vp = values, gap = maxGapNs
        if isState {
            for k in 0..<n {
                let t = first + Int64(k) * step
                while h + 1 < c && tp[h + 1] <= t { h += 1 }
                out[k] = h < c && tp[h] <= t && t - tp[h] <= gap ? vp[h] : .nan
            }
        } else {
            for k in 0..<n {
                let t = first + Int64(k) * step
                while h + 1 < c && tp[h + 1] <= t { h += 1 }
                guard h < c, tp[h] <= t else { out[k] = .nan; continue }
                let t0 = tp[h]
                if t0 == t { out[k] = vp[h]; continue }
                guard h + 1 < c else { out[k] = .nan; continue }
                let t1 = tp[h + 1]
                guard t1 - t0 <= gap else { out[k] = .nan; continue }
                let w = Float(Double(t - t0) / Double(t1 - t0))
                out[k] = vp[h] + (vp[h + 1] - vp[h]) * w
            }
        }
        head = h
    }
}

/// Puts every signal of a source onto one clock: ticks every `dt` from the earliest sample,
/// emitted once all samples up to the tick can have arrived (`watermark`).
final class Resampler {
    /// One queue per signal, in a fixed allocation (no run-time exclusivity checks per sample).
    private let queues: UnsafeMutableBufferPointer<SignalQueue>
    let stepNs: Int64
    private(set) var t0: Int64?
    private(set) var nextTick: Int64 = 0
    private(set) var ticks = 0
    /// Latest sample time seen: ticks are emitted up to it minus the lag. Behind a pointer:
    /// it is written per sample, and a class's stored var pays a run-time exclusivity check.
    private let latestStorage = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
    var latest: Int64 { latestStorage.pointee }
    let lagNs: Int64

    /// The block `drain` fills, signal-major.
    private let block: UnsafeMutablePointer<Float>

    init(signals: [SignalSpec], rateHz: Double, lagSeconds: Double = 1) {
        latestStorage.initialize(to: .min)
        block = .allocate(capacity: max(1, signals.count) * Self.blockTicks)
        queues = .allocate(capacity: signals.count)
        _ = queues.initialize(from: signals.map(SignalQueue.init))
        stepNs = Int64((1e9 / rateHz).rounded())
        lagNs = Int64(lagSeconds * 1e9)
    }

    deinit {
        for q in queues { q.release() }
        queues.baseAddress?.deinitialize(count: queues.count)
        queues.deallocate()
        latestStorage.deallocate()
        block.deallocate()
    }

    var queueList: [SignalQueue] { Array(queues) }

    func add(_ signal: Int, _ t: Int64, _ v: Double) {
        queues[signal].add(t, v)
        if t > latestStorage.pointee { latestStorage.pointee = t }
    }

    /// Ticks per block handed to `drain`'s body.
    static let blockTicks = 256

    /// Emits the ticks that are ready (all when `final`) in blocks of up to `blockTicks`:
    /// `body(firstTickTime, count, columns)`, where signal `s`'s value at tick `k` of the
    /// block is `columns[s * blockTicks + k]`. Filling one signal's column at a time keeps
    /// each queue's loop tight.
    func drain(final: Bool, _ body: (Int64, Int, UnsafeBufferPointer<Float>) -> Void) {
        if t0 == nil {
            let firsts = queues.compactMap(\.firstTime)
            guard let start = firsts.min() else { return }
            if !final && latest - start < lagNs { return }
            t0 = start
            nextTick = start
        }
        let limit = final ? latest : latest - lagNs
        guard limit >= nextTick else { return }
        let start = t0!, step = stepNs, q = queues, b = Self.blockTicks
        var count = ticks
        let remaining = Int((limit - start) / step) + 1 - count
        var done = 0
        while done < remaining {
            let n = min(b, remaining - done)
            for s in 0..<q.count { q[s].fill(block + s * b, count: n, from: start + Int64(count) * step, step: step) }
            body(start + Int64(count) * step, n, UnsafeBufferPointer(start: block, count: q.count * b))
            count += n
            done += n
        }
        ticks = count
        nextTick = start + Int64(count) * step
    }

    var gaps: [SignalGap] { queues.flatMap(\.gaps) }
}
