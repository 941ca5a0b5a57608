import Foundation
import LongtailCore
import LongtailHDF5
import LongtailScan
import LongtailSupport

/// Writes `DIR/alignment/`: `segments.h5` (one group per alignment segment: every canonical
/// signal at its native rate and full precision, with the fields it came from) and
/// `knowledge.jsonl` (one record per segment). Sources are added in order, then `close()`.
final class AlignmentWriter {
    struct Written { var segments = 0; var bytes: Int64 = 0 }

    private let dir: String
    private let writer: HDF5Writer
    private let options: TierOptions
    private var knowledge = ""
    private(set) var written = Written()

    init(dir: String, options: TierOptions) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.dir = dir
        self.options = options
        writer = try HDF5Writer(path: dir + "/segments.h5")
        try writer.setAttribute("format", .strings(["longtail-alignment"]))
    }

    /// One source's chosen segments with their signals at native rate, read back from the
    /// source: what `add` writes. Reading touches no HDF5 writer, so it may run on another
    /// thread than `add`.
    struct Picked {
        var indices: [Int] = []
        var series: [[NativeSignals.Series]] = []
    }

    /// The chosen segments of one source (`scan` is its whole scan), re-read from the
    /// source at native rate.
    static func read(_ record: SourceRecord, whole scan: SourceScan, chosen: [Bool]) throws -> Picked {
        let picked = scan.segments.indices.filter { chosen[$0] }
        guard !picked.isEmpty else { return Picked() }
        let intervals = picked.map { (start: scan.segments[$0].startNs, end: scan.segments[$0].endNs) }
        return Picked(indices: picked, series: try NativeSignals.read(source: scan.id, profile: record.profile, intervals: intervals))
    }

    /// Writes the segments `read` gave for `record` (`scan` is its whole scan).
    func add(_ record: SourceRecord, whole scan: SourceScan, _ picked: Picked, model: RarityModel) throws {
        let profile = record.profile
        let series = picked.series
        for (n, k) in picked.indices.enumerated() {
            let seg = scan.segments[k]
            let id = record.segmentID(seg.index)
            let group = "/" + id
            try writer.createGroup(group)
            let events = scan.events.filter { $0.startNs < seg.endNs && $0.endNs > seg.startNs }
            try writer.setAttribute("source", on: group, .strings([scan.source]))
            try writer.setAttribute("interval_ns", on: group, .integers([seg.startNs, seg.endNs]))
            // Always an array of names (empty for none): one event read as a string, two as a list.
            try writer.setAttribute("events", on: group, .strings(events.map(\.name)), array: true)
            try writer.setAttribute("rarity", on: group, .floats([record.rarity[k].score, record.rarity[k].percentile]))
            try writer.setAttribute("profile", on: group, .strings([profile.name]))
            try Self.writeSeries(series[n], under: group, writer)
            let kept = events.filter { $0.confidence >= options.minConfidence }
            knowledge += Knowledge.record(id: id, source: scan.source, segment: seg, rarity: record.rarity[k], events: kept,
                                          features: model.features, domain: profile.domain) + "\n"
            written.segments += 1
        }
    }

    /// Closes `segments.h5` and writes `knowledge.jsonl`.
    func close() throws -> Written {
        try writer.close()
        try AtomicFile.write(dir + "/knowledge.jsonl", knowledge)
        for f in [dir + "/segments.h5", dir + "/knowledge.jsonl"] { written.bytes += FileStatus(f).size }
        return written
    }

    /// Each series as `group/<signal>/{t_ns,value}` with `from`, `scale` and `offset` attributes.
    static func writeSeries(_ series: [NativeSignals.Series], under group: String, _ writer: HDF5Writer) throws {
        for x in series {
            let g = group + "/" + x.name
            try writer.createGroup(g)
            let chunk = min(max(1, x.times.count), 8192)
            try writer.writeDataset(g + "/t_ns", values: x.times, shape: [x.times.count], chunkRows: chunk)
            try writer.writeDataset(g + "/value", values: x.values, shape: [x.values.count], chunkRows: chunk)
            try writer.setAttribute("from", on: g, .strings([x.from]))
            try writer.setAttribute("scale", on: g, .floats([x.scale]))
            try writer.setAttribute("offset", on: g, .floats([x.offset]))
            if let m = x.map { try writer.setAttribute("map", on: g, .strings([m])) }
        }
    }
}
