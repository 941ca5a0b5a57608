import LongtailCore

/// One fixed window of a source: its interval and its feature vector.
public struct SegmentRecord: Sendable, Equatable {
    public var source: String
    public var index: Int
    public var startNs: Int64
    public var endNs: Int64
    public var features: [Double]

    public init(source: String, index: Int, startNs: Int64, endNs: Int64, features: [Double]) {
        self.source = source; self.index = index; self.startNs = startNs; self.endNs = endNs; self.features = features
    }
}

/// An event-centred clip: the event's interval widened by the profile's `clip_pad_s` on each
/// side (within the source's data), the unit the alignment tier cuts at full precision.
public struct EventClip: Sendable, Equatable {
    public var source: String
    public var index: Int
    public var startNs: Int64
    public var endNs: Int64
    /// The event the clip is centred on.
    public var event: String

    public init(source: String, index: Int, startNs: Int64, endNs: Int64, event: String) {
        self.source = source; self.index = index; self.startNs = startNs; self.endNs = endNs; self.event = event
    }

    /// One clip per event, in event order, clamped to `[firstNs, lastNs]`.
    public static func clips(for events: [DetectedEvent], source: String, padSeconds: Double,
                             firstNs: Int64, lastNs: Int64) -> [EventClip] {
        let pad = Int64((padSeconds * 1e9).rounded())
        return events.enumerated().map { k, e in
            EventClip(source: source, index: k, startNs: max(firstNs, e.startNs - pad), endNs: min(lastNs, e.endNs + pad), event: e.name)
        }
    }
}

/// A per-segment feature: a statistic of one tick channel over the window.
public struct FeatureSpec: Sendable, Equatable {
    public enum Stat: String, Sendable { case min, max, mean, std, range, diffStd = "diff_std", zeroCrossings = "zero_crossings" }
    public var channel: String
    public var stat: Stat
    /// Where the rarity model's bins are finest (about ±scale).
    public var scale: Double
    public var name: String { "\(channel).\(stat.rawValue)" }

    init(_ channel: String, _ stat: Stat, _ scale: Double) { self.channel = channel; self.stat = stat; self.scale = scale }

    /// Tick channels beyond the canonical signals, computed from actor lists (driving).
    public static let actorChannels = ["actor.min_ttc_s", "actor.min_vru_lateral_m", "actor.min_pedestrian_gap_m", "actor.oncoming_closing_mps"]

    /// The features of each domain.
    public static func features(for domain: Profile.Domain) -> [FeatureSpec] {
        switch domain {
        case .driving:
            // Scales are wide on purpose: bins should tell ordinary driving from the extreme
            // (−1 vs −6 m/s²), not split ordinary driving into many sparse bins whose
            // noise would drown the one rare feature of an event.
            return [
                .init("speed", .mean, 40), .init("speed", .min, 40),
                .init("accel.x", .min, 8), .init("accel.x", .max, 8), .init("accel.x", .diffStd, 0.5),
                .init("accel.y", .min, 8), .init("accel.y", .max, 8),
                .init("yaw_rate", .min, 0.4), .init("yaw_rate", .max, 0.4),
                .init("autonomy", .min, 1),
                .init("precipitation_mm_h", .max, 1), .init("wiper_level", .max, 1),
                .init("ambient_temperature_c", .min, 10), .init("visibility_m", .min, 500),
                .init("abs_active", .max, 1), .init("esc_active", .max, 1), .init("tcs_active", .max, 1),
                .init("actor.min_ttc_s", .min, 2), .init("actor.min_vru_lateral_m", .min, 1),
                .init("actor.min_pedestrian_gap_m", .min, 5), .init("actor.oncoming_closing_mps", .max, 5),
            ]
        case .robot:
            return [
                .init("force.x", .min, 2), .init("force.x", .max, 2), .init("force.y", .min, 2), .init("force.y", .max, 2),
                .init("force.z", .min, 2), .init("force.z", .max, 2), .init("force.z", .diffStd, 0.2),
                .init("torque.z", .min, 0.2), .init("torque.z", .max, 0.2),
                .init("position.x", .range, 0.01), .init("position.y", .range, 0.01), .init("position.z", .range, 0.01),
                .init("rotation", .range, 0.2), .init("gripper", .min, 0.01), .init("gripper", .max, 0.01),
            ]
        }
    }
}

/// Cuts the tick stream into fixed windows (`window` ticks every `hop` ticks) and computes
/// each window's features with the SIMD kernels, holding only the ticks of open windows.
struct SegmentBuilder {
    let source: String
    let channels: [String]
    let features: [FeatureSpec]
    private let featureChannel: [Int]
    let window: Int, hop: Int
    let stepNs: Int64
    /// Ticks of open windows, one array per channel.
    private var columns: [[Float]]
    private var firstTick = 0          // tick index of the first value held
    private var t0: Int64?
    private var ticks = 0
    private var nextWindow = 0
    private var scratch: [Float] = []
    /// Per channel: the sums of hop-long blocks (by block index) that later windows still
    /// cover. Windows overlap (10 s every 5 s): each block's sums are computed once.
    private var blocks: [[(block: Int, sums: StatsAccumulator)]]
    private(set) var segments: [SegmentRecord] = []

