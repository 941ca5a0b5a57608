#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LongtailCore
import LongtailHDF5
import LongtailMCAP

/// `longtail scan`: every source through the profile, detectors and segment features; then
/// one rarity model over all segments, each segment's score and percentile. Writes
/// `events.jsonl`, `segments.jsonl`, `clips.jsonl`, `rarity-model.json` and `scan.json` into the output directory.
public enum ScanJob {
    public struct Options: Sendable {
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
    }

    /// A path that is not a readable file.
    public struct UnreadableFile: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path): no such file, or not readable" }
    }

    /// A source that could not be scanned, and why.
    public struct Failure: Sendable { public var path: String; public var reason: String }

    public struct Result: Sendable {
        public var scans: [SourceScan] = []
        /// The profile each scan used, by scan index.
        public var profiles: [String] = []
        public var failures: [Failure] = []
        public var model: RarityModel
        /// Per scan, per segment: (score, percentile).
        public var rarity: [[(score: Double, percentile: Double)]] = []
        public var seconds = 0.0
        /// The profiles used, by name.
        public var profileSet: [String: Profile] = [:]
        /// Per file: (size, content hash), failed files included where readable.
        public var files: [String: (size: Int64, hash: String)] = [:]
        /// Wall-clock start and end (ns since the epoch), for the catalog's run record.
        public var startedNs: Int64 = 0
        public var endedNs: Int64 = 0
        public var options: Options?
        /// Per file: where its result file lies (for the pretraining data, read back when written).
        public var resultPaths: [String: String] = [:]
        /// Files not scanned because the run was interrupted.
        public var pending: [String] = []
        /// Result files read back (the pretraining series and segment features stay on disk).
        let cache = ResultCache()

        /// The pretraining series of scan `si`: in memory, or read back from its file's result.
        func pretrain(_ si: Int) -> PretrainSeries? {
            if let p = scans[si].pretrain { return p }
            return stored(si, pretrain: true)?.pretrain
        }

        /// The segments of scan `si` with their features: in memory, or read back from its
        /// file's result (a batch keeps only their times in memory).
        func segments(_ si: Int) -> [SegmentRecord] {
            let s = scans[si]
            if s.segments.first.map({ !$0.features.isEmpty }) ?? true { return s.segments }
            return stored(si, pretrain: false)?.segments ?? s.segments
        }

        private func stored(_ si: Int, pretrain: Bool) -> SourceScan? {
            let source = scans[si].source
            let file = String(source.split(separator: "#", maxSplits: 1)[0])
            guard let path = resultPaths[file] else { return nil }
            return cache.scan(path: path, source: source, pretrain: pretrain)
        }
    }

    /// The last result file read back, whole or without its pretraining series (the
    /// sources of one file come in a row, so each file is read once per pass).
    final class ResultCache: @unchecked Sendable {
        private var key = ""
        private var bySource: [String: SourceScan] = [:]
        func scan(path: String, source: String, pretrain: Bool) -> SourceScan? {
            let k = path + (pretrain ? "+pretrain" : "")
            if k != key {
                key = k
                bySource = [:]
                if let bytes = WorkDir.readBytes(path), let r = try? FileResult.decode(bytes, pretrain: pretrain) {
                    for s in r.scans { bySource[s.source] = s }
                }
            }
            return bySource[source]
        }
    }

    /// Files under `paths` (directories are searched recursively for .mcap, .h5, .hdf5), sorted.
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let items = (fm.enumerator(atPath: p)?.allObjects as? [String]) ?? []
                out += items.filter { $0.hasSuffix(".mcap") || $0.hasSuffix(".h5") || $0.hasSuffix(".hdf5") }.sorted()
                    .map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// Scans one file (MCAP or HDF5, told apart by their first bytes).
    /// `pretrainHz`: also keep the signals at this rate for the pretraining tier.
    /// `pipelined`: MCAP chunks are read and decompressed on a second thread.
    public static func scanFile(_ path: String, profile: Profile, dryRun: Bool = false, pretrainHz: Double? = nil,
                                pipelined: Bool = false) throws -> [SourceScan] {
        guard FileManager.default.isReadableFile(atPath: path) else { throw UnreadableFile(path: path) }
        if HDF5File.isHDF5(path: path) {
            return try HDF5Scanner(profile: profile, path: path, pretrainHz: pretrainHz).scan(dryRun: dryRun)
        }
        return [try MCAPScanner(profile: profile, path: path, pretrainHz: pretrainHz, pipelined: pipelined).scan(dryRun: dryRun)]
    }

    static func wallClockNs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    /// A file's size in bytes (0 when it cannot be read).
    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// A segment's id: its source's key and its index.
    public static func segmentID(_ key: String, _ index: Int) -> String { "\(key)-\(index)" }

    /// The id prefix of each scan (`ContentHash.sourceKey`).
    static func keys(_ r: Result) -> [String] {
        r.scans.map { s in
            let file = String(s.source.split(separator: "#", maxSplits: 1)[0])
            return ContentHash.sourceKey(hash: r.files[file]?.hash ?? "", source: s.source)
        }
    }

    /// Facts as a JSON object.
    static func facts(_ facts: [(String, DetectedEvent.Fact)], into j: inout JSONText) {
        j.raw("{")
        for (i, (k, v)) in facts.enumerated() {
            j.key(k, first: i == 0)
            switch v {
            case .number(let d): j.double(d.isFinite ? (d * 10_000).rounded() / 10_000 : d)
            case .text(let s): j.string(s)
            }
        }
        j.raw("}")
    }

    /// The basename of a source (`file.mcap`, or `file.h5#/data/demo_0`).
    static func shortName(_ source: String) -> String {
        let parts = source.split(separator: "#", maxSplits: 1)
        let base = (String(parts[0]) as NSString).lastPathComponent
        return parts.count > 1 ? base + "#" + parts[1] : base
    }

    /// One event as a JSON line (the labels' keys plus `confidence`).
    public static func eventLine(_ e: DetectedEvent, source: String) -> String {
        var j = JSONText()
        j.raw("{"); j.key("source", first: true); j.string(shortName(source))
        j.key("path"); j.string(source)
        j.key("event"); j.string(e.name); j.key("kind"); j.string(e.kind)
        j.key("start_ns"); j.raw(String(e.startNs)); j.key("end_ns"); j.raw(String(e.endNs))
        j.key("confidence"); j.double((e.confidence * 1000).rounded() / 1000)
        j.key("facts"); facts(e.facts, into: &j)
        j.raw("}")
        return j.text
    }

    /// Writes the result's files into `dir` (each atomically).
    public static func write(_ r: Result, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let events = try LineFile(dir + "/events.jsonl"), segments = try LineFile(dir + "/segments.jsonl")
        let clips = try LineFile(dir + "/clips.jsonl")
        for (si, s) in r.scans.enumerated() {
            for e in s.events { try events.line(eventLine(e, source: s.source)) }
            for c in s.clips {
                var j = JSONText()
                j.raw("{"); j.key("id", first: true); j.string("\(shortName(s.source))/clip-\(c.index)")
                j.key("source"); j.string(s.source); j.key("event"); j.string(c.event)
                j.key("start_ns"); j.raw(String(c.startNs)); j.key("end_ns"); j.raw(String(c.endNs)); j.raw("}")
                try clips.line(j.text)
            }
            let index = EventIndex(s.events)
            for (k, seg) in r.segments(si).enumerated() {
                var j = JSONText()
                j.raw("{"); j.key("id", first: true); j.string("\(shortName(s.source))/\(seg.index)")
                j.key("source"); j.string(s.source)
                j.key("start_ns"); j.raw(String(seg.startNs)); j.key("end_ns"); j.raw(String(seg.endNs))
                j.key("rarity"); j.double((r.rarity[si][k].score * 1e6).rounded() / 1e6)
                j.key("percentile"); j.double(r.rarity[si][k].percentile)
                j.key("events"); j.raw("[")
                let names = Set(index.overlapping(seg.startNs, seg.endNs).map(\.name)).sorted()
                for (i, n) in names.enumerated() { if i > 0 { j.raw(",") }; j.string(n) }
                j.raw("]"); j.key("features"); j.raw("{")
                for (i, f) in r.model.features.enumerated() { j.key(f, first: i == 0); j.double(seg.features[i]) }
                j.raw("}}")
                try segments.line(j.text)
            }
        }
        for f in [events, segments, clips] { try f.close() }
        try SynthJob.writeAtomically(dir + "/rarity-model.json", modelJSON(r.model))
        try SynthJob.writeAtomically(dir + "/scan.json", summaryJSON(r))
    }

    static func modelJSON(_ m: RarityModel) -> String {
        var j = JSONText()
        j.raw("{"); j.key("bins", first: true); j.raw(String(RarityModel.bins)); j.key("total"); j.raw(String(m.total))
        j.key("features"); j.raw("[")
        for (i, f) in m.features.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(f); j.key("scale"); j.double(m.scales[i])
            j.key("counts"); j.raw("[" + m.counts[i].map(String.init).joined(separator: ",") + "]}")
        }
        j.raw("]}\n")
        return j.text
    }

    static func summaryJSON(_ r: Result) -> String {
        var j = JSONText()
        j.raw("{"); j.key("seconds", first: true); j.double(r.seconds)
        j.key("sources"); j.raw("[")
        for (i, s) in r.scans.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("source", first: true); j.string(s.source); j.key("profile"); j.string(r.profiles[i])
            j.key("messages"); j.raw(String(s.messages)); j.key("bytes"); j.raw(String(s.bytes)); j.key("ticks"); j.raw(String(s.ticks))
            j.key("segments"); j.raw(String(s.segments.count)); j.key("events"); j.raw(String(s.events.count))
            j.key("missing"); j.raw("[" + s.missing.map { "\"\($0)\"" }.joined(separator: ",") + "]")
            j.key("disabled"); j.raw("[" + s.disabled.map { "\"\($0.event)\"" }.joined(separator: ",") + "]")
            j.key("gap_count"); j.raw(String(s.gaps.count))
            j.key("gaps"); j.raw("[")   // the first 100, in signal order
            for (k, g) in s.gaps.prefix(100).enumerated() {
                if k > 0 { j.raw(",") }
                j.raw("{"); j.key("signal", first: true); j.string(g.signal)
                j.key("start_ns"); j.raw(String(g.startNs)); j.key("end_ns"); j.raw(String(g.endNs)); j.raw("}")
            }
            j.raw("]")
            j.key("warnings"); j.raw("[")
            for (k, w) in s.warnings.enumerated() { if k > 0 { j.raw(",") }; j.string(w) }
            j.raw("]}")
        }
        j.raw("]"); j.key("failures"); j.raw("[")
        for (i, f) in r.failures.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("path", first: true); j.string(f.path); j.key("reason"); j.string(f.reason); j.raw("}")
        }
        j.raw("]}\n")
        return j.text
    }
}
