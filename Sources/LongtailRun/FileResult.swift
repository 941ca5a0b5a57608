import Foundation
import LongtailCore
import LongtailScan
import LongtailSupport

/// What scanning one input file gave: its sources (one per MCAP file or HDF5 episode) or
/// why it failed. Written to the work directory when the file is done, so a killed run
/// resumes without scanning it again and shards can be merged.
struct FileResult: Sendable {
    public var path: String
    public var size: Int64
    /// Modification time (ns): with the size, how a resumed run knows the file is unchanged.
    public var modifiedNs: Int64
    public var hash: String
    public var profile: String
    public var scans: [SourceScan]
    public var failure: String?

    static let magic = "longtail-file-result-4"

    /// The result's bytes (in memory: for small results and tests).
    func encoded() -> [UInt8] {
        var w = BinaryWriter()
        encode(into: &w)
        return w.bytes
    }

    func encode(into w: inout BinaryWriter) {
        w.string(Self.magic); w.string(path); w.int(size); w.int(modifiedNs); w.string(hash); w.string(profile)
        w.bool(failure != nil); w.string(failure ?? "")
        w.int(scans.count)
        for s in scans { Self.encode(s, &w) }
        // The pretraining series last: a reader that needs only segments and events stops before them.
        for s in scans {
            w.bool(s.pretrain != nil)
            if let p = s.pretrain {
                w.strings(p.channels); w.int(p.isState.count); for b in p.isState { w.bool(b) }
                w.int(p.t0Ns); w.int(p.periodNs); w.int(p.factor)
                w.int(p.values.count); for v in p.values { w.floats(v) }
            }
        }
    }

    /// `pretrain: false` stops before the pretraining series (much the larger part).
    static func decode(_ bytes: [UInt8], pretrain: Bool = true) throws(BinaryFormatError) -> FileResult {
        var r = BinaryReader(bytes)
        guard try r.string() == magic else { throw BinaryFormatError(offset: 0, what: "not a Longtail result file") }
        let path = try r.string(), size = try r.int(), modified = try r.int(), hash = try r.string(), profile = try r.string()
        let failed = try r.bool(), failure = try r.string()
        var scans: [SourceScan] = []
        for _ in 0..<(try r.count("sources")) { scans.append(try decodeScan(&r)) }
        if pretrain {
            for k in scans.indices {
                guard try r.bool() else { continue }
                let channels = try r.strings()
                var isState: [Bool] = []
                for _ in 0..<(try r.count("states")) { isState.append(try r.bool()) }
                let t0 = try r.int(), period = try r.int(), factor = Int(try r.int())
                var values: [[Float]] = []
                for _ in 0..<(try r.count("channels")) { values.append(try r.floats()) }
                guard isState.count == channels.count, values.count == channels.count else {
                    throw BinaryFormatError(offset: r.position, what: "pretraining channels")
                }
                scans[k].pretrain = PretrainSeries(channels: channels, isState: isState, t0Ns: t0, periodNs: period, factor: factor, values: values)
            }
            guard r.position == bytes.count else { throw BinaryFormatError(offset: r.position, what: "trailing bytes") }
        }
        return FileResult(path: path, size: size, modifiedNs: modified, hash: hash, profile: profile, scans: scans,
                          failure: failed ? failure : nil)
    }

    private static func encode(_ s: SourceScan, _ w: inout BinaryWriter) {
        w.string(s.source); w.int(s.messages); w.int(Int64(bitPattern: s.bytes)); w.int(s.ticks)
        w.int(s.segments.count)
        for g in s.segments { w.int(g.index); w.int(g.startNs); w.int(g.endNs); w.doubles(g.features) }
        w.int(s.events.count)
        for e in s.events {
            w.string(e.name); w.string(e.kind); w.int(e.startNs); w.int(e.endNs); w.double(e.confidence)
            w.int(e.facts.count)
            for (k, v) in e.facts {
                w.string(k)
                switch v {
                case .number(let d): w.bool(true); w.double(d)
                case .text(let t): w.bool(false); w.string(t)
                }
            }
        }
        w.int(s.clips.count)
        for c in s.clips { w.int(c.index); w.int(c.startNs); w.int(c.endNs); w.string(c.event) }
        w.int(s.gaps.count)
        for g in s.gaps { w.string(g.signal); w.int(g.startNs); w.int(g.endNs) }
        let found = s.found.keys.sorted()
        w.strings(found); w.strings(found.map { s.found[$0]! })
        w.strings(s.missing)
        w.int(s.disabled.count)
        for d in s.disabled { w.string(d.event); w.strings(d.missing) }
        w.strings(s.warnings)
        w.bool(s.damage != nil); w.string(s.damage ?? "")
        w.strings(s.topics)
    }

    private static func decodeScan(_ r: inout BinaryReader) throws(BinaryFormatError) -> SourceScan {
        var s = SourceScan(source: try r.string())
        s.messages = Int(try r.int()); s.bytes = UInt64(bitPattern: try r.int()); s.ticks = Int(try r.int())
        for _ in 0..<(try r.count("segments")) {
            let index = Int(try r.int()), start = try r.int(), end = try r.int()
            s.segments.append(SegmentRecord(source: s.source, index: index, startNs: start, endNs: end, features: try r.doubles()))
        }
        for _ in 0..<(try r.count("events")) {
            let name = try r.string(), kind = try r.string(), start = try r.int(), end = try r.int(), confidence = try r.double()
            var facts: [(String, DetectedEvent.Fact)] = []
            for _ in 0..<(try r.count("facts")) {
                let k = try r.string()
                facts.append((k, try r.bool() ? .number(try r.double()) : .text(try r.string())))
            }
            s.events.append(DetectedEvent(name: name, kind: kind, startNs: start, endNs: end, confidence: confidence, facts: facts))
        }
        for _ in 0..<(try r.count("clips")) {
            let index = Int(try r.int()), start = try r.int(), end = try r.int()
            s.clips.append(EventClip(source: s.source, index: index, startNs: start, endNs: end, event: try r.string()))
        }
        for _ in 0..<(try r.count("gaps")) {
            let name = try r.string(), start = try r.int()
            s.gaps.append(SignalGap(signal: name, startNs: start, endNs: try r.int()))
        }
        let keys = try r.strings(), values = try r.strings()
        guard keys.count == values.count else { throw BinaryFormatError(offset: r.position, what: "found signals") }
        s.found = Dictionary(uniqueKeysWithValues: zip(keys, values))
        s.missing = try r.strings()
        for _ in 0..<(try r.count("disabled")) { let e = try r.string(); s.disabled.append((e, try r.strings())) }
        s.warnings = try r.strings()
        let damaged = try r.bool(), damage = try r.string()
        s.damage = damaged ? damage : nil
        s.topics = try r.strings()
        return s
    }
}
