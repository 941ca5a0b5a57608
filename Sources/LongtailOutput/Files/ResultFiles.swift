import LongtailCore
import LongtailScan
import LongtailSupport

/// The scan's own files in an output directory: `events.jsonl`, `segments.jsonl` and
/// `clips.jsonl` (written source by source), `rarity-model.json` and `scan.json`. Each is
/// written under a temporary name and renamed into place when closed.
final class ResultFiles {
    private let dir: String
    private let events: LineFile, segments: LineFile, clips: LineFile

    init(dir: String) throws {
        self.dir = dir
        events = try LineFile(dir + "/events.jsonl")
        segments = try LineFile(dir + "/segments.jsonl")
        clips = try LineFile(dir + "/clips.jsonl")
    }

    /// One source's events, clips and segments (`scan` is the whole scan of `record`).
    func add(_ record: SourceRecord, whole scan: SourceScan, model: RarityModel) throws {
        let short = scan.id.shortName, source = scan.source
        for e in scan.events { try events.line(Self.eventLine(e, source: scan.id).bytes) }
        for c in scan.clips {
            var j = JSONText()
            j.raw("{"); j.key("id", first: true); j.string("\(short)/clip-\(c.index)")
            j.key("source"); j.string(source); j.key("event"); j.string(c.event)
            j.key("start_ns"); j.int(c.startNs); j.key("end_ns"); j.int(c.endNs); j.raw("}")
            try clips.line(j.bytes)
        }
        let index = EventIndex(scan.events)
        let featureKeys = model.features.enumerated().map { JSONText.keyBytes($0.element, first: $0.offset == 0) }
        for (k, seg) in scan.segments.enumerated() {
            var j = JSONText()
            j.raw("{"); j.key("id", first: true); j.string("\(short)/\(seg.index)")
            j.key("source"); j.string(source)
            j.key("start_ns"); j.int(seg.startNs); j.key("end_ns"); j.int(seg.endNs)
            j.key("rarity"); j.double((record.rarity[k].score * 1e6).rounded() / 1e6)
            j.key("percentile"); j.double(record.rarity[k].percentile)
            j.key("events"); j.raw("[")
            let names = Set(index.overlapping(seg.startNs, seg.endNs).map(\.name)).sorted()
            for (i, n) in names.enumerated() { if i > 0 { j.raw(",") }; j.string(n) }
            j.raw("]"); j.key("features"); j.raw("{")
            for (i, key) in featureKeys.enumerated() { j.raw(key); j.double(seg.features[i]) }
            j.raw("}}")
            try segments.line(j.bytes)
        }
    }

    /// Closes the line files and writes `rarity-model.json` and `scan.json`.
    func close(_ r: ScanResult) throws {
        for f in [events, segments, clips] { try f.close() }
        try AtomicFile.write(dir + "/rarity-model.json", r.groups.count > 1 ? Self.groupsJSON(r.groups) : Self.modelJSON(r.model))
        try AtomicFile.write(dir + "/scan.json", Self.summaryJSON(r))
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

    /// One event as a JSON line (the labels' keys plus `confidence`).
    static func eventLine(_ e: DetectedEvent, source: SourceID) -> JSONText {
        var j = JSONText()
        j.raw("{"); j.key("source", first: true); j.string(source.shortName)
        j.key("path"); j.string(source.text)
        j.key("event"); j.string(e.name); j.key("kind"); j.string(e.kind)
        j.key("start_ns"); j.int(e.startNs); j.key("end_ns"); j.int(e.endNs)
        j.key("confidence"); j.double((e.confidence * 1000).rounded() / 1000)
        j.key("facts"); facts(e.facts, into: &j)
        j.raw("}")
        return j
    }

    /// Several rarity groups: `{"groups":[{"profile":…, "bins":…, "total":…, "features":[…]}, …]}`,
    /// each group as `modelJSON` writes a one-profile run's model.
    static func groupsJSON(_ groups: [RarityGroup]) -> String {
        var j = JSONText()
        j.raw("{"); j.key("groups", first: true); j.raw("[")
        for (i, g) in groups.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("profile", first: true); j.string(g.profile); j.raw(",")
            var m = modelJSON(g.model)
            m.removeFirst()   // its "{"
            j.raw(String(m.dropLast()))   // and its newline
        }
        j.raw("]}\n")
        return j.text
    }

    static func modelJSON(_ m: RarityModel) -> String {
        var j = JSONText()
        j.raw("{"); j.key("bins", first: true); j.int(RarityModel.bins); j.key("total"); j.uint(UInt64(m.total))
        j.key("features"); j.raw("[")
        for (i, f) in m.features.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(f); j.key("scale"); j.double(m.scales[i])
            j.key("counts"); j.raw("[" + m.counts[i].map(String.init).joined(separator: ",") + "]}")
        }
        j.raw("]}\n")
        return j.text
    }

    static func summaryJSON(_ r: ScanResult) -> String {
        var j = JSONText()
        j.raw("{"); j.key("seconds", first: true); j.double(r.seconds)
        j.key("sources"); j.raw("[")
        for (i, rec) in r.sources.enumerated() {
            let s = rec.scan
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("source", first: true); j.string(s.source); j.key("profile"); j.string(rec.profile.name)
            j.key("messages"); j.int(s.messages); j.key("bytes"); j.uint(s.bytes); j.key("ticks"); j.int(s.ticks)
            j.key("segments"); j.int(s.segments.count); j.key("events"); j.int(s.events.count)
            j.key("missing"); j.raw("[" + s.missing.map { "\"\($0)\"" }.joined(separator: ",") + "]")
            j.key("disabled"); j.raw("[" + s.disabled.map { "\"\($0.event)\"" }.joined(separator: ",") + "]")
            j.key("gap_count"); j.int(s.gaps.count)
            j.key("gaps"); j.raw("[")   // the first 100, in signal order
            for (k, g) in s.gaps.prefix(100).enumerated() {
                if k > 0 { j.raw(",") }
                j.raw("{"); j.key("signal", first: true); j.string(g.signal)
                j.key("start_ns"); j.int(g.startNs); j.key("end_ns"); j.int(g.endNs); j.raw("}")
            }
            j.raw("]")
            if let d = s.damage { j.key("damage"); j.string(d) }   // a partial source: where and why
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
