import LongtailCore
import LongtailScan
import LongtailSupport

/// One input file of a run, as the catalog's `sources` table and the summary show it.
public struct InputFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    /// The content hash (`ContentHash`), "" where it was not computed.
    public var hash: String

    public init(path: String, size: Int64, hash: String) { self.path = path; self.size = size; self.hash = hash }
}

/// A segment's rarity: its score under its group's model and its percentile among the
/// group's segments (a group: the sources scanned with one profile).
public struct SegmentRarity: Sendable, Equatable {
    public var score: Double
    public var percentile: Double

    public init(score: Double, percentile: Double) { self.score = score; self.percentile = percentile }
}

/// One scanned source with everything the outputs need about it.
public struct SourceRecord: Sendable {
    /// The scan. In a batch it is *light* (`stored`): segments keep their times, not their
    /// features, and there is no pretraining series; the whole scan is read back from
    /// `ScanResult.store` once, when the outputs are written.
    public var scan: SourceScan
    public var profile: Profile
    public var file: InputFile
    /// The id prefix of its segments (`ContentHash.sourceKey`).
    public var key: String
    /// Per segment, in segment order.
    public var rarity: [SegmentRarity]
    /// The features and pretraining series live in `ScanResult.store`.
    public var stored: Bool

    public init(scan: SourceScan, profile: Profile, file: InputFile, rarity: [SegmentRarity] = [], stored: Bool = false) {
        self.scan = scan; self.profile = profile; self.file = file; self.rarity = rarity; self.stored = stored
        key = ContentHash.sourceKey(hash: file.hash, source: scan.id)
    }

    /// A segment's id: its source's key and its index.
    public func segmentID(_ index: Int) -> String { "\(key)-\(index)" }
}

/// The sources of one profile and their rarity model.
public struct RarityGroup: Sendable {
    /// The profile's name.
    public var profile: String
    public var model: RarityModel

    public init(profile: String, model: RarityModel) { self.profile = profile; self.model = model }
}

/// A file that could not be scanned, and why.
public struct ScanFailure: Sendable {
    public var file: InputFile
    public var reason: String
    public var path: String { file.path }

    public init(file: InputFile, reason: String) { self.file = file; self.reason = reason }

    /// The reason without the path it repeats.
    public var shortReason: String { reason.hasPrefix(path + ": ") ? String(reason.dropFirst(path.count + 2)) : reason }
}

/// Where the whole scans of light sources are read back from (a batch keeps them on disk).
public protocol SourceStore: Sendable {
    /// Every source of `file`, whole: segments with their features, and the pretraining series.
    func load(file: String) throws -> [SourceScan]
}

/// A run's result, ready to be written: the sources in path order with their rarity, the
/// files that failed or were not reached, and the rarity models.
///
/// Rarity is modelled within each group of sources scanned with the same profile: an
/// archive of driving logs and robot episodes, or of two robot embodiments, ranks each
/// segment among its own kind, so an embodiment is not "rare" for being the smaller part.
public struct ScanResult: Sendable {
    public var sources: [SourceRecord] = []
    public var failures: [ScanFailure] = []
    /// Files an interrupted run did not reach (`--resume` scans them).
    public var pending: [InputFile] = []
    /// The model of the first group (by profile name): the only one in a one-profile run.
    public var model: RarityModel {
        get { groups.first?.model ?? fallback }
        set { if groups.isEmpty { fallback = newValue } else { groups[0].model = newValue } }
    }
    private var fallback: RarityModel
    /// Per profile (sorted by name): its rarity model over its sources' segments.
    public var groups: [RarityGroup] = []
    public var seconds = 0.0
    /// Wall-clock start and end (ns since the epoch), for the catalog's run record.
    public var startedNs: Int64 = 0
    public var endedNs: Int64 = 0
    /// The command line, for the catalog's run record.
    public var flags = ""
    /// The profile the run record names when no source was scanned (`--profile`, or auto).
    public var profileChoice = "auto"
    /// Whole scans of the `stored` sources.
    public var store: (any SourceStore)?
    /// Per input file path: its path below the directory argument it was found under (the
    /// catalog's `rel_path`; a file missing here is known by its name).
    public var relativePaths: [String: String] = [:]

    public init(model: RarityModel) { fallback = model }

    /// The model that scored `record`'s segments (its profile's group).
    public func model(for record: SourceRecord) -> RarityModel {
        groups.first { $0.profile == record.profile.name }?.model ?? model
    }

    /// Every input file that was scanned or failed, once each, in path order.
    public var files: [InputFile] {
        var seen = Set<String>(), out: [InputFile] = []
        for f in sources.map(\.file) + failures.map(\.file) where seen.insert(f.path).inserted { out.append(f) }
        return out.sorted { $0.path < $1.path }
    }

    /// The segments of every source.
    public var segmentCount: Int { sources.reduce(0) { $0 + $1.scan.segments.count } }
}

/// Reads light sources back whole, one file at a time: the sources of a file come in a
/// row, so each stored file is read exactly once per pass over the result.
struct WholeScans {
    let result: ScanResult
    private var file = ""
    private var scans: [SourceID: SourceScan] = [:]

    init(_ result: ScanResult) { self.result = result }

    /// The whole scan of source `i` (the record's own when it is not stored).
    /// - Throws: the store's error when the file's result cannot be read back.
    mutating func scan(_ i: Int) throws -> SourceScan {
        let record = result.sources[i]
        guard record.stored, let store = result.store else { return record.scan }
        if record.file.path != file {
            scans = [:]
            for s in try store.load(file: record.file.path) { scans[s.id] = s }
            file = record.file.path
        }
        guard let whole = scans[record.scan.id] else { throw Missing(source: record.scan.id) }
        return whole
    }

    /// A stored file's result no longer holds one of its sources.
    struct Missing: Error, CustomStringConvertible {
        var source: SourceID
        var description: String { "\(source): its stored result no longer holds this source" }
    }
}
