#if canImport(Glibc)
import Glibc
#endif
import LongtailCore
import LongtailSupport

/// The per-source pipeline behind both readers: samples → resampler → ticks →
/// detectors and segment windows.
final class ScanEngine {
    let profile: Profile
    let source: String
    let resampler: Resampler
    /// Everything a tick touches, behind a fixed pointer: mutated in place, with no copy
    /// per drain and no run-time exclusivity check (a class's stored var would have both).
    private let state: UnsafeMutablePointer<TickState>

    /// `pretrainHz`: also keep the signals at this rate for the pretraining tier.
    init(profile: Profile, source: String, pretrainHz: Double? = nil) {
        self.profile = profile
        self.source = source
        resampler = Resampler(signals: profile.signals, rateHz: profile.rateHz)
        state = .allocate(capacity: 1)
        state.initialize(to: TickState(profile: profile, source: source))
        if let hz = pretrainHz {
            state.pointee.pretrain = PretrainSeries(channels: profile.signals.map(\.name), isState: profile.signals.map(\.isState),
                                                    scanRateHz: profile.rateHz, rateHz: hz)
        }
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    @inline(__always) func add(signal: Int, _ t: Int64, _ v: Double) { resampler.add(signal, t, v) }

    func add(actorsAt t: Int64, _ list: [ActorObservation]) {
        if let last = state.pointee.actorLists.last?.0, t < last { return }   // out of order: dropped, like a late sample
        state.pointee.actorLists.append((t, list))
    }

    /// Runs every tick that is ready (all of them when `final`).
    func drain(final: Bool) {
        let s = state
        resampler.drain(final: final) { t, count, columns in s.pointee.ticks(t, count, columns) }
        if s.pointee.actorHead > 1024 { s.pointee.actorLists.removeFirst(s.pointee.actorHead); s.pointee.actorHead = 0 }
    }

    /// Closes everything and fills in `scan`.
    func finish(into scan: inout SourceScan, available: Set<String>) {
        drain(final: true)
        var s = state.pointee
        while s.actorHead < s.actorLists.count, s.driving != nil {
            s.driving!.feed(actorsAt: s.actorLists[s.actorHead].0, s.actorLists[s.actorHead].1)
            s.actorHead += 1
        }
        s.segments.finish()
        scan.segments = s.segments.segments
        s.pretrain?.finish()
        scan.pretrain = s.pretrain
        if s.driving != nil { scan.events = s.driving!.finish() }
        if let r = s.robot { scan.events = RobotDetector.detect(r, thresholds: profile.thresholds, available: available) }
        // The detectors left out the events whose signals are missing (`EventTable.enabled`).
        scan.disabled = EventTable.disabled(in: profile.domain, available: available)
        scan.gaps = resampler.gaps
        scan.ticks = resampler.ticks
        if let first = resampler.t0, let last = scan.segments.last?.endNs {
            scan.clips = EventClip.clips(for: scan.events, source: source, padSeconds: profile.clipPadSeconds, firstNs: first, lastNs: last)
        }
        for f in s.sanity.findings() {
            let field = scan.found[f.signal].map { " (\($0))" } ?? ""
            scan.warnings.append("implausible \(f.signal)\(field): \(f.message)")
        }
        for (name, late) in resampler.outOfOrder where late > 0 {
            scan.warnings.append("\(name): \(late) samples arrived out of time order and were dropped")
        }
        for (name, far) in resampler.farAhead where far > 0 {
            scan.warnings.append("\(name): \(far) samples stamped over an hour past the rest of the stream (corrupted stamps?) were dropped")
        }
        if resampler.spanCut {
            scan.warnings.append("the source's times span more than \(Resampler.maxTicks) ticks of the scan clock (a corrupted time at one end?): the scan stopped there")
        }
        state.pointee = s
    }
}

/// The tick-by-tick state of one source: detectors, segment windows, pending actor lists.
struct TickState {
    let profile: Profile
    var segments: SegmentBuilder
    var driving: DrivingDetector?
    var robot: RobotEpisodeSignals?
    /// For each profile signal, its index among the domain's canonical names.
    let canonicalIndex: [Int]
    var actorLists: [(Int64, [ActorObservation])] = []
    var actorHead = 0
    /// The last ego speed measured (m/s; NaN before the first): a radar's relative speeds
    /// are made absolute with it, and a tick between two slow speed messages has none.
    var lastSpeed = Double.nan
    var pretrain: PretrainSeries?
    /// Physics checks of the mapped signals (a wrong axis, sign or unit).
    var sanity: SignalSanity
    let canonicalCount: Int
    let isDriving: Bool
    let relativeActors: Bool
    let inPath: Double, front: Double, alongsideFrom: Double

