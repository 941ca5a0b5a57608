import ArgumentParser
import Foundation
import LongtailOutput
import LongtailCatalog

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

    func run() throws {
        let c: Catalog
        do { c = try Catalog(opening: catalog) } catch { throw CLIFailure(error) }
        guard let s = try c.segment(id: id) else { throw CLIFailure(message: "\(c.path): no segment '\(id)' (longtail query --catalog \(catalog) lists them)") }
        let dir = (c.path as NSString).deletingLastPathComponent
        let stdout = StandardOutput()
        defer { stdout.flush() }
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
}
