import Foundation
import LongtailOutput
import LongtailScan
import LongtailSupport

/// Which files a shard scans: each file's key (its path below the directory named on the
/// command line, or its file name) hashed (FNV-1a), modulo the shard count. The same file
/// lands in the same shard whatever the listing order, the machine or the other files.
public struct ShardSpec: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Why a shard cannot be worked out.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// The shard from the flags, else from Slurm (`SLURM_ARRAY_TASK_ID` minus
    /// `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`), else from Kubernetes
    /// (`JOB_COMPLETION_INDEX`, with `--shard-count`); nil: not sharded.
    public static func resolve(index: Int?, count: Int?, environment env: [String: String]) throws(Invalid) -> ShardSpec? {
        var i = index, n = count
        var from = "--shard-index"
        if i == nil, let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            i = id - (env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0)
            n = n ?? env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
            from = "SLURM_ARRAY_TASK_ID"
        } else if i == nil, let k = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            i = k
            from = "JOB_COMPLETION_INDEX"
            guard n != nil else { throw Invalid(message: "JOB_COMPLETION_INDEX is set: pass --shard-count (the Job's completions)") }
        }
        switch (i, n) {
        case (nil, nil): return nil
        case (nil, .some): throw Invalid(message: "--shard-count needs --shard-index (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)")
        case (.some, nil): throw Invalid(message: "--shard-index needs --shard-count")
        case (.some(let i), .some(let n)):
            guard n >= 1 else { throw Invalid(message: "the shard count must be at least 1, not \(n)") }
            guard (0..<n).contains(i) else { throw Invalid(message: "\(from) gives shard \(i), outside 0..<\(n)") }
            return ShardSpec(index: i, count: n)
        }
    }

    /// Whether the file with this key belongs to the shard.
    public func owns(_ key: String) -> Bool { Int(Self.hash(key) % UInt64(count)) == index }

    /// The hash that places a file (FNV-1a of its key).
    static func hash(_ s: String) -> UInt64 { FNV1a.hash(s) }
}

/// `longtail merge DIR... --out DIR`: the shards' file results (each shard's `.work`)
/// combined into one batch result, as if one process had scanned every file: the rarity
/// model refitted over all segments (histogram counts add exactly), percentiles and the
/// alignment budget applied over the whole, pretraining shards written from every file.
public enum MergeJob {
    public struct Incomplete: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Reads and checks the shard directories, then assembles their results.
    /// - Throws: `Incomplete` naming missing or unfinished shards, or shards of other runs.
    public static func run(_ dirs: [String], options o: BatchOptions) throws -> ScanResult {
        let start = Clock.monotonicSeconds()
        var manifests: [(dir: String, work: WorkDir, shard: WorkDir.ShardManifest)] = []
        for d in dirs {
            let w = WorkDir(out: d)
            guard let m = w.shard() else {
                throw Incomplete(message: "\(d): not a shard output (no .work/shard.json; run longtail scan --out \(d) --shard-index I --shard-count N)")
            }
            manifests.append((d, w, m))
        }
        guard let first = manifests.first else { throw Incomplete(message: "no shard directories given") }
        let count = first.shard.count
        for m in manifests where m.shard.count != count {
            throw Incomplete(message: "\(m.dir) is shard \(m.shard.index) of \(m.shard.count), \(first.dir) of \(count): shards of different runs")
        }
        for m in manifests where m.shard.settings != first.shard.settings {
            throw Incomplete(message: "\(m.dir) was scanned with other settings (\(m.shard.settings) vs \(first.shard.settings))")
        }
        var seen: [Int: String] = [:]
        for m in manifests {
            if let other = seen[m.shard.index] { throw Incomplete(message: "shard \(m.shard.index) given twice: \(other) and \(m.dir)") }
            seen[m.shard.index] = m.dir
        }
        let missing = (0..<count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            throw Incomplete(message: "incomplete set: shard\(missing.count > 1 ? "s" : "") \(missing.map(String.init).joined(separator: ", ")) of \(count) missing")
        }
        let unfinished = manifests.filter { !$0.shard.complete }.sorted { $0.shard.index < $1.shard.index }
        if !unfinished.isEmpty {
            throw Incomplete(message: "incomplete set: " + unfinished.map { "shard \($0.shard.index) (\($0.dir)) did not finish" }.joined(separator: "; ")
                             + "; run it again with --resume")
        }
        var digests: [FileDigest] = []
        var paths: [String: String] = [:]
        var moved: [String: String] = [:]
        var profiles: [String: Profile] = [:]
        for m in manifests.sorted(by: { $0.shard.index < $1.shard.index }) {
            for (k, v) in try m.work.profiles() { profiles[k] = v }
            for f in m.shard.files {
                guard var r = m.work.result(for: f, pretrain: false) else {
                    throw Incomplete(message: "shard \(m.shard.index) (\(m.dir)) lists \(f) but holds no readable result for it; run it again with --resume")
                }
                // Moved data: the result's paths become where the file lies now (the alignment
                // set is re-read from it); ids come from content hashes and do not change.
                if let root = o.dataRoot, RegularFile.problem(r.path) != nil, let now = DataRoot.locate(r.path, under: root) {
                    moved[r.path] = now
                    r.path = now
                    for k in r.scans.indices { r.scans[k].id = SourceID(file: now, episode: r.scans[k].id.episode) }
                }
                let profile = r.failure == nil ? profiles[r.profile] ?? (try? Profile.load(r.profile)) : nil
                digests.append(FileDigest(r, profile: profile, light: true))
                paths[r.path] = m.work.resultPath(for: f)
            }
        }
        var result = Assembly.assemble(digests, options: o, profiles: profiles, store: ResultFileStore(paths: paths, moved: moved))
        result.seconds = Clock.monotonicSeconds() - start
        result.endedNs = Clock.wallClockNs()
        result.startedNs = result.endedNs - Int64(result.seconds * 1e9)
        return result
    }
}

/// Whole scans read back from result files named per input file (the shards' `.work`).
struct ResultFileStore: SourceStore {
    let paths: [String: String]
    /// Old path → where the file lies now (`merge --data-root`): the scans read back name it.
    var moved: [String: String] = [:]

    func load(file: String) throws -> [SourceScan] {
        guard let path = paths[file], let bytes = AtomicFile.readBytes(path) else {
            throw AtomicFile.Failure(path: paths[file] ?? file, operation: "read", errno: errno)
        }
        var scans = try FileResult.decode(bytes, pretrain: true).scans
        for k in scans.indices { if let now = moved[scans[k].id.file] { scans[k].id = SourceID(file: now, episode: scans[k].id.episode) } }
        return scans
    }
}