    init(profile: Profile, source: String) {
        self.profile = profile
        let names = profile.canonicalNames
        canonicalIndex = profile.signals.map { names.firstIndex(of: $0.name)! }
        let channels = names + (profile.domain == .driving ? FeatureSpec.actorChannels : [])
        segments = SegmentBuilder(source: source, channels: channels, features: FeatureSpec.features(for: profile.domain),
                                  windowSeconds: profile.windowSeconds, hopSeconds: profile.hopSeconds, rateHz: profile.rateHz)
        canonicalCount = names.count
        sanity = SignalSanity(names: names, rateHz: profile.rateHz)
        isDriving = profile.domain == .driving
        relativeActors = profile.actors?.velocityFrame == "relative"
        inPath = isDriving ? profile.thresholds["low_ttc.in_path_m"] : 0
        front = isDriving ? profile.thresholds["ego.front_m"] : 0
        // Alongside starts 1 m behind the rear axle, wherever positions are measured from.
        alongsideFrom = isDriving ? front - profile.thresholds["ego.axle_to_front_m"] - 1 : 0
    }

    /// One block of ticks from the resampler (signal-major columns, `Resampler.blockTicks` apart).
    mutating func ticks(_ start: Int64, _ count: Int, _ columns: UnsafeBufferPointer<Float>) {
        let stride = Resampler.blockTicks, n = canonicalCount
        let step = Int64((1e9 / profile.rateHz).rounded())
        // Which profile signal feeds each canonical channel (-1: none).
        var source = [Int](repeating: -1, count: n)
        for k in 0..<canonicalIndex.count { source[canonicalIndex[k]] = k }
        let base = columns.baseAddress!
        // Each mapped canonical channel with its column in this block.
        let mapped = (0..<n).compactMap { c in source[c] >= 0 ? (c, base + source[c] * stride) : nil }
        // Per-tick actor summaries of this block: 4 channels × `stride`, NaN where no list.
        var actorColumns = [Float](repeating: .nan, count: 4 * stride)
        if isDriving {
            if driving == nil {
                driving = DrivingDetector(thresholds: profile.thresholds, dt: 1 / profile.rateHz, t0Ns: start, available: profile.available)
            }
            for i in 0..<count {
                let t = start + Int64(i) * step
                var frame = DrivingFrame()
                for (c, column) in mapped {
                    let v = column[i]
                    if !v.isNaN { frame.set(c, v) }
                }
                if !frame.speed.isNaN { lastSpeed = Double(frame.speed) }
                while actorHead < actorLists.count && actorLists[actorHead].0 <= t {
                    let at = actorLists[actorHead].0
                    let list = relativeActors ? Self.absolute(actorLists[actorHead].1, speed: lastSpeed) : actorLists[actorHead].1
                    driving!.feed(actorsAt: at, list)
                    Self.summarize(list, speed: lastSpeed, inPath: inPath, front: front, alongsideFrom: alongsideFrom, into: &actorColumns, at: i, stride: stride)
                    actorHead += 1
                }
                driving!.feed(tick: t, frame)
            }
        } else {
            if robot == nil { robot = RobotEpisodeSignals(t0Ns: start, dt: 1 / profile.rateHz) }
            robot!.append(count: count) { c in source[c] >= 0 ? UnsafeBufferPointer(start: base + source[c] * stride, count: count) : nil }
        }
        pretrain?.add(start, count: count) { k in UnsafePointer(base + k * stride) }
        sanity.add(count: count) { c in source[c] >= 0 ? UnsafePointer(base + source[c] * stride) : nil }
        actorColumns.withUnsafeBufferPointer { a in
            segments.add(start, count: count) { c in
                if c < n { return source[c] >= 0 ? UnsafeBufferPointer(start: base + source[c] * stride, count: count) : nil }
                return UnsafeBufferPointer(rebasing: a[((c - n) * stride)..<((c - n) * stride + count)])
            }
        }
    }

