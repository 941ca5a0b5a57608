import Foundation
import LongtailCore
import LongtailOutput
import LongtailScan
import LongtailSupport

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
    /// `merge`: where the scanned files lie now, when they moved since the shards scanned them.
    public var dataRoot: String?

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

/// The run library's entry point: `longtail scan` over many files. The shard's files (all
/// of them without a shard) are scanned on `threads` threads, each file's result kept in
/// `DIR/.work` (reused by `--resume`), then assembled into one result: the rarity model
/// over every segment, each segment's score and percentile. The result does not depend on
/// the thread count or the order files finish.
public enum BatchRun {
    /// Why a batch cannot start.
    public struct BatchError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public static func run(_ o: BatchOptions) throws -> ScanResult {
        let start = Clock.monotonicSeconds()
        var files = InputFiles.expandWithKeys(o.paths)
        // Never our own outputs (an --out inside a scanned directory holds HDF5 files too).
        if let out = o.out {
            let own = URL(fileURLWithPath: out).standardizedFileURL.path + "/"
            files.removeAll { URL(fileURLWithPath: $0.path).standardizedFileURL.path.hasPrefix(own) }
        }
        if let shard = o.shard { files = files.filter { shard.owns($0.key) } }
        let work = o.dryRun || o.tiers == nil ? nil : o.out.map(WorkDir.init(out:))
        if let work {
            if o.resume, let old = work.settings(), old != o.settings {
                throw BatchError(message: "\(work.path) was written with other settings (\(old)); resume with the same --profile and --pretrain-rate, or start again with --force")
            }
            try work.create()
            try work.writeSettings(o.settings)
            if let p = o.profile { try work.write(profile: p) }
        }
        let sizes = files.map { FileStatus($0.path).size }
        o.progress?.begin(files: files.count, bytes: sizes.reduce(0, +))
        var po = o
        po.pipelined = o.threads >= 2 * files.count   // a core to spare per file: chunk-level overlap too
        let known = (try? work?.profiles()) ?? [:]
        let pool = WorkerPool(files: files.map(\.path), sizes: sizes, options: po, work: work, profiles: known)
        pool.run(threads: max(1, min(o.threads, files.count)))
        if let failure = pool.storageFailure { throw BatchError(message: failure) }
        let slots = pool.slots
        var result = Assembly.assemble(slots.compactMap { $0 }, options: o, profiles: known.merging(pool.profilesUsed) { a, _ in a },
                                       store: work.map { w in ResultFileStore(paths: Dictionary(files.map { ($0.path, w.resultPath(for: $0.path)) },
                                                                                                uniquingKeysWith: { a, _ in a })) })
        // A directory argument without a single log is said, not an empty success.
        for p in o.paths where InputFiles.isDirectory(p) && !files.contains(where: { $0.path.hasPrefix(p.hasSuffix("/") ? p : p + "/") }) {
            result.failures.append(ScanFailure(file: InputFile(path: p, size: 0, hash: ""),
                                               reason: "\(p): no logs (.mcap, .bag, .h5, .hdf5 files) under this directory"))
        }
        result.relativePaths = Dictionary(files.map { ($0.path, $0.key) }, uniquingKeysWith: { a, _ in a })
        result.pending = zip(files, slots).filter { $0.1 == nil }.map { InputFile(path: $0.0.path, size: FileStatus($0.0.path).size, hash: "") }
        if let work {
            let shard = o.shard ?? ShardSpec(index: 0, count: 1)
            try work.write(WorkDir.ShardManifest(index: shard.index, count: shard.count, files: files.map(\.path),
                                                 complete: result.pending.isEmpty, settings: o.settings))
        }
        result.seconds = Clock.monotonicSeconds() - start
        result.endedNs = Clock.wallClockNs()
        result.startedNs = result.endedNs - Int64(result.seconds * 1e9)
        return result
    }
}

/// The files a run takes.
enum InputFiles {
    static func isDirectory(_ p: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue
    }

    /// Files under `paths` (directories are searched recursively for .mcap, .bag, .h5 and
    /// .hdf5 files) with their shard keys (the path below the directory argument, or the file
    /// name), sorted by path within each directory.
    static func expandWithKeys(_ paths: [String]) -> [(path: String, key: String)] {
        var out: [(String, String)] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let items = (fm.enumerator(atPath: p)?.allObjects as? [String]) ?? []
                for item in items.filter({ $0.hasSuffix(".mcap") || $0.hasSuffix(".bag") || $0.hasSuffix(".h5") || $0.hasSuffix(".hdf5") }).sorted() {
                    let f = (p as NSString).appendingPathComponent(item)
                    // Inside a directory, only regular files are logs (a FIFO would block the batch).
                    if isDirectory(f) { continue }   // a directory named like a log
                    out.append((f, String(f.dropFirst(p.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))))
                }
            } else {
                out.append((p, (p as NSString).lastPathComponent))
            }
        }
        // The same file named twice (a directory and a file in it, or twice) is scanned once.
        var seen: Set<String> = []
        return out.filter { seen.insert(URL(fileURLWithPath: $0.0).standardizedFileURL.path).inserted }
    }
}
