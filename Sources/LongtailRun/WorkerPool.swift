import Foundation
import LongtailCore
import LongtailOutput
import LongtailScan
import LongtailSupport

/// Threads that take files in order; each file's result lands in its slot, so the outcome
/// does not depend on which thread finishes first. What a slot keeps is light: segment
/// times, events and each segment's rarity bins (`FileDigest`); features and pretraining
/// series wait in the file's `.work` result.
final class WorkerPool: @unchecked Sendable {
    let files: [String], sizes: [Int64], o: BatchOptions, work: WorkDir?
    private(set) var slots: [FileDigest?]
    /// Profiles the workers loaded (`--profile auto` picks one per file), by name.
    private(set) var profilesUsed: [String: Profile] = [:]
    private var profiles: [String: Profile]
    private var next = 0
    private let lock = NSLock()

    init(files: [String], sizes: [Int64], options: BatchOptions, work: WorkDir?, profiles: [String: Profile]) {
        self.files = files; self.sizes = sizes; o = options; self.work = work; self.profiles = profiles
        slots = [FileDigest?](repeating: nil, count: files.count)
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

    private func profile(named name: String) -> Profile? {
        lock.lock(); defer { lock.unlock() }
        if let p = profiles[name] { return p }
        let p = try? Profile.load(name)
        profiles[name] = p
        return p
    }

    /// Set when a result could not be stored: the run cannot finish correctly.
    private(set) var storageFailure: String?

    private func worker() {
        while let i = take() {
            lock.lock()
            let stop = storageFailure != nil
            lock.unlock()
            if stop { return }
            let path = files[i]
            var r: FileResult, profile: Profile?
            if o.resume, let work, let old = work.result(for: path, pretrain: false), old.path == path,
               case let now = FileStatus(path), (old.size, old.modifiedNs) == (now.size, now.modifiedNs) {
                r = old
                profile = old.failure == nil ? self.profile(named: old.profile) : nil
            } else {
                (r, profile) = Self.scanOne(path, o)
                if let work {
                    do { try work.write(r) } catch {
                        // Not the file's fault but the run's (a full disk): the batch stops.
                        lock.lock()
                        if storageFailure == nil { storageFailure = "could not keep a file's result in \(work.path): \(error)" }
                        lock.unlock()
                        r.failure = "could not keep the result in \(work.path): \(error)"
                    }
                }
            }
            o.progress?.finished(bytes: sizes[i], events: r.scans.reduce(0) { $0 + $1.events.count }, failed: r.failure != nil)
            let digest = FileDigest(r, profile: profile, light: work != nil)
            lock.lock()
            slots[i] = digest
            if let profile { profilesUsed[profile.name] = profile }
            lock.unlock()
        }
    }

    /// Scans one file into its result (a failure is a result too), with the profile used.
    static func scanOne(_ path: String, _ o: BatchOptions) -> (FileResult, Profile?) {
        let stat = FileStatus(path)
        var r = FileResult(path: path, size: stat.size, modifiedNs: stat.modifiedNs, hash: "", profile: o.profile?.name ?? "", scans: [])
        // Before anything opens it: a FIFO would block here forever, a device never end.
        if let problem = RegularFile.problem(path) {
            r.failure = "\(path): \(problem)"
            return (r, nil)
        }
        do {
            let profile = try o.profile ?? ProfileChoice.profile(for: path)
            r.profile = profile.name
            if !o.dryRun, let out = o.out, o.tiers != nil { try WorkDir(out: out).write(profile: profile) }
            let digest = ContentDigest()
            r.scans = try SourceScanner.scan(path, profile: profile, dryRun: o.dryRun, pretrainHz: o.pretrainHz(profile),
                                             pipelined: o.pipelined, digest: digest)
            // Hashed as the scan read it, or once the scan has read it (a file that fails at
            // its first bytes is not read whole).
            if !o.dryRun && o.tiers != nil {
                r.hash = digest.hex(ifCovering: stat.size) ?? (try? ContentHash.of(file: path)) ?? ""
            }
            return (r, profile)
        } catch {
            r.failure = "\(error)"
            r.scans = []
            return (r, nil)
        }
    }
}

/// What a batch keeps of a file between scanning it and finishing: the result (light in
/// a batch: segment times and events, no features or pretraining series) and, per source,
/// the bins of every segment's features in the rarity model (`RarityModel.bins(of:)`, one
/// flat array: segment-major, two bytes a feature). The model is counted and every segment
/// scored from the bins once all files are in: the features are not needed again.
struct FileDigest: Sendable {
    var result: FileResult
    var profile: Profile?
    /// Per source: `segments × features` bins, segment-major.
    var bins: [[UInt16]] = []
    /// Features per segment (the domain's).
    var width = 0

    init(_ r: FileResult, profile: Profile?, light: Bool) {
        result = r
        self.profile = profile
        guard r.failure == nil, let profile else { return }
        let features = SourceScanner.features(for: profile.domain)
        let model = RarityModel(features: features.map(\.name), scales: features.map(\.scale))
        width = features.count
        bins = r.scans.map { s in s.segments.flatMap { model.bins(of: $0.features) } }
        // Features and pretraining series wait in the result file.
        if light {
            for k in result.scans.indices {
                result.scans[k].pretrain = nil
                for g in result.scans[k].segments.indices { result.scans[k].segments[g].features = [] }
            }
        }
    }

    /// The bins of segment `k` of source `s`.
    func bins(source s: Int, segment k: Int) -> ArraySlice<UInt16> { bins[s][(k * width)..<((k + 1) * width)] }
}
