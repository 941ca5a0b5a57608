import ArgumentParser
import Foundation
import Longtail
import LongtailCatalog

struct ScanCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find named events and score every segment's rarity in MCAP and HDF5 logs.",
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
        searched for .mcap, .h5 and .hdf5 files. `longtail profiles` lists the built-in profiles.
        """
    )

    @Argument(help: "MCAP or HDF5 files, or directories holding them.")
    var paths: [String]

    @Option(help: "Output directory.")
    var out: String?

    @Option(help: "A built-in profile name, a profile file (TOML), or auto (chosen per file from its contents).")
    var profile: String = "auto"

    @Flag(help: "Show the signals found and missing per file, then stop.")
    var dryRun = false

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

    /// Results already in `dir`: the catalog or the scan summary.
    static func existingResults(_ dir: String) -> [String] {
        ["catalog.sqlite", "scan.json", "alignment", "pretrain"].filter { FileManager.default.fileExists(atPath: dir + "/" + $0) }
    }

    mutating func execute() throws -> Outcome {
        let chosen: Profile?
        do { chosen = profile == "auto" ? nil : try Profile.load(profile) } catch { throw ValidationError("\(error)") }
        var o = ScanJob.Options(paths: paths, out: out, profile: chosen)
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
            let existing = Self.existingResults(out)
            if !existing.isEmpty && !force && !resume {
                throw CLIFailure(message: "\(out) already holds results (\(existing.joined(separator: ", "))); pass --force to replace them or --resume to continue them")
            }
            if force { for name in existing + [".work"] { try? FileManager.default.removeItem(atPath: out + "/" + name) } }
        }
        let interrupt = InterruptHandler()
        o.cancel = interrupt.flag
        let board = BatchProgress()
        o.progress = board
        let display = dryRun ? nil : ProgressDisplay(board)
        let result: ScanJob.Result
        do { result = try ScanJob.run(o) } catch { display?.finish(); throw CLIFailure(error) }
        board.stage("writing the tiers and the catalog")
        defer { display?.finish() }
        let stdout = StandardOutput()
        defer { stdout.flush() }
        if dryRun {
            for (i, s) in result.scans.enumerated() {
                stdout.line("\(s.source)  (profile \(result.profiles[i]))")
                for (name, at) in s.found.sorted(by: { $0.key < $1.key }) { stdout.line("  found    \(name) ← \(at)") }
                for name in s.missing { stdout.line("  missing  \(name)") }
                for d in s.disabled { stdout.line("  disabled \(d.event) (needs \(d.missing.joined(separator: ", ")))") }
                for w in s.warnings { stdout.line("  warning  \(w)") }
            }
        } else if let out {
            try Self.report(result, out: out, tiers: tiers, stdout)
        }
        return Self.outcome(result, dryRun: dryRun)
    }

    /// Writes the outputs and prints the summary (scan and merge).
    static func report(_ result: ScanJob.Result, out: String, tiers: TierOptions, _ stdout: StandardOutput) throws {
        do {
            try ScanJob.write(result, to: out)
            let tier: TierOutput.Summary
            do { tier = try TierOutput.write(result, to: out, options: tiers) } catch { throw CLIFailure(error) }
            var counts: [String: Int] = [:]
            for s in result.scans { for e in s.events { counts[e.name, default: 0] += 1 } }
            let bytes = result.scans.reduce(UInt64(0)) { $0 + $1.bytes }
            let segments = result.scans.reduce(0) { $0 + $1.segments.count }
            let fileBytes = result.files.values.reduce(Int64(0)) { $0 + $1.size }
            stdout.line("files:     \(result.files.count) (\(SynthJob.formatBytes(UInt64(fileBytes)))); \(result.scans.count) sources, \(result.failures.count) failed")
            stdout.line("bytes in:  \(SynthJob.formatBytes(bytes)) decompressed, in \(String(format: "%.2f", result.seconds)) s")
            stdout.line("segments:  \(segments)")
            stdout.line("events:    \(counts.values.reduce(0, +))")
            for (name, n) in counts.sorted(by: { $0.key < $1.key }) { stdout.line("  \(name): \(n)") }
            stdout.line(String(format: "alignment: %d segments (%.2f %% of segments), %@", tier.alignmentSegments, tier.alignmentFraction * 100,
                               SynthJob.formatBytes(UInt64(tier.alignmentBytes))))
            stdout.line(String(format: "pretrain:  %d shard(s), %@ (%.2f %% of the decompressed input)", tier.pretrainShards,
                               SynthJob.formatBytes(UInt64(tier.pretrainBytes)), tier.pretrainRatio * 100))
            stdout.line("wrote:     \(out)/catalog.sqlite, alignment/, pretrain/, events.jsonl, segments.jsonl, clips.jsonl, rarity-model.json, scan.json")
            if !result.failures.isEmpty {
                stdout.line("skipped:   \(result.failures.count) file(s)")
                for f in result.failures { stdout.line("  \(f.path): \(Self.reason(f))") }
            }
            if !result.pending.isEmpty {
                stdout.line("interrupted: \(result.pending.count) file(s) not scanned; run again with --resume to finish")
            }
        } catch let e as CLIFailure { throw e } catch { throw CLIFailure(error) }
    }

    /// A failure's reason without the path it repeats.
    static func reason(_ f: ScanJob.Failure) -> String {
        f.reason.hasPrefix(f.path + ": ") ? String(f.reason.dropFirst(f.path.count + 2)) : f.reason
    }

    /// The exit outcome: interrupted, warnings (skipped files, decoding warnings) or success.
    static func outcome(_ result: ScanJob.Result, dryRun: Bool) -> Outcome {
        // Missing signals are reported once per profile and signal, not per file.
        var told = Set<String>()
        for (i, s) in result.scans.enumerated() where !dryRun {
            for d in s.disabled where told.insert(result.profiles[i] + d.event).inserted {
                FileHandle.standardError.write(Data("longtail: note: \(d.event) disabled for profile \(result.profiles[i]): no \(d.missing.joined(separator: ", "))\n".utf8))
            }
            for w in s.warnings { FileHandle.standardError.write(Data("longtail: warning: \(s.source): \(w)\n".utf8)) }
        }
        for f in result.failures { FileHandle.standardError.write(Data("longtail: skipped \(f.path): \(Self.reason(f))\n".utf8)) }
        let warned = result.scans.contains { !$0.warnings.isEmpty }
        if !result.pending.isEmpty { return .interrupted }
        return result.failures.isEmpty && !warned ? .success : .warnings
    }
}

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the built-in profiles (pass one, or a TOML file, to scan --profile).",
        discussion: "docs/profiles.md describes the profile format; --show NAME prints a built-in profile's TOML to start from."
    )

    @Option(help: "Print this built-in profile's TOML.")
    var show: String?

    func run() throws {
        let stdout = StandardOutput()
        defer { stdout.flush() }
        if let show {
            guard let text = BuiltinProfiles.text[show] else {
                throw ValidationError("no built-in profile '\(show)'; built-in: \(BuiltinProfiles.names.joined(separator: ", "))")
            }
            stdout.line(text)
            return
        }
        for name in BuiltinProfiles.names {
            let p = try Profile.load(name)
            let off = p.disabledEvents.map(\.event)
            stdout.line("\(name)  [\(p.domain.rawValue), \(Int(p.rateHz)) Hz, \(p.signals.count) signals\(p.actors != nil ? " + actors" : "")]")
            stdout.line("    \(p.description)")
            if !off.isEmpty { stdout.line("    cannot detect: \(off.joined(separator: ", "))") }
        }
    }
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score detected events against ground-truth labels: precision, recall, F1 per event.",
        discussion: """
        A detection matches a label of the same event and source when their intervals overlap \
        with IoU at or above --iou; each is matched at most once. Reads the detections from \
        the catalog in --catalog DIR (events.jsonl for outputs without one) and labels.jsonl \
        as `longtail synth` writes it.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Option(help: "A scan's output directory.")
    var catalog: String

    @Option(help: "Ground-truth labels (JSON lines with source, event, start_ns, end_ns).")
    var labels: String

    @Option(help: "Minimum intersection over union for a match.")
    var iou: Double = 0.3

    @Option(help: "table or json.")
    var format: Format = .table

    func validate() throws {
        guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1]") }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: catalog + "/catalog.sqlite") || FileManager.default.fileExists(atPath: catalog + "/events.jsonl") else {
            throw CLIFailure(message: "\(catalog) is not a scan output: no catalog.sqlite or events.jsonl (run longtail scan --out \(catalog) first)")
        }
        let detected: [Evaluation.Interval], truth: [Evaluation.Interval]
        do { detected = try Evaluation.detections(in: catalog); truth = try Evaluation.read(labels) } catch { throw CLIFailure(error) }
        let scores = Evaluation.score(detected: detected, labels: truth, iouThreshold: iou)
        let stdout = StandardOutput()
        defer { stdout.flush() }
        stdout.write(format == .json ? Evaluation.json(scores, iou: iou) : Evaluation.table(scores, iou: iou))
    }
}
