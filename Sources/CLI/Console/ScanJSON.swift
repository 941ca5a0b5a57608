import Foundation
import LongtailOutput
import LongtailSupport

/// `scan --format json`: the summary, or the dry run's report, as one JSON object.
enum ScanJSON {
    /// What the text summary says: files, bytes, segments, events by name, the tiers, and
    /// every skipped file, unfinished file and warning.
    static func summary(_ r: ScanResult, _ tier: ResultWriter.Summary, out: String) -> String {
        var counts: [String: Int] = [:]
        for s in r.sources { for e in s.scan.events { counts[e.name, default: 0] += 1 } }
        let files = r.files
        var j = JSONText()
        j.raw("{"); j.key("out", first: true); j.string(out)
        j.key("files"); j.int(files.count); j.key("file_bytes"); j.int(files.reduce(Int64(0)) { $0 + $1.size })
        j.key("sources"); j.int(r.sources.count); j.key("failed"); j.int(r.failures.count)
        j.key("bytes_in"); j.uint(r.sources.reduce(UInt64(0)) { $0 + $1.scan.bytes }); j.key("seconds"); j.double(r.seconds)
        j.key("segments"); j.int(tier.segments); j.key("events"); j.raw("{")
        for (i, (name, n)) in counts.sorted(by: { $0.key < $1.key }).enumerated() { j.key(name, first: i == 0); j.int(n) }
        j.raw("}"); j.key("alignment"); j.raw("{"); j.key("segments", first: true); j.int(tier.alignmentSegments)
        j.key("fraction"); j.double(tier.alignmentFraction); j.key("bytes"); j.int(tier.alignmentBytes); j.raw("}")
        j.key("pretrain"); j.raw("{"); j.key("shards", first: true); j.int(tier.pretrainShards); j.key("bytes"); j.int(tier.pretrainBytes)
        j.key("ratio"); j.double(tier.pretrainRatio); j.raw("}")
        skipped(r, into: &j)
        j.key("pending"); j.raw("[")
        for (i, p) in r.pending.enumerated() { if i > 0 { j.raw(",") }; j.string(p.path) }
        j.raw("]"); warnings(r, into: &j)
        j.raw("}")
        return j.text
    }

    /// Per source: the profile, the signals found (with where from) and missing, the
    /// detectors disabled, the topics of a file that lacks signals, and warnings.
    static func dryRun(_ r: ScanResult) -> String {
        var j = JSONText()
        j.raw("{"); j.key("sources", first: true); j.raw("[")
        for (i, rec) in r.sources.enumerated() {
            let s = rec.scan
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("source", first: true); j.string(s.source); j.key("profile"); j.string(rec.profile.name)
            j.key("found"); j.raw("{")
            for (k, (name, at)) in s.found.sorted(by: { $0.key < $1.key }).enumerated() { j.key(name, first: k == 0); j.string(at) }
            j.raw("}"); j.key("missing"); strings(s.missing, &j)
            j.key("disabled"); j.raw("[")
            for (k, d) in s.disabled.enumerated() {
                if k > 0 { j.raw(",") }
                j.raw("{"); j.key("event", first: true); j.string(d.event); j.key("needs"); strings(d.missing, &j); j.raw("}")
            }
            j.raw("]"); j.key("topics"); strings(s.missing.isEmpty ? [] : s.topics, &j)
            j.key("warnings"); strings(s.warnings, &j); j.raw("}")
        }
        j.raw("]"); skipped(r, into: &j)
        j.raw("}")
        return j.text
    }

    /// The files that could not be scanned, with their reasons.
    private static func skipped(_ r: ScanResult, into j: inout JSONText) {
        j.key("skipped"); j.raw("[")
        for (i, f) in r.failures.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("path", first: true); j.string(f.path); j.key("reason"); j.string(f.shortReason); j.raw("}")
        }
        j.raw("]")
    }

    private static func warnings(_ r: ScanResult, into j: inout JSONText) {
        j.key("warnings"); j.raw("[")
        var first = true
        for rec in r.sources {
            for w in rec.scan.warnings {
                if !first { j.raw(",") }
                first = false
                j.raw("{"); j.key("source", first: true); j.string(rec.scan.source); j.key("warning"); j.string(w); j.raw("}")
            }
        }
        j.raw("]")
    }

    private static func strings(_ list: [String], _ j: inout JSONText) {
        j.raw("[")
        for (i, s) in list.enumerated() { if i > 0 { j.raw(",") }; j.string(s) }
        j.raw("]")
    }
}
