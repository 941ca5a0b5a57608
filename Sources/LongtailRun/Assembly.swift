import LongtailCore
import LongtailOutput
import LongtailScan
import LongtailSupport

/// From file results to the run's result.
enum Assembly {
    /// The run's result from file digests in path order: sources, failures (a file of
    /// another domain than the first is one), the rarity model (counted from the bins:
    /// exactly the counts of the features), each segment's score (from its bins) and percentile.
    static func assemble(_ digests: [FileDigest], options o: BatchOptions, profiles known: [String: Profile],
                         store: (any SourceStore)?) -> ScanResult {
        var domain = o.profile?.domain
        var profiles = known
        if let p = o.profile { profiles[p.name] = p }
        var included: [FileDigest] = []
        var result = ScanResult(model: RarityModel(features: []))
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
            if domain == nil { domain = profile.domain }
            guard profile.domain == domain else {
                result.failures.append(ScanFailure(file: file, reason: "\(profile.name): \(f.path) is \(profile.domain.rawValue) data in a \(domain!.rawValue) scan; scan each domain separately"))
                continue
            }
            for s in f.scans { result.sources.append(SourceRecord(scan: s, profile: profile, file: file, stored: store != nil)) }
            included.append(d)
        }
        let features = SourceScanner.features(for: domain ?? .driving)
        result.model = RarityModel(features: features.map(\.name), scales: features.map(\.scale))
        var segments: [(digest: Int, source: Int, count: Int)] = []
        for (di, d) in included.enumerated() {
            for (si, s) in d.result.scans.enumerated() {
                segments.append((di, si, s.segments.count))
                for k in 0..<s.segments.count { result.model.add(bins: d.bins(source: si, segment: k)) }
            }
        }
        let scores = segments.map { e in (0..<e.count).map { result.model.score(bins: included[e.digest].bins(source: e.source, segment: $0)) } }
        let percentiles = RarityModel.percentiles(of: scores.flatMap { $0 })
        var k = 0
        for si in result.sources.indices {
            result.sources[si].rarity = scores[si].map { s in defer { k += 1 }; return SegmentRarity(score: s, percentile: percentiles[k]) }
        }
        return result
    }
}
