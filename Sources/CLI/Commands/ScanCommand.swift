import ArgumentParser
import Foundation
import LongtailOutput
import LongtailRun
import LongtailScan

struct ScanCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find named events and score every segment's rarity in MCAP, ROS 1 bag and HDF5 logs.",
        discussion: """
        Each file goes through a profile (its topics or datasets → canonical signals), is \
        resampled onto one clock, cut into segments (driving 10 s every 5 s, robot 2 s every \
        1 s by default) and run through every detector of EVENTS.md; one rarity model over all \
        segments gives each its score and percentile. Writes into --out the two tiers and \
        the catalog: alignment/ (the rarest segments at native rate and full precision, \
        segments.h5, with knowledge.jsonl: facts, context, caption), pretrain/ (every source \
        downsampled and quantized into zstd HDF5 shards, with manifest.json) and \
        catalog.sqlite (for longtail query, show, export); and the scan's own files: \
        events.jsonl, segments.jsonl, clips.jsonl (one event-centred clip per event), \
        rarity-model.json and scan.json. An --out that already holds results is refused \
        unless --force or --resume. Files are scanned --threads at a time (default: the \
        cores); each file's result is kept in DIR/.work, so --resume after a kill or Ctrl-C \
        scans only what is left, and the outputs equal an uninterrupted run's for any \
        --threads. --shard-index/--shard-count (or Slurm's array variables, or Kubernetes' \
        JOB_COMPLETION_INDEX) scan one shard; longtail merge combines the shards \
        (docs/distributed.md). Progress goes to stderr: a live line on a terminal, log lines \
        otherwise. --dry-run only shows which canonical \
        signals each file provides and which detectors would be disabled. Directories are \
        searched for .mcap, .bag, .h5 and .hdf5 files. `longtail profiles` lists the built-in profiles.
        """
    )

    @Argument(help: "MCAP files, ROS 1 bags or HDF5 files, or directories holding them.")
    var paths: [String]

    @Option(help: "Output directory.")
    var out: String?

    @Option(help: "A built-in profile name, a profile file (TOML), or auto: per file, a built-in by its contents, else one inferred from its data (see `longtail profiles infer`).")
    var profile: String = "auto"

    @Flag(help: "Show the signals found and missing per file, then stop.")
    var dryRun = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "The summary (or --dry-run's report) as text, or as one JSON object on stdout.")
    var format: Format = .text

    @OptionGroup var tierFlags: TierFlags

    @Option(help: "Pretraining rate in Hz (default: driving 10, robot 100).")
    var pretrainRate: Double?

    @Flag(help: "Replace the results already in --out.")
    var force = false

    @Flag(help: "Continue a run that was killed or interrupted: files already done in --out are not scanned again.")
    var resume = false

    @Option(help: "Files scanned at once (default: the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Scan only shard I of --shard-count (default: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, or JOB_COMPLETION_INDEX).")
    var shardIndex: Int?

    @Option(help: "The number of shards (default: SLURM_ARRAY_TASK_COUNT). Merge the shards' --out directories with longtail merge.")
    var shardCount: Int?

    func validate() throws {
        if !dryRun && out == nil { throw ValidationError("--out DIR is required (or --dry-run)") }
        if let r = pretrainRate, !(r > 0) { throw ValidationError("--pretrain-rate must be positive") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if force && resume { throw ValidationError("--force and --resume exclude each other") }
    }

    mutating func execute() throws -> Outcome {
        let chosen: Profile?
        do { chosen = profile == "auto" ? nil : try Profile.load(profile) } catch { throw ValidationError("\(error)") }
        var o = BatchOptions(paths: paths, out: out, profile: chosen)
        o.dryRun = dryRun
        var tiers = try tierFlags.options()
        tiers.pretrainHz = pretrainRate
        o.tiers = tiers
        o.flags = CommandLine.arguments.dropFirst().joined(separator: " ")
        o.threads = threads
        o.resume = resume
        do { o.shard = try ShardSpec.resolve(index: shardIndex, count: shardCount, environment: ProcessInfo.processInfo.environment) } catch {
            throw ValidationError("\(error)")
        }
        if let out, !dryRun {
            do { try OutputDirectory.checkWritable(out) } catch { throw CLIFailure(error) }
            do { try OutputDirectory.prepare(out, force: force, resume: resume, resumable: true, work: true) } catch { throw CLIFailure(error) }
        }
        let interrupt = InterruptHandler()
        o.cancel = interrupt.flag
        let board = BatchProgress()
        o.progress = board
        let display = dryRun ? nil : ProgressDisplay(board)
        let result: ScanResult
        do { result = try BatchRun.run(o) } catch { display?.finish(); throw CLIFailure(error) }
        board.stage("writing the tiers and the catalog")
        defer { display?.finish() }
        let stdout = StandardOutput()
        defer { stdout.flush() }
        if dryRun && format == .json {
            stdout.line(ScanJSON.dryRun(result))
        } else if dryRun {
            for rec in result.sources {
                let s = rec.scan
                stdout.line("\(s.source)  (profile \(rec.profile.name))")
                for (name, at) in s.found.sorted(by: { $0.key < $1.key }) { stdout.line("  found    \(name) ← \(at)") }
                if let a = rec.profile.actors, s.found["actors"] != nil {
                    stdout.line("  actors   heading from \(a.headingSource); positions measured from \(rec.profile.thresholds["ego.front_m"]) m behind the front bumper")
                }
                for name in s.missing { stdout.line("  missing  \(name)") }
                if !s.missing.isEmpty { for t in s.topics { stdout.line("  topic    \(t)") } }
                for d in s.disabled { stdout.line("  disabled \(d.event) (needs \(d.missing.joined(separator: ", ")))") }
                for w in s.warnings { stdout.line("  warning  \(w)") }
            }
        } else if let out {
            try ScanReport.report(result, out: out, tiers: tiers, threads: threads, json: format == .json, stdout)
        }
        return ScanReport.outcome(result, dryRun: dryRun)
    }
}
