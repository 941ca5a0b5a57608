import ArgumentParser
import Foundation
import LongtailOutput
import LongtailCatalog
import LongtailSupport

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one segment: its events and facts, its caption and a sparkline of its key signals.",
        discussion: "IDs are those `longtail query` lists. Signals come from the alignment set (native rate) or the pretraining shards."
    )

    @Option(help: "A scan's output directory.")
    var catalog: String

    @Argument(help: "The segment id.")
    var id: String

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text, or json: one object with the segment as `query --format json` gives it, its caption, context and key signals (null where a value is missing).")
    var format: Format = .text

    func run() throws {
        let c: Catalog
        do { c = try Catalog(opening: catalog) } catch { throw CLIFailure(error) }
        guard let s = try c.segment(id: id) else { throw CLIFailure(message: "\(c.path): no segment '\(id)' (longtail query --catalog \(catalog) lists them)") }
        let dir = (c.path as NSString).deletingLastPathComponent
        let stdout = StandardOutput()
        defer { stdout.flush() }
        if format == .json {
            let signals: [SegmentView.Signal]
            do { signals = try SegmentView.signals(dir: dir, segment: s) } catch { throw CLIFailure(error) }
            stdout.line(Self.json(s, signals: signals))
            return
        }
        stdout.line("\(s.id)  \(s.source)")
        stdout.line("  interval:   \(CatalogTime.format(s.startNs)) → \(CatalogTime.format(s.endNs)) (\(String(format: "%.1f", (Double(s.endNs) - Double(s.startNs)) / 1e9)) s)")
        stdout.line("  tier:       \(s.tier)\(s.inPretrain && s.tier == "alignment" ? " (also in pretraining)" : "")")
        stdout.line(String(format: "  rarity:     %.3f (percentile %.4f)", s.rarity, s.percentile))
        let (caption, context) = SegmentView.caption(s)
        stdout.line("  caption:    \(caption)")
        if !context.isEmpty { stdout.line("  context:    " + context.map { "\($0.0) \(Knowledge.text($0.1))" }.joined(separator: ", ")) }
        if s.events.isEmpty { stdout.line("  events:     none") }
        for e in s.events {
            let offset = (Double(e.startNs) - Double(s.startNs)) / 1e9, dur = (Double(e.endNs) - Double(e.startNs)) / 1e9
            stdout.line(String(format: "  event:      %@ (%@) confidence %.2f at %+.2f s for %.2f s  %@", e.name, e.kind, e.confidence, offset, dur, e.facts))
        }
        let signals: [SegmentView.Signal]
        do { signals = try SegmentView.signals(dir: dir, segment: s) } catch { throw CLIFailure(error) }
        let width = max(20, min(80, terminalWidth() - 40))
        for sig in signals {
            let finite = sig.values.filter(\.isFinite)
            let range = finite.isEmpty ? "no data" : String(format: "%.2f … %.2f", finite.min()!, finite.max()!)
            stdout.line("  " + sig.name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + SegmentView.sparkline(sig.values, width: width) + "  " + range)
        }
    }

    /// The segment as `query --format json` gives it, with its caption, context and signals.
    static func json(_ s: CatalogSegment, signals: [SegmentView.Signal]) -> String {
        var j = JSONText()
        let row = QueryCommand.json(s)
        j.raw(String(row.dropLast()))   // the query object, left open
        let (caption, context) = SegmentView.caption(s)
        j.key("caption"); j.string(caption)
        j.key("context"); j.raw("[")
        for (i, (name, value)) in context.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(name); j.key("value")
            if value.isFinite { j.double(value) } else { j.raw("null") }
            j.key("unit"); j.string(Knowledge.unit(of: name)); j.raw("}")
        }
        j.raw("]"); j.key("signals"); j.raw("[")
        for (i, sig) in signals.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("name", first: true); j.string(sig.name); j.key("values"); j.raw("[")
            for (k, v) in sig.values.enumerated() {
                if k > 0 { j.raw(",") }
                if v.isFinite { j.float(v) } else { j.raw("null") }
            }
            j.raw("]}")
        }
        j.raw("]}")
        return j.text
    }
}
