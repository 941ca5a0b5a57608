import LongtailCore
import LongtailOutput
import LongtailScan
import LongtailSupport

/// From file results to the run's result.
enum Assembly {
    /// The run's result from file digests in path order: sources, failures, one rarity
    /// model per profile (counted from the bins: exactly the counts of the features), each
    /// segment's score (from its bins) and percentile within its profile's segments.
    static func assemble(_ digests: [FileDigest], options o: BatchOptions, profiles known: [String: Profile],
                         store: (any SourceStore)?) -> ScanResult {
        var profiles = known
        if let p = o.profile { profiles[p.name] = p }
        var included: [FileDigest] = []
        let domain = o.profile?.domain ?? .driving
        let fallback = SourceScanner.features(for: domain)
        var result = ScanResult(model: RarityModel(features: fallback.map(\.name), scales: fallback.map(\.scale)))
        result.flags = o.flags
        result.profileChoice = o.profile?.name ?? "auto"
        result.store = store
        for d in digests.sorted(by: { $0.result.path < $1.result.path }) {
            let f = d.result
            let file = InputFile(path: f.path, size: f.size, hash: f.hash)
            if let failure = f.failure { result.failures.append(ScanFailure(file: file, reason: failure)); continue }
            if profiles[f.profile] == nil { profiles[f.profile] = d.profile ?? (try? Profile.load(f.profile)) }
            guard let profile = profiles[f.profile], d.bins.count == f.scans.count else {
                result.failures.append(ScanFailure(file: file, reason: "profile \(f.profile) is not available"))
                continue
            }
            for s in f.scans { result.sources.append(SourceRecord(scan: s, profile: profile, file: file, stored: store != nil)) }
            included.append(d)
        }
        // One group per profile: its model counted over its segments, percentiles among them.
        var sourceAt: [(digest: Int, source: Int)] = []
        for (di, d) in included.enumerated() { for si in d.result.scans.indices { sourceAt.append((di, si)) } }
        let names = Set(result.sources.map(\.profile.name)).sorted()
        for name in names {
            let members = result.sources.indices.filter { result.sources[$0].profile.name == name }
            let features = SourceScanner.features(for: result.sources[members[0]].profile.domain)
            var model = RarityModel(features: features.map(\.name), scales: features.map(\.scale))
            for i in members {
                let (di, si) = sourceAt[i]
                for k in 0..<result.sources[i].scan.segments.count { model.add(bins: included[di].bins(source: si, segment: k)) }
            }
            let scores = members.map { i in
                let (di, si) = sourceAt[i]
                return (0..<result.sources[i].scan.segments.count).map { model.score(bins: included[di].bins(source: si, segment: $0)) }
            }
            let percentiles = RarityModel.percentiles(of: scores.flatMap { $0 })
            var k = 0
            for (m, i) in members.enumerated() {
                result.sources[i].rarity = scores[m].map { s in defer { k += 1 }; return SegmentRarity(score: s, percentile: percentiles[k]) }
            }
            result.groups.append(RarityGroup(profile: name, model: model))
        }
        return result
    }
}
