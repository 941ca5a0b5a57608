import LongtailOutput
import LongtailScan

/// What `longtail scan` (and `merge`) runs with.
public struct BatchOptions: Sendable {
    public var paths: [String]
    public var out: String?
    /// A profile for every file, or nil to choose one per file (`--profile auto`).
    public var profile: Profile?
    public var dryRun = false
    /// The two tiers and the catalog; nil writes only the scan's JSON files (and keeps no
    /// pretraining data in memory).
    public var tiers: TierOptions? = TierOptions()
    /// The command line, for the catalog's run record.
    public var flags = ""
    /// Files scanned at once (each file on one thread).
    public var threads = 1
    /// Reuse the results of files a killed run finished (`DIR/.work`).
    public var resume = false
    /// Scan only this shard's files.
    public var shard: ShardSpec?
    /// Set to stop taking new files (SIGINT).
    public var cancel: CancelFlag?
    /// Updated as files finish.
    public var progress: BatchProgress?
    /// Each file decompressed on a second thread (set when threads outnumber files twice).
    var pipelined = false

    public init(paths: [String], out: String?, profile: Profile?) { self.paths = paths; self.out = out; self.profile = profile }

    /// What must match between a run and its resumption, or between merged shards: the
    /// profile choice and the pretraining rate (both shape every file's result).
    var settings: String {
        let profile = profile.map { "profile-hash=\(String(ShardSpec.hash($0.toml), radix: 16))" } ?? "profile=auto"
        let hz = tiers.map { $0.pretrainHz.map { String($0) } ?? "default" } ?? "none"
        return "\(profile) pretrain_hz=\(hz)"
    }

    /// The pretraining rate for a profile's files (nil: no pretraining series is kept).
    func pretrainHz(_ profile: Profile) -> Double? {
        guard !dryRun else { return nil }
        return tiers.map { $0.pretrainHz ?? TierOptions.defaultPretrainHz(profile.domain) }
    }
}