    init(source: String, channels: [String], features: [FeatureSpec], windowSeconds: Double, hopSeconds: Double, rateHz: Double) {
        self.source = source
        self.channels = channels
        self.features = features
        featureChannel = features.map { f in channels.firstIndex(of: f.channel) ?? -1 }
        window = max(1, Int((windowSeconds * rateHz).rounded()))
        hop = max(1, Int((hopSeconds * rateHz).rounded()))
        stepNs = Int64((1e9 / rateHz).rounded())
        columns = channels.map { _ in [] }
        blocks = channels.map { _ in [] }
    }

    /// Adds `count` ticks starting at `t`: channel `c`'s values are `column(c)` (nil: missing).
    mutating func add(_ t: Int64, count: Int, _ column: (Int) -> UnsafeBufferPointer<Float>?) {
        if t0 == nil { t0 = t }
        for c in columns.indices {
            if let values = column(c) {
                columns[c].append(contentsOf: UnsafeBufferPointer(rebasing: values[0..<count]))
            } else {
                columns[c].append(contentsOf: repeatElement(Float.nan, count: count))
            }
        }
        ticks += count
        while nextWindow * hop + window <= ticks { close(nextWindow * hop, nextWindow * hop + window) }
    }

    /// Closes the tail: one last, shorter window over ticks no window has covered yet.
    mutating func finish() {
        let covered = nextWindow == 0 ? 0 : (nextWindow - 1) * hop + window
        if ticks > covered { close(nextWindow * hop, ticks) }
    }

    private mutating func close(_ start: Int, _ end: Int) {
        guard let t0 else { return }
        var values: [Double] = []
        values.reserveCapacity(features.count)
        // Features of one channel are adjacent: its statistics are computed once per window.
        var statsOf = -1, stats = WindowStats.empty(missing: 0)
        for (k, f) in features.enumerated() {
            let c = featureChannel[k]
            guard c >= 0 else { values.append(.nan); continue }
            values.append(columns[c].withUnsafeBufferPointer { all in
                let x = UnsafeBufferPointer(rebasing: all[(start - firstTick)..<(end - firstTick)])
                switch f.stat {
                case .min, .max, .mean, .std, .range:
                    if statsOf != c { stats = windowStats(c, all, start, end); statsOf = c }
                    return Self.value(f.stat, stats)
                default:
                    return Self.compute(f.stat, x, &scratch)
                }
            })
        }
        segments.append(SegmentRecord(source: source, index: nextWindow, startNs: t0 + Int64(start) * stepNs,
                                      endNs: t0 + Int64(end) * stepNs, features: values))
        nextWindow += 1
        // Drop ticks and block sums no later window needs.
        let keepFrom = nextWindow * hop
        for c in blocks.indices where !blocks[c].isEmpty { blocks[c].removeAll { $0.block * hop < keepFrom } }
        if keepFrom - firstTick > 4 * window {
            for c in columns.indices { columns[c].removeFirst(keepFrom - firstTick) }
            firstTick = keepFrom
        }
    }

    /// The statistics of ticks `start..<end` of channel `c` (`all` holds its ticks from
    /// `firstTick`): from hop-long blocks when the window is whole blocks, each block's
    /// sums computed once and kept for the next window; otherwise in one pass.
    private mutating func windowStats(_ c: Int, _ all: UnsafeBufferPointer<Float>, _ start: Int, _ end: Int) -> WindowStats {
        guard start % hop == 0, (end - start) % hop == 0, end - start > hop else {
            return Kernels.stats(UnsafeBufferPointer(rebasing: all[(start - firstTick)..<(end - firstTick)]))
        }
        var total = StatsAccumulator()
        for b in (start / hop)..<(end / hop) {
            if let kept = blocks[c].first(where: { $0.block == b }) { total.merge(kept.sums); continue }
            let from = b * hop - firstTick
            let sums = Kernels.accumulate(UnsafeBufferPointer(rebasing: all[from..<(from + hop)]))
            blocks[c].append((b, sums))
            total.merge(sums)
        }
        return total.stats
    }

    static func compute(_ stat: FeatureSpec.Stat, _ x: UnsafeBufferPointer<Float>, _ scratch: inout [Float]) -> Double {
        switch stat {
        case .zeroCrossings: return Double(Kernels.zeroCrossings(x))
        case .diffStd:
            if scratch.count < x.count { scratch = [Float](repeating: 0, count: x.count) }
            return scratch.withUnsafeMutableBufferPointer { out in
                let n = Kernels.diff(x, into: out)
                return Kernels.stats(UnsafeBufferPointer(rebasing: out[0..<n])).std
            }
        default:
            return value(stat, Kernels.stats(x))
        }
    }

    /// A statistic read off a window's `WindowStats`.
    static func value(_ stat: FeatureSpec.Stat, _ s: WindowStats) -> Double {
        switch stat {
        case .min: return Double(s.min)
        case .max: return Double(s.max)
        case .mean: return s.mean
        case .std: return s.std
        default: return Double(s.max) - Double(s.min)
        }
    }
}
