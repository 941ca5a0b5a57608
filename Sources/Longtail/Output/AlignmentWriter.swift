import Foundation
import LongtailCore
import LongtailHDF5

/// Writes `DIR/alignment/`: `segments.h5` (one group per alignment segment: every canonical
/// signal at its native rate and full precision, with the fields it came from) and
/// `knowledge.jsonl` (one record per segment).
enum AlignmentWriter {
    struct Written { var segments = 0; var bytes: Int64 = 0 }

    /// One HDF5 group per segment, named by its id.
    static func write(to dir: String, _ r: ScanJob.Result, chosen: [[Bool]], keys: [String], options: TierOptions) throws -> Written {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let h5 = dir + "/segments.h5"
        let writer = try HDF5Writer(path: h5)
        try writer.setAttribute("format", .strings(["longtail-alignment"]))
        var knowledge = ""
        var written = Written()
        for (si, s) in r.scans.enumerated() {
            let picked = s.segments.indices.filter { chosen[si][$0] }
            guard !picked.isEmpty, let profile = r.profileSet[r.profiles[si]] else { continue }
            let intervals = picked.map { (start: s.segments[$0].startNs, end: s.segments[$0].endNs) }
            let series = try NativeSignals.read(source: s.source, profile: profile, intervals: intervals)
            let segments = r.segments(si)
            for (n, k) in picked.enumerated() {
                let seg = segments[k]
                let id = ScanJob.segmentID(keys[si], seg.index)
                let group = "/" + id
                try writer.createGroup(group)
                let events = s.events.filter { $0.startNs < seg.endNs && $0.endNs > seg.startNs }
                try writer.setAttribute("source", on: group, .strings([s.source]))
                try writer.setAttribute("interval_ns", on: group, .integers([seg.startNs, seg.endNs]))
                try writer.setAttribute("events", on: group, .strings(events.isEmpty ? [""] : events.map(\.name)))
                try writer.setAttribute("rarity", on: group, .floats([r.rarity[si][k].score, r.rarity[si][k].percentile]))
                try writer.setAttribute("profile", on: group, .strings([profile.name]))
                try writeSeries(series[n], under: group, writer)
                let kept = events.filter { $0.confidence >= options.minConfidence }
                knowledge += record(id: id, source: s.source, segment: seg, rarity: r.rarity[si][k], events: kept,
                                    features: r.model.features, domain: profile.domain) + "\n"
                written.segments += 1
            }
        }
        try writer.close()
        try SynthJob.writeAtomically(dir + "/knowledge.jsonl", knowledge)
        for f in [h5, dir + "/knowledge.jsonl"] { written.bytes += ScanJob.fileSize(f) }
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

    /// One knowledge record as a JSON line.
    static func record(id: String, source: String, segment seg: SegmentRecord, rarity: (score: Double, percentile: Double),
                       events: [DetectedEvent], features: [String], domain: Profile.Domain) -> String {
        let context = Knowledge.context(features: features, values: seg.features, domain: domain)
        let caption = Knowledge.caption(events: events, context: context)
        var j = JSONText()
        j.raw("{"); j.key("id", first: true); j.string(id); j.key("source"); j.string(source)
        j.key("start_ns"); j.raw(String(seg.startNs)); j.key("end_ns"); j.raw(String(seg.endNs))
        j.key("rarity"); j.double((rarity.score * 1e6).rounded() / 1e6); j.key("percentile"); j.double(rarity.percentile)
        j.key("events"); j.raw("[")
        for (i, e) in events.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(e.name); j.key("kind"); j.string(e.kind)
            j.key("confidence"); j.double((e.confidence * 1000).rounded() / 1000)
            j.key("start_ns"); j.raw(String(e.startNs)); j.key("end_ns"); j.raw(String(e.endNs))
            j.key("facts"); ScanJob.facts(Knowledge.roundedFacts(e.facts), into: &j); j.raw("}")
        }
        j.raw("]"); j.key("context"); j.raw("{")
        for (i, (k, v)) in context.enumerated() { j.key(k, first: i == 0); j.double(v) }
        j.raw("}")
        j.key("caption"); j.string(caption)
        let what = domain == .driving ? "driving" : "manipulation"
        j.key("instruction"); j.string("Describe what happened in this \(what) segment and why it is rare.")
        j.key("response"); j.string(caption)
        j.raw("}")
        return j.text
    }
}
