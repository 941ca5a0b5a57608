/// Puts every signal of a source onto one clock: ticks every `dt` from the earliest sample,
/// emitted once all samples up to the tick can have arrived (`watermark`).
final class Resampler {
    /// One queue per group of signals that arrive together, in a fixed allocation (no
    /// run-time exclusivity checks per sample).
    private let queues: UnsafeMutableBufferPointer<SignalQueue>
    /// Per signal: its queue and its column there.
    private let route: UnsafeMutablePointer<(queue: Int32, column: Int32)>
    private let signalNames: [String]
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
        let groups = Self.groups(signals)
        queues = .allocate(capacity: groups.count)
        _ = queues.initialize(from: groups.map { g in SignalQueue(g.map { signals[$0] }, signals: g) })
        route = .allocate(capacity: max(1, signals.count))
        for (q, g) in groups.enumerated() {
            for (c, s) in g.enumerated() { (route + s).initialize(to: (Int32(q), Int32(c))) }
        }
        signalNames = signals.map(\.name)
        stepNs = Int64((1e9 / rateHz).rounded())
        lagNs = Int64(lagSeconds * 1e9)
    }

    deinit {
        for q in queues { q.release() }
        queues.baseAddress?.deinitialize(count: queues.count)
        queues.deallocate()
        route.deallocate()
        latestStorage.deallocate()
        block.deallocate()
    }

    /// Signals that share a queue: those of one MCAP topic (no wildcard) with the same stamp
    /// field, kind and gap, which every message of the topic carries together. HDF5 columns
    /// arrive one signal at a time, so each keeps a queue of its own.
    static func groups(_ signals: [SignalSpec]) -> [[Int]] {
        var groups: [[Int]] = []
        var byKey: [String: Int] = [:]
        for (i, s) in signals.enumerated() {
            guard let topic = s.topic, !topic.contains("*"), s.dataset == nil else { groups.append([i]); continue }
            let key = [topic, s.stamp ?? "", s.isState ? "state" : "continuous", "\(s.maxGapS ?? -1)"].joined(separator: "\u{0}")
            if let g = byKey[key], groups[g].count < 64 { groups[g].append(i) } else { byKey[key] = groups.count; groups.append([i]) }
        }
        return groups
    }

    /// Each signal's late samples (arrived before the newest time of its queue), by name.
    var outOfOrder: [(signal: String, count: Int)] {
        (0..<signalNames.count).map { s in (signalNames[s], queues[Int(route[s].queue)].outOfOrder(Int(route[s].column))) }
    }

    /// Each signal's samples dropped for a time implausibly far ahead of its stream, by name.
    var farAhead: [(signal: String, count: Int)] {
        (0..<signalNames.count).map { s in (signalNames[s], queues[Int(route[s].queue)].farAhead(Int(route[s].column))) }
    }

    /// The most ticks one source may span (4.6 days at 50 Hz, 5.5 h at 1 kHz): a clock that would run
    /// longer has a corrupt time at one end, and stops here rather than allocate without bound.
    static let maxTicks = 20_000_000
    /// Whether `maxTicks` stopped the clock before the last sample.
    private(set) var spanCut = false

    func add(_ signal: Int, _ t: Int64, _ v: Double) {
        let r = route[signal]
        queues[Int(r.queue)].add(Int(r.column), t, v)
        // Only accepted samples move the clock (a dropped far-ahead stamp must not).
        if t > latestStorage.pointee, queues[Int(r.queue)].lastTime == t { latestStorage.pointee = t }
    }

    /// Signal `signal`'s queue and column there, and whether that queue unwraps angles
    /// (then its samples must come through `add`).
    func place(of signal: Int) -> (queue: Int, column: Int, unwraps: Bool) {
        let r = route[signal]
        return (Int(r.queue), Int(r.column), queues[Int(r.queue)].anyUnwrap)
    }

    /// Starts a row of queue `queue` at `t` for one message carrying the columns in `mask`
    /// (`SignalQueue.startRow`): the caller writes those columns' values into it.
    @inline(__always)
    func row(_ queue: Int, _ t: Int64, columns mask: UInt64) -> UnsafeMutablePointer<Float>? {
        let row = queues[queue].startRow(t, columns: mask)
        if row != nil, t > latestStorage.pointee { latestStorage.pointee = t }
        return row
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
        let span = (limit &- start) / step
        var remaining = (span < 0 ? 0 : Int(span)) + 1 - count
        if remaining > Self.maxTicks - count {
            remaining = max(0, Self.maxTicks - count)
            spanCut = true
        }
        var done = 0
        while done < remaining {
            let n = min(b, remaining - done)
            for s in 0..<q.count { q[s].fill(block, stride: b, count: n, from: start + Int64(count) * step, step: step) }
            body(start + Int64(count) * step, n, UnsafeBufferPointer(start: block, count: signalNames.count * b))
            count += n
            done += n
        }
        ticks = count
        nextTick = start + Int64(count) * step
    }

    /// Every signal's gaps, in signal order.
    var gaps: [SignalGap] {
        (0..<signalNames.count).flatMap { s in
            queues[Int(route[s].queue)].gapTimes.map { SignalGap(signal: signalNames[s], startNs: $0.0, endNs: $0.1) }
        }
    }
}
