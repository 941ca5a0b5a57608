import Foundation
import LongtailCatalog
import LongtailCore
import LongtailScan
import LongtailSupport

/// A run's result as catalog rows: the run record, one row per source (and per failed or
/// unreached file), one per segment with the events that overlap it.
enum CatalogRows {
    static func run(_ r: ScanResult) -> CatalogRun {
        let profiles = Set(r.sources.map(\.profile.name)).sorted().joined(separator: ",")
        return CatalogRun(version: LongtailVersion.current, profile: profiles.isEmpty ? r.profileChoice : profiles,
                          flags: r.flags, startedAt: CatalogTime.format(r.startedNs), endedAt: CatalogTime.format(r.endedNs))
    }

    /// One row per scanned source (an HDF5 file with several episodes gives one per episode),
    /// one per failed file and one per file an interrupted run did not reach.
    static func sources(_ r: ScanResult) -> [CatalogSource] {
        var out: [CatalogSource] = []
        func absolute(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.path }
        func relative(_ p: String) -> String { r.relativePaths[p] ?? (p as NSString).lastPathComponent }
        for rec in r.sources {
            // A damaged file that gave what came before the damage: `partial`, with where and why.
            out.append(CatalogSource(path: rec.scan.source, size: rec.file.size, contentHash: rec.file.hash,
                                     status: rec.scan.damage == nil ? "ok" : "partial", error: rec.scan.damage,
                                     profile: rec.profile.name, messages: rec.scan.messages, bytes: Int64(rec.scan.bytes),
                                     absolutePath: absolute(rec.file.path), relativePath: relative(rec.file.path)))
        }
        for fail in r.failures {
            out.append(CatalogSource(path: fail.path, size: fail.file.size, contentHash: fail.file.hash, status: "failed", error: fail.reason))
        }
        for p in r.pending { out.append(CatalogSource(path: p.path, size: p.size, contentHash: "", status: "pending")) }
        return out
    }

    /// The rows of one source's segments (`scan` is its whole scan).
    static func segments(_ record: SourceRecord, whole scan: SourceScan, chosen: [Bool], model: RarityModel,
                         _ o: TierOptions) -> [CatalogSegment] {
        let index = EventIndex(scan.events)
        let featureKeys = model.features.enumerated().map { JSONText.keyBytes($0.element, first: $0.offset == 0) }
        return scan.segments.indices.map { k -> CatalogSegment in
            let seg = scan.segments[k]
            var features = JSONText()
            features.raw("{")
            for (i, key) in featureKeys.enumerated() { features.raw(key); features.double(seg.features[i]) }
            features.raw("}")
            let events = index.overlapping(seg.startNs, seg.endNs).map { e in
                var facts = JSONText()
                ResultFiles.facts(e.facts, into: &facts)
                return CatalogEvent(name: e.name, kind: e.kind, confidence: (e.confidence * 1000).rounded() / 1000,
                                    startNs: e.startNs, endNs: e.endNs, facts: facts.text)
            }
            let alignment = chosen[k]
            return CatalogSegment(id: record.segmentID(seg.index), source: scan.source, index: seg.index,
                                  startNs: seg.startNs, endNs: seg.endNs, tier: alignment ? "alignment" : "pretrain",
                                  inPretrain: !(alignment && o.exclusive), rarity: (record.rarity[k].score * 1e6).rounded() / 1e6,
                                  percentile: record.rarity[k].percentile, features: features.text, events: events)
        }
    }
}
