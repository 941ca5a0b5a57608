import ArgumentParser
import Foundation
import LongtailOutput
import LongtailRun

struct MergeCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the --out directories of a sharded scan into one, as if one process had scanned every file.",
        discussion: """
        Each DIR is the output of `longtail scan --shard-index I --shard-count N --out DIR` \
        (or of a Slurm array / Kubernetes Indexed Job task). The shards' per-file results \
        (DIR/.work) are combined: one rarity model over every segment (histograms add \
        exactly), percentiles and the alignment budget over the whole, the alignment set \
        re-read from the sources (which must be readable here), pretraining shards and one \
        catalog. An incomplete set is refused, naming the missing or unfinished shards. \
        The tier flags are those of scan; give the same ones to get what one scan would write.
        """
    )

    @Argument(help: "The shards' output directories.")
    var dirs: [String]

    @Option(help: "Output directory.")
    var out: String

    @OptionGroup var tierFlags: TierFlags

    @Flag(help: "Replace the results already in --out.")
    var force = false

    @Option(name: .customLong("data-root"),
            help: "Where the scanned files lie now, if they moved since the shards scanned them (found by the longest tail of their old paths).")
    var dataRoot: String?

    mutating func execute() throws -> Outcome {
        let tiers = try tierFlags.options()
        do { try OutputDirectory.checkWritable(out) } catch { throw CLIFailure(error) }
        do { try OutputDirectory.prepare(out, force: force, resume: false, resumable: false, work: false) } catch { throw CLIFailure(error) }
        var o = BatchOptions(paths: [], out: out, profile: nil)
        o.tiers = tiers
        o.flags = CommandLine.arguments.dropFirst().joined(separator: " ")
        o.dataRoot = dataRoot
        let result: ScanResult
        do { result = try MergeJob.run(dirs, options: o) } catch { throw CLIFailure(error) }
        let stdout = StandardOutput()
        defer { stdout.flush() }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try ScanReport.report(result, out: out, tiers: tiers, stdout)
        return ScanReport.outcome(result, dryRun: false)
    }
}
