import ArgumentParser
import Foundation
import LongtailOutput
import LongtailSupport
import LongtailCatalog

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "List segments from a scan's catalog, filtered by events, rarity, confidence, source, time and tier.",
        discussion: """
        Every flag narrows the result; several --event flags match segments holding any of \
        them. --min-confidence applies to the matching event (with --event/--kind) or to any \
        event of the segment. --since/--until keep segments that overlap the range. Without \
        --tier both tiers are listed. Times: \(CatalogTime.formats).
        Formats: table (fits the terminal), jsonl (one object per segment: id, source, \
        start_ns, end_ns, tier, rarity, percentile, events with their facts), csv (the same \
        fields, events flattened).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, jsonl, csv }

    @Option(help: "A scan's output directory (or its catalog.sqlite).")
    var catalog: String

    @Option(help: "Segments holding this event (repeatable: any of them).")
    var event: [String] = []

    @Option(help: "Segments holding an event of this kind: ego, actor, weather or manipulation.")
    var kind: String?

    @Option(help: "Minimum rarity percentile (0…1).")
    var minRarity: Double?

    @Option(help: "Minimum event confidence (0…1).")
    var minConfidence: Double?

    @Option(help: "A glob matched against the source's path or file name (drive-*.mcap).")
    var source: String?

    @Option(help: "Segments ending after this time.")
    var since: String?

    @Option(help: "Segments starting before this time.")
    var until: String?

    @Option(help: "alignment or pretrain (default: both).")
    var tier: String?

    @Option(help: "rarity (rarest first), time (earliest first) or confidence (highest first).")
    var sort: String = "rarity"

    @Option(help: "At most this many segments; 0 for all.")
    var limit: Int = 20

    @Option(help: "table, json (one array), jsonl or csv.")
    var format: Format = .table

    func run() throws {
        var q = CatalogQuery()
        q.events = event; q.kind = kind; q.minRarity = minRarity; q.minConfidence = minConfidence
        q.source = source; q.tier = tier
        q.limit = limit > 0 ? limit + 1 : limit   // one more than shown: says whether there are more
        guard let s = CatalogQuery.Sort(rawValue: sort) else {
            throw ValidationError("--sort must be one of: \(CatalogQuery.Sort.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        q.sort = s
        do {
            if let since { q.since = try CatalogTime.parse(since, flag: "--since") }
            if let until { q.until = try CatalogTime.parse(until, flag: "--until") }
            try q.validate()
        } catch { throw ValidationError("\(error)") }
        var rows: [CatalogSegment]
        do { rows = try Catalog(opening: catalog).query(q) } catch { throw CLIFailure(error) }
        if limit > 0 && rows.count > limit {
            rows.removeLast(rows.count - limit)
            FileHandle.standardError.write(Data("longtail: note: showing the first \(limit) matching segments; --limit 0 lists them all\n".utf8))
        }
        let stdout = StandardOutput()
        defer { stdout.flush() }
        switch format {
        case .json: stdout.line("[" + rows.map(Self.json).joined(separator: ",\n") + "]")
        case .jsonl: for r in rows { stdout.line(Self.json(r)) }
        case .csv:
            stdout.line("id,source,start_ns,end_ns,tier,rarity,percentile,events,kinds,confidences")
            for r in rows {
                let fields = [r.id, r.source, String(r.startNs), String(r.endNs), r.tier, String(r.rarity), String(r.percentile),
                              r.events.map(\.name).joined(separator: ";"), r.events.map(\.kind).joined(separator: ";"),
                              r.events.map { String($0.confidence) }.joined(separator: ";")]
                stdout.line(fields.map(Self.csvField).joined(separator: ","))
            }
        case .table: stdout.write(Self.table(rows, width: terminalWidth()))
        }
    }

    static func json(_ r: CatalogSegment) -> String {
        var j = JSONText()
        j.raw("{"); j.key("id", first: true); j.string(r.id); j.key("source"); j.string(r.source)
        j.key("start_ns"); j.raw(String(r.startNs)); j.key("end_ns"); j.raw(String(r.endNs)); j.key("tier"); j.string(r.tier)
        j.key("rarity"); j.double(r.rarity); j.key("percentile"); j.double(r.percentile)
        j.key("in_pretrain"); j.raw(r.inPretrain ? "true" : "false"); j.key("events"); j.raw("[")
        for (i, e) in r.events.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(e.name); j.key("kind"); j.string(e.kind)
            j.key("confidence"); j.double(e.confidence); j.key("start_ns"); j.raw(String(e.startNs)); j.key("end_ns"); j.raw(String(e.endNs))
            j.key("facts"); j.raw(e.facts); j.raw("}")
        }
        j.raw("]}")
        return j.text
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Aligned columns; the events column takes what the terminal width leaves.
    static func table(_ rows: [CatalogSegment], width: Int) -> String {
        let head: [String] = ["id", "source", "start (UTC)", "dur", "tier", "pct", "events"]
        var cells = rows.map { r -> [String] in
            let name = (r.source as NSString).lastPathComponent
            let events = Dictionary(grouping: r.events, by: \.name).keys.sorted().map { n -> String in
                let c = r.events.filter { $0.name == n }.map(\.confidence).max() ?? 0
                return "\(n) \(String(format: "%.2f", c))"
            }.joined(separator: ", ")
            return [r.id, name, String(CatalogTime.format(r.startNs).dropLast(5)).replacingOccurrences(of: "T", with: " "),
                    String(format: "%.1fs", (Double(r.endNs) - Double(r.startNs)) / 1e9), r.tier, String(format: "%.3f", r.percentile),
                    events.isEmpty ? "-" : events]
        }
        cells.insert(head, at: 0)
        var widths = head.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
        let fixed = widths.dropLast().reduce(0, +) + 2 * (head.count - 1)
        widths[head.count - 1] = max(10, min(widths.last!, width - fixed))
        var out = ""
        for row in cells {
            var line = ""
            for (c, v) in row.enumerated() {
                var cell = v
                if cell.count > widths[c] { cell = String(cell.prefix(widths[c] - 1)) + "…" }
                line += c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) + "  "
            }
            out += line + "\n"
        }
        if rows.isEmpty { out += "(no segments match)\n" }
        return out
    }
}

/// The terminal's width ($COLUMNS, else the tty's, else 120).
func terminalWidth() -> Int {
    if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 20 { return c }
    var w = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 20 { return Int(w.ws_col) }
    return 120
}
