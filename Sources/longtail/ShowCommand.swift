import ArgumentParser
import Foundation
import Longtail
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
        stdout.line("  interval:   \(CatalogTime.format(s.startNs)) → \(CatalogTime.format(s.endNs)) (\(String(format: "%.1f", Double(s.endNs - s.startNs) / 1e9)) s)")
        stdout.line("  tier:       \(s.tier)\(s.inPretrain && s.tier == "alignment" ? " (also in pretraining)" : "")")
        stdout.line(String(format: "  rarity:     %.3f (percentile %.4f)", s.rarity, s.percentile))
        let (caption, context) = SegmentView.caption(s)
        stdout.line("  caption:    \(caption)")
        if !context.isEmpty { stdout.line("  context:    " + context.map { "\($0.0) \(Knowledge.text($0.1))" }.joined(separator: ", ")) }
        if s.events.isEmpty { stdout.line("  events:     none") }
        for e in s.events {
            let offset = Double(e.startNs - s.startNs) / 1e9, dur = Double(e.endNs - e.startNs) / 1e9
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

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Cut a segment out of its source: every raw message (--to clip.mcap) or the canonical signals (--to clip.h5).",
        discussion: """
        .mcap: every message of every topic logged within the segment, copied byte for byte with \
        its channel and schema (opens in Foxglove). .h5: the profile's canonical signals at native \
        rate and full precision, laid out like an alignment group.
        """
    )

    @Option(help: "A scan's output directory.")
    var catalog: String

    @Argument(help: "The segment id.")
    var id: String

    @Option(help: "The clip to write: a .mcap or .h5 path.")
    var to: String

    @Option(help: "For .h5: the profile (default: the one the scan used, when built in).")
    var profile: String?

    @Flag(help: "Replace an existing file at --to.")
    var force = false

    func validate() throws {
        guard to.hasSuffix(".mcap") || to.hasSuffix(".h5") || to.hasSuffix(".hdf5") else {
            throw ValidationError("--to must end in .mcap or .h5")
        }
    }

    func run() throws {
        if FileManager.default.fileExists(atPath: to) && !force { throw CLIFailure(message: "\(to) exists; pass --force to replace it") }
        let c: Catalog
        do { c = try Catalog(opening: catalog) } catch { throw CLIFailure(error) }
        guard let s = try c.segment(id: id) else { throw CLIFailure(message: "\(c.path): no segment '\(id)'") }
        let file = String(s.source.split(separator: "#", maxSplits: 1)[0])
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIFailure(message: "\(file): the segment's source is not readable here") }
        do {
            if to.hasSuffix(".mcap") {
                let w = try ClipExport.mcap(source: s.source, start: s.startNs, end: s.endNs, to: to)
                print("wrote \(to): \(w.messages) messages on \(w.channels) channels")
            } else {
                let name = try profile ?? c.sources().first(where: { $0.path == s.source })?.profile ?? "auto"
                let p = try Profile.load(name == "auto" ? ProfileChoice.auto(for: file) : name)
                let w = try ClipExport.hdf5(source: s.source, profile: p, id: s.id, start: s.startNs, end: s.endNs, to: to)
                print("wrote \(to): \(w.series) signals")
            }
        } catch { throw CLIFailure(error) }
    }
}