    /// Radar-style lists give speeds relative to the ego: add the ego speed. Before the
    /// first speed is known, ground speeds are unknown (NaN), not the relative ones: a
    /// parked car would otherwise drive at us at our own speed, the wrong way.
    private static func absolute(_ list: [ActorObservation], speed: Double) -> [ActorObservation] {
        list.map { var a = $0; a.vx += speed; return a }
    }

    /// Per-tick actor summaries for the segment features.
    private static func summarize(_ list: [ActorObservation], speed v: Double, inPath: Double, front: Double, alongsideFrom: Double,
                                  into columns: inout [Float], at tick: Int, stride: Int) {
        var ttc = Float.nan, vru = Float.nan, ped = Float.nan, oncoming = Float.nan
        for a in list {
            let gap = a.x - front - a.length / 2
            if abs(a.y) < inPath && gap > 0 && v - a.vx > 0.1 { ttc = Swift.min(ttc.isNaN ? .infinity : ttc, Float(gap / (v - a.vx))) }
            if a.cls.isVulnerable && a.x >= alongsideFrom && a.x <= front + 5 { vru = Swift.min(vru.isNaN ? .infinity : vru, Float(abs(a.y))) }
            if a.cls == .pedestrian && gap > 0 && abs(a.y) <= 5 { ped = Swift.min(ped.isNaN ? .infinity : ped, Float(gap)) }
            if a.cls.isVehicle && cos(a.resolvedHeading) < -0.5 && gap > 0 { oncoming = Swift.max(oncoming.isNaN ? -.infinity : oncoming, Float(v - a.vx)) }
        }
        func merge(_ k: Int, _ value: Float) {
            guard !value.isNaN else { return }
            let old = columns[k * stride + tick]
            columns[k * stride + tick] = old.isNaN ? value : (k == 3 ? Swift.max(old, value) : Swift.min(old, value))
        }
        merge(0, ttc); merge(1, vru); merge(2, ped); merge(3, oncoming)
    }
}

/// What scanning one source (an MCAP file or an HDF5 episode) found.
public struct SourceScan: Sendable {
    public var id: SourceID
    /// The source as outputs write it (`path` or `path#episode`).
    public var source: String { id.text }
    public var segments: [SegmentRecord] = []
    public var events: [DetectedEvent] = []
    /// One event-centred clip per event (for the alignment tier).
    public var clips: [EventClip] = []
    public var gaps: [SignalGap] = []
    /// Canonical signal → where it was found (`topic field` or `dataset[column]`).
    public var found: [String: String] = [:]
    /// Canonical signals the profile maps but the source lacks (or that failed to decode).
    public var missing: [String] = []
    /// Events that could not run, with the signals they lacked.
    public var disabled: [(event: String, missing: [String])] = []
    /// Things worth telling the user that did not stop the scan.
    public var warnings: [String] = []
    /// Where and why the file is damaged, when the scan kept only what came before the
    /// damage (`from byte N (+M in a chunk): reason`); the catalog marks the source `partial`.
    public var damage: String?
    /// The file's topics with their types (`/imu/data [sensor_msgs/Imu]`), in the order
    /// met: what a user needs to fix a profile that maps none or the wrong ones.
    public var topics: [String] = []
    public var messages = 0
    /// Uncompressed bytes of the messages (MCAP) or values (HDF5) read.
    public var bytes: UInt64 = 0
    public var ticks = 0
    /// The canonical signals downsampled for the pretraining tier (nil when not collected).
    public var pretrain: PretrainSeries?

    public init(id: SourceID) { self.id = id }
    /// A source from its written form (`path` or `path#episode`).
    public init(source: String) { id = SourceID(parsing: source) }
}
