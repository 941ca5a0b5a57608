import Foundation
import LongtailCore

extension ScanJob {
    /// Files under `paths` with their shard keys (the path below the directory argument, or
    /// the file name), sorted by path.
    static func expandWithKeys(_ paths: [String]) -> [(path: String, key: String)] {
        var out: [(String, String)] = []
        for p in paths {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                for f in expand([p]) { out.append((f, String(f.dropFirst(p.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/")))) }
            } else {
                out.append((p, (p as NSString).lastPathComponent))
            }
        }
        return out
    }

    /// What must match between a run and its resumption, or between merged shards: the
    /// profile choice and the pretraining rate (both shape every file's result).
    static func settings(_ o: Options) -> String {
        let profile = o.profile.map { "profile-hash=\(String(ShardSpec.hash($0.toml), radix: 16))" } ?? "profile=auto"
        let hz = o.tiers.map { $0.pretrainHz.map { String($0) } ?? "default" } ?? "none"
        return "\(profile) pretrain_hz=\(hz)"
    }

    /// Why a batch cannot start.
    public struct BatchError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Runs the scan: the shard's files (all without a shard) on `threads` threads, each
    /// file's result kept in `DIR/.work` (reused by `--resume`), then one rarity model over
    /// every segment. The result does not depend on the thread count or the order files finish.
    public static func run(_ o: Options) throws -> Result {
        let start = SynthJob.monotonicSeconds()
        var files = expandWithKeys(o.paths)
        // Never our own outputs (an --out inside a scanned directory holds HDF5 files too).
        if let out = o.out {
            let own = URL(fileURLWithPath: out).standardizedFileURL.path + "/"
            files.removeAll { URL(fileURLWithPath: $0.path).standardizedFileURL.path.hasPrefix(own) }
        }
        if let shard = o.shard { files = files.filter { shard.owns($0.key) } }
        let work = o.dryRun || o.tiers == nil ? nil : o.out.map(WorkDir.init(out:))
        let settings = Self.settings(o)
        if let work {
            if o.resume, let old = work.settings(), old != settings {
                throw BatchError(message: "\(work.path) was written with other settings (\(old)); resume with the same --profile and --pretrain-rate, or start again with --force")
            }
            try work.create()
            try work.writeSettings(settings)
            if let p = o.profile { try work.write(profile: p) }
        }
        let sizes = files.map { FileResult.stat($0.path).size }
        o.progress?.begin(files: files.count, bytes: sizes.reduce(0, +))
        var po = o
        po.pipelined = o.threads >= 2 * files.count   // a core to spare per file: chunk-level overlap too
        let pool = WorkerPool(files: files.map(\.path), sizes: sizes, options: po, work: work)
        pool.run(threads: max(1, min(o.threads, files.count)))
        let slots = pool.slots
        let stored = (try? work?.profiles()) ?? [:]
        var result = assemble(slots.compactMap { $0 }, options: o, resultPath: { f in work?.resultPath(for: f) }, profiles: stored)
        result.pending = zip(files, slots).filter { $0.1 == nil }.map(\.0.path)
        if let work {
            let shard = o.shard ?? ShardSpec(index: 0, count: 1)
            try work.write(WorkDir.ShardManifest(index: shard.index, count: shard.count, files: files.map(\.path),
                                                 complete: result.pending.isEmpty, settings: settings))
        }
        result.startedNs = wallClockNs() - Int64((SynthJob.monotonicSeconds() - start) * 1e9)
        result.seconds = SynthJob.monotonicSeconds() - start
        result.endedNs = wallClockNs()
        return result
    }

    /// Threads that take files in order; each file's result lands in its slot, so the
    /// outcome does not depend on which thread finishes first.
    final class WorkerPool: @unchecked Sendable {
        let files: [String], sizes: [Int64], o: Options, work: WorkDir?
        private(set) var slots: [FileResult?]
        private var next = 0
        private let lock = NSLock()

        init(files: [String], sizes: [Int64], options: Options, work: WorkDir?) {
            self.files = files; self.sizes = sizes; o = options; self.work = work
            slots = [FileResult?](repeating: nil, count: files.count)
        }

        func run(threads: Int) {
            if threads == 1 { worker(); return }
            let group = DispatchGroup()
            for _ in 0..<threads {
                group.enter()
                let t = Thread { [self] in worker(); group.leave() }
                t.stackSize = 8 << 20
                t.start()
            }
            group.wait()
        }

        private func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < files.count, o.cancel?.isSet != true else { return nil }
            next += 1
            return next - 1
        }

        private func worker() {
            while let i = take() {
                let path = files[i]
                var r: FileResult
                if o.resume, let work, let old = work.result(for: path, pretrain: false), old.path == path,
                   (old.size, old.modifiedNs) == FileResult.stat(path) {
                    r = old
                } else {
                    r = ScanJob.scanOne(path, o)
                    if let work {
                        do { try work.write(r) } catch { r.failure = "could not keep the result in \(work.path): \(error)" }
                    }
                }
                o.progress?.finished(bytes: sizes[i], events: r.scans.reduce(0) { $0 + $1.events.count }, failed: r.failure != nil)
                // Pretraining data and features wait in the result file; memory holds segment
                // times and events only (about 50 bytes a segment).
                if work != nil {
                    for k in r.scans.indices {
                        r.scans[k].pretrain = nil
                        for g in r.scans[k].segments.indices { r.scans[k].segments[g].features = [] }
                    }
                }
                lock.lock(); slots[i] = r; lock.unlock()
            }
        }
    }

    /// Scans one file into its result (a failure is a result too).
    static func scanOne(_ path: String, _ o: Options) -> FileResult {
        let (size, modified) = FileResult.stat(path)
        var r = FileResult(path: path, size: size, modifiedNs: modified, hash: "", profile: o.profile?.name ?? "", scans: [])
        if !o.dryRun && o.tiers != nil { r.hash = (try? ContentHash.of(file: path)) ?? "" }
        do {
            let profile = try o.profile ?? Profile.load(ProfileChoice.auto(for: path))
            r.profile = profile.name
            if !o.dryRun, let out = o.out, o.tiers != nil { try WorkDir(out: out).write(profile: profile) }
            let hz = o.tiers.map { $0.pretrainHz ?? TierOptions.defaultPretrainHz(profile.domain) }
            r.scans = try scanFile(path, profile: profile, dryRun: o.dryRun, pretrainHz: o.dryRun ? nil : hz, pipelined: o.pipelined)
        } catch {
            r.failure = "\(error)"
            r.scans = []
        }
        return r
    }

    /// The batch result from file results in path order: sources, failures (a file of
    /// another domain than the first is one), the rarity model, scores and percentiles.
    /// `resultPath` tells where each file's result lies (for its pretraining data).
    static func assemble(_ files: [FileResult], options o: Options, resultPath: (String) -> String?,
                         profiles known: [String: Profile] = [:]) -> Result {
        var result = Result(model: RarityModel(features: []))
        result.options = o
        var domain = o.profile?.domain
        var profiles = known
        if let p = o.profile { profiles[p.name] = p }
        for f in files.sorted(by: { $0.path < $1.path }) {
            result.files[f.path] = (f.size, f.hash)
            result.resultPaths[f.path] = resultPath(f.path)
            if let failure = f.failure { result.failures.append(Failure(path: f.path, reason: failure)); continue }
            if profiles[f.profile] == nil {
                profiles[f.profile] = try? Profile.load(f.profile)
            }
            guard let profile = profiles[f.profile] else {
                result.failures.append(Failure(path: f.path, reason: "profile \(f.profile) is not available"))
                continue
            }
            if domain == nil { domain = profile.domain }
            guard profile.domain == domain else {
                result.failures.append(Failure(path: f.path, reason: "\(profile.name): \(f.path) is \(profile.domain.rawValue) data in a \(domain!.rawValue) scan; scan each domain separately"))
                continue
            }
            result.scans += f.scans
            result.profiles += f.scans.map { _ in profile.name }
            result.profileSet[profile.name] = profile
        }
        let features = FeatureSpec.features(for: domain ?? .driving)
        result.model = RarityModel(features: features.map(\.name), scales: features.map(\.scale))
        // Features come back from the result files one file at a time (a batch keeps only times).
        for si in result.scans.indices { for seg in result.segments(si) { result.model.add(seg.features) } }
        let scores = result.scans.indices.map { si in result.segments(si).map { result.model.score($0.features) } }
        let percentiles = RarityModel.percentiles(of: scores.flatMap { $0 })
        var k = 0
        result.rarity = scores.map { list in list.map { s in defer { k += 1 }; return (s, percentiles[k]) } }
        return result
    }
}
