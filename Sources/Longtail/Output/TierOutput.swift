import Foundation
import LongtailCatalog
import LongtailCore

/// The two tiers and the catalog of a scan: what `longtail scan --out DIR` writes beside
/// its JSON files, and the figures of its summary.
public enum TierOutput {
    public struct Summary: Sendable {
        public var segments = 0
        public var alignmentSegments = 0
        public var alignmentBytes: Int64 = 0
        public var pretrainBytes: Int64 = 0
        public var pretrainShards = 0
        /// Decompressed input: message (MCAP) or value (HDF5) bytes read.
        public var inputBytes: Int64 = 0
        public var alignmentFraction: Double { segments == 0 ? 0 : Double(alignmentSegments) / Double(segments) }
        public var pretrainRatio: Double { inputBytes == 0 ? 0 : Double(pretrainBytes) / Double(inputBytes) }
    }

    /// Writes `alignment/`, `pretrain/` and `catalog.sqlite` (last: its presence means the
    /// run finished) into `dir`.
    public static func write(_ r: ScanJob.Result, to dir: String, options o: TierOptions) throws -> Summary {
        let chosen = TierSelection.select(r, o)
        let keys = ScanJob.keys(r)
        var summary = Summary()
        summary.segments = r.scans.reduce(0) { $0 + $1.segments.count }
        summary.inputBytes = r.scans.reduce(Int64(0)) { $0 + Int64($1.bytes) }
        let a = try AlignmentWriter.write(to: dir + "/alignment", r, chosen: chosen, keys: keys, options: o)
        summary.alignmentSegments = a.segments
        summary.alignmentBytes = a.bytes
        let p = try PretrainWriter.write(to: dir + "/pretrain", r, chosen: chosen, keys: keys, options: o)
        summary.pretrainBytes = p.bytes
        summary.pretrainShards = p.shards.count
        try Catalog.write(to: dir + "/" + Catalog.fileName, run: run(r), sources: sources(r), segments: segments(r, chosen: chosen, keys: keys, o))
        return summary
    }

    static func run(_ r: ScanJob.Result) -> CatalogRun {
        let profiles = Set(r.profiles).sorted().joined(separator: ",")
        return CatalogRun(version: LongtailVersion.current, profile: profiles.isEmpty ? (r.options?.profile?.name ?? "auto") : profiles,
                          flags: r.options?.flags ?? "", startedAt: CatalogTime.format(r.startedNs), endedAt: CatalogTime.format(r.endedNs))
    }

    /// One row per scanned source (an HDF5 file with several episodes gives one per episode),
    /// one per failed file and one per file an interrupted run did not reach.
    static func sources(_ r: ScanJob.Result) -> [CatalogSource] {
        var out: [CatalogSource] = []
        for (i, s) in r.scans.enumerated() {
            let file = String(s.source.split(separator: "#", maxSplits: 1)[0])
            let f = r.files[file]
            out.append(CatalogSource(path: s.source, size: f?.size ?? 0, contentHash: f?.hash ?? "", status: "ok",
                                     profile: r.profiles[i], messages: s.messages, bytes: Int64(s.bytes)))
        }
        for fail in r.failures {
            let f = r.files[fail.path]
            out.append(CatalogSource(path: fail.path, size: f?.size ?? 0, contentHash: f?.hash ?? "", status: "failed", error: fail.reason))
        }
        // Files an interrupted run did not reach (`--resume` scans them).
        for p in r.pending { out.append(CatalogSource(path: p, size: FileResult.stat(p).size, contentHash: "", status: "pending")) }
        return out
    }

    /// The catalog rows, made one at a time as the catalog writer reads them.
    static func segments(_ r: ScanJob.Result, chosen: [[Bool]], keys: [String], _ o: TierOptions) -> some Sequence<CatalogSegment> {
        r.scans.indices.lazy.flatMap { si in
            let s = r.scans[si]
            let index = EventIndex(s.events)
            let segments = r.segments(si)
            return segments.indices.lazy.map { k -> CatalogSegment in
                let seg = segments[k]
                var features = JSONText()
                features.raw("{")
                for (i, f) in r.model.features.enumerated() { features.key(f, first: i == 0); features.double(seg.features[i]) }
                features.raw("}")
                let events = index.overlapping(seg.startNs, seg.endNs).map { e in
                    var facts = JSONText()
                    ScanJob.facts(e.facts, into: &facts)
                    return CatalogEvent(name: e.name, kind: e.kind, confidence: (e.confidence * 1000).rounded() / 1000,
                                        startNs: e.startNs, endNs: e.endNs, facts: facts.text)
                }
                let alignment = chosen[si][k]
                return CatalogSegment(id: ScanJob.segmentID(keys[si], seg.index), source: s.source, index: seg.index,
                                      startNs: seg.startNs, endNs: seg.endNs, tier: alignment ? "alignment" : "pretrain",
                                      inPretrain: !(alignment && o.exclusive), rarity: (r.rarity[si][k].score * 1e6).rounded() / 1e6,
                                      percentile: r.rarity[si][k].percentile, features: features.text, events: events)
            }
        }
    }
}
