import ArgumentParser
import Foundation
import LongtailCatalog
import LongtailOutput
import LongtailScan
import LongtailSupport

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

    @Option(name: .customLong("data-root"),
            help: "Where the scanned files lie now, if they moved: the directory that was scanned (the catalog keeps each file's path below it).")
    var dataRoot: String?

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
        let scanned = SourceID(parsing: s.source)
        guard !scanned.file.isEmpty else { throw CLIFailure(message: "(an empty source path: a damaged catalog): the segment's source is not readable here") }
        let sources = try c.sources()
        let row = sources.first { $0.path == s.source } ?? sources.first { $0.path == scanned.file }
            ?? CatalogSource(path: scanned.file, size: 0, contentHash: "", status: "ok")
        var fileRow = row
        fileRow.path = scanned.file
        guard let file = fileRow.locate(dataRoot: dataRoot, isReadable: { RegularFile.problem($0) == nil && FileManager.default.isReadableFile(atPath: $0) }) else {
            let tried = [dataRoot.map { "\($0)/\(row.relativePath ?? (scanned.file as NSString).lastPathComponent)" }, scanned.file, row.absolutePath]
                .compactMap { $0 }
            throw CLIFailure(message: "\(scanned.file): the segment's source is not readable here (tried \(Array(NSOrderedSet(array: tried)).map { "\($0)" }.joined(separator: ", ")))"
                             + (dataRoot == nil ? "; if the data moved, pass --data-root DIR (the directory that was scanned)" : ""))
        }
        let source = SourceID(file: file, episode: scanned.episode)
        do {
            if to.hasSuffix(".mcap") {
                let w = try ClipExport.mcap(source: source, start: s.startNs, end: s.endNs, to: to)
                print("wrote \(to): \(w.messages) messages on \(w.channels) channels")
            } else {
                let name = try profile ?? c.sources().first(where: { $0.path == s.source })?.profile ?? "auto"
                // A profile that is not built in (a file, or one inferred by --profile auto) is
                // kept beside the catalog, in .work/profiles/.
                let kept = URL(fileURLWithPath: c.path).deletingLastPathComponent().appendingPathComponent(".work/profiles/\(name.replacingOccurrences(of: "/", with: "_")).toml").path
                let p = name == "auto" ? try ProfileChoice.profile(for: file)
                    : BuiltinProfiles.text[name] == nil && FileManager.default.fileExists(atPath: kept) ? try Profile.load(kept) : try Profile.load(name)
                let w = try ClipExport.hdf5(source: source, profile: p, id: s.id, start: s.startNs, end: s.endNs, to: to)
                print("wrote \(to): \(w.series) signals")
            }
        } catch { throw CLIFailure(error) }
    }
}
