import Foundation
import LongtailCatalog
import LongtailCore
import LongtailScan
import LongtailSupport

/// The output library's entry point: writes a run's result into its output directory.
/// One pass over the sources in order; each source's whole scan is read once and handed
/// to every writer: the scan's own files (`events.jsonl`, `segments.jsonl`, `clips.jsonl`,
/// `rarity-model.json`, `scan.json`), `alignment/`, `pretrain/` and, last (its presence
/// means the run finished), `catalog.sqlite`.
public enum ResultWriter {
    /// The figures of a scan's summary.
    public struct Summary: Sendable {
        public var segments = 0
        public var alignmentSegments = 0
        public var alignmentBytes: Int64 = 0
        public var pretrainBytes: Int64 = 0
        public var pretrainShards = 0
        /// Decompressed input: message (MCAP) or value (HDF5) bytes read.
        public var inputBytes: Int64 = 0
        public var alignmentFraction: Double { segments == 0 ? 0 : Double(alignmentSegments) / Double(segments) }
        public var pretrainRatio: Double { inputBytes == 0 ? 0 : Double(pretrainBytes) / Double(inputBytes) }
    }

    /// Writes every output of `r` into `dir`: first whole into a staging directory, then
    /// moved into place entry by entry (`OutputDirectory.commit`). A failure (a full disk)
    /// removes the staging directory and leaves what `dir` held before.
    /// `threads` above 1 writes the HDF5 tiers (alignment and pretraining) on a thread of
    /// their own beside the JSON lines and the catalog; the bytes are the same either way.
    public static func write(_ r: ScanResult, to dir: String, options o: TierOptions, threads: Int = 1) throws -> Summary {
        // A rewrite in which every file failed would replace a result with nothing.
        if r.sources.isEmpty, !r.failures.isEmpty, !OutputDirectory.existingResults(dir).isEmpty {
            throw NothingToReplace(dir: dir, failed: r.failures.count)
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let staging = try OutputDirectory.makeStaging(dir)
        let summary: Summary
        do {
            summary = try writeAll(r, to: staging, options: o, threads: threads)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        try OutputDirectory.commit(staging: staging, into: dir)
        return summary
    }

    /// Writes every output of `r` into `dir` (each file atomically).
    static func writeAll(_ r: ScanResult, to dir: String, options o: TierOptions, threads: Int = 1) throws -> Summary {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let chosen = TierSelection.select(r, o)
        var summary = Summary()
        summary.segments = r.segmentCount
        summary.inputBytes = r.sources.reduce(Int64(0)) { $0 + Int64($1.scan.bytes) }
        let files = try ResultFiles(dir: dir)
        let alignment = try AlignmentWriter(dir: dir + "/alignment", options: o)
        let pretrain = try PretrainWriter(dir: dir + "/pretrain", options: o)
        var whole = WholeScans(r)
        // With a thread to spare, the HDF5 tiers are written on their own thread; libhdf5 is
        // not thread-safe, so nothing else calls it while that thread runs.
        let tiers = threads > 1 ? SerialWorker() : nil
        defer { try? tiers?.finish() }
        // The catalog writer takes rows source by source; each source's other outputs are
        // written as its rows are made, so each stored result is read back once.
        try Catalog.write(to: dir + "/" + Catalog.fileName, run: CatalogRows.run(r), sources: CatalogRows.sources(r)) { emit in
            for (si, record) in r.sources.enumerated() {
                let scan = try whole.scan(si)
                // The tiers first, so their thread starts while this one writes JSON lines.
                // Their signals are read back here unless that calls libhdf5 (an HDF5 episode).
                let picked: AlignmentWriter.Picked?
                if tiers != nil && !NativeSignals.usesHDF5(scan.id) {
                    picked = try AlignmentWriter.read(record, whole: scan, chosen: chosen[si])
                } else {
                    picked = nil
                }
                let writeTiers: () throws -> Void = {
                    let signals = try picked ?? AlignmentWriter.read(record, whole: scan, chosen: chosen[si])
                    try alignment.add(record, whole: scan, signals, model: r.model(for: record))
                    try pretrain.add(record, whole: scan, chosen: chosen[si])
                }
                if let tiers { try tiers.submit(writeTiers) } else { try writeTiers() }
                try files.add(record, whole: scan, model: r.model(for: record))
                for row in CatalogRows.segments(record, whole: scan, chosen: chosen[si], model: r.model(for: record), o) { try emit(row) }
            }
            try files.close(r)
        }
        // The catalog is complete (its indexes were built while the tier thread went on).
        try tiers?.finish()
        let a = try alignment.close(), p = try pretrain.close()
        summary.alignmentSegments = a.segments
        summary.alignmentBytes = a.bytes
        summary.pretrainBytes = p.bytes
        summary.pretrainShards = p.shards.count
        return summary
    }
}

/// A run in which every file failed, over a directory that holds results: they are kept.
public struct NothingToReplace: Error, CustomStringConvertible {
    public var dir: String
    public var failed: Int
    public var description: String {
        "no file could be scanned (\(failed) failed); the previous result in \(dir) is kept"
    }
}
