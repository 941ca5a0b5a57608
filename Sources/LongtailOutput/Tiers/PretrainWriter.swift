import Foundation
import LongtailCore
import LongtailHDF5
import LongtailScan
import LongtailSupport

/// Writes `DIR/pretrain/`: every source's canonical signals at the pretraining rate,
/// quantized (float16, or int16 with a per-channel scale), in zstd HDF5 shards of about
/// the target size, and `manifest.json` (shard → sources, intervals, channels, scales).
/// Sources are added in order, then `close()`.
final class PretrainWriter {
    struct Written { var shards: [String] = []; var bytes: Int64 = 0 }

    private let dir: String
    private let options: TierOptions
    private var writer: HDF5Writer?
    private var shardBytes = 0
    private var entries: [String] = []          // this shard's source entries
    private var shardEntries: [String] = []     // finished shards
    /// The first source's row period (the manifest's rate).
    private var firstPeriodNs: Int64??
    private(set) var written = Written()

    init(dir: String, options: TierOptions) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.dir = dir
        self.options = options
    }

    private func closeShard() throws {
        guard let w = writer else { return }
        try w.close()
        let name = (w.path as NSString).lastPathComponent
        written.shards.append(name)
        written.bytes += FileStatus(w.path).size
        shardEntries.append("{\"file\":\"\(name)\",\"sources\":[" + entries.joined(separator: ",") + "]}")
        writer = nil; entries = []; shardBytes = 0
    }

    /// One source's series (`scan` is its whole scan), into the open shard or a new one.
    func add(_ record: SourceRecord, whole scan: SourceScan, chosen: [Bool]) throws {
        if firstPeriodNs == nil { firstPeriodNs = .some(scan.pretrain?.periodNs) }
        guard var p = scan.pretrain, p.rows > 0 else { return }
        if options.exclusive {
            for (k, seg) in scan.segments.enumerated() where chosen[k] {
                if let r = pretrainRows(startNs: seg.startNs, endNs: seg.endNs, t0: p.t0Ns, period: p.periodNs, rows: p.rows) {
                    for c in p.values.indices { for i in r { p.values[c][i] = .nan } }
                }
            }
        }
        let bytes = p.rows * p.channels.count * 2
        if writer != nil && shardBytes + bytes > options.shardBytes { try closeShard() }
        if writer == nil {
            let w = try HDF5Writer(path: dir + "/" + String(format: "shard-%05d.h5", written.shards.count))
            try w.setAttribute("format", .strings(["longtail-pretrain"]))
            writer = w
        }
        let w = writer!
        let group = "/" + record.key
        try w.createGroup(group)
        try w.setAttribute("source", on: group, .strings([scan.source]))
        try w.setAttribute("t0_ns", on: group, .integers([p.t0Ns]))
        try w.setAttribute("period_ns", on: group, .integers([p.periodNs]))
        var channels: [String] = []
        for (c, name) in p.channels.enumerated() {
            channels.append(try channel(c, name, of: p, group: group, scan: scan, profile: record.profile, w))
        }
        var e = JSONText()
        e.raw("{"); e.key("group", first: true); e.string(group); e.key("source"); e.string(scan.source)
        e.key("start_ns"); e.raw(String(p.t0Ns)); e.key("end_ns"); e.raw(String(p.t0Ns + Int64(p.rows) * p.periodNs))
        e.key("t0_ns"); e.raw(String(p.t0Ns)); e.key("period_ns"); e.raw(String(p.periodNs)); e.key("rows"); e.raw(String(p.rows))
        e.key("ticks_per_row"); e.raw(String(p.factor))
        e.key("channels"); e.raw("[" + channels.joined(separator: ",") + "]}")
        entries.append(e.text)
        shardBytes += bytes
    }

    /// Writes one channel's dataset; returns its manifest entry.
    private func channel(_ c: Int, _ name: String, of p: PretrainSeries, group: String, scan: SourceScan, profile: Profile,
                         _ w: HDF5Writer) throws -> String {
        let ds = group + "/" + name
        let chunk = min(p.rows, 16384)
        var entry = "{\"name\":\"\(name)\",\"dataset\":\"\(ds)\",\"kind\":\"\(p.isState[c] ? "state" : "continuous")\""
        if let from = scan.found[name] { entry += ",\"from\":" + JSONText.quoted(from) }
        if let spec = profile.signals.first(where: { $0.name == name }) {
            if spec.scale != nil || spec.offset != nil { entry += ",\"scale_offset\":[\(spec.scale ?? 1),\(spec.offset ?? 0)]" }
            if let m = spec.map { entry += ",\"map\":{" + m.keys.sorted().map { "\"\($0)\":\(m[$0]!)" }.joined(separator: ",") + "}" }
        }
        switch options.quantization {
        case .float16:
            try w.writeDataset(ds, values: HalfFloat.convert(p.values[c]), shape: [p.rows], chunkRows: chunk, shuffle: true)
        case .int16:
            let peak = p.values[c].reduce(Float(0)) { $1.isFinite ? max($0, abs($1)) : $0 }
            let scale = peak > 0 ? Double(peak) / 32767 : 1
            let q = p.values[c].map { v -> Int16 in v.isFinite ? Int16((Double(v) / scale).rounded()) : Int16.min }
            try w.writeDataset(ds, values: q, shape: [p.rows], chunkRows: chunk, shuffle: true)
            try w.setAttribute("scale", on: ds, .floats([scale]))
            try w.setAttribute("nan_value", on: ds, .integers([Int64(Int16.min)]))
            entry += ",\"scale\":\(scale),\"nan_value\":\(Int16.min)"
        }
        return entry + "}"
    }

    /// Closes the last shard and writes `manifest.json`.
    func close() throws -> Written {
        try closeShard()
        let hz = (firstPeriodNs ?? nil).map { 1e9 / Double($0) } ?? 0
        var manifest = JSONText()
        manifest.raw("{"); manifest.key("format", first: true); manifest.string("longtail-pretrain")
        manifest.key("version"); manifest.raw("1"); manifest.key("rate_hz"); manifest.double(hz)
        manifest.key("quantization"); manifest.string(options.quantization.rawValue)
        manifest.key("exclusive"); manifest.raw(options.exclusive ? "true" : "false")
        manifest.key("shards"); manifest.raw("[" + shardEntries.joined(separator: ",") + "]}\n")
        try AtomicFile.write(dir + "/manifest.json", manifest.text)
        written.bytes += FileStatus(dir + "/manifest.json").size
        return written
    }
}

/// The rows of a series (first row at `t0`, one every `period` ns, `rows` in all) that
/// cover `[startNs, endNs)`; nil when none does or the numbers make no sense (a zero
/// period, times that overflow: a damaged manifest or catalog must not trap).
func pretrainRows(startNs: Int64, endNs: Int64, t0: Int64, period: Int64, rows: Int) -> Range<Int>? {
    guard period > 0, rows > 0 else { return nil }
    let (a, o1) = startNs.subtractingReportingOverflow(t0), (b, o2) = endNs.subtractingReportingOverflow(t0)
    guard !o1, !o2 else { return nil }
    let lo = max(0, a / period)
    let (up, o3) = b.addingReportingOverflow(period - 1)
    let hi = min(Int64(rows), o3 ? Int64.max / period : up / period)
    return lo < hi ? Int(lo)..<Int(hi) : nil
}
