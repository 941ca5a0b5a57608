import ArgumentParser
import Foundation
import Longtail

struct ScanCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find named events and score every segment's rarity in MCAP and HDF5 logs.",
        discussion: """
        Each file goes through a profile (its topics or datasets → canonical signals), is \\
        resampled onto one clock, cut into segments (driving 10 s every 5 s, robot 2 s every \\
        1 s by default) and run through every detector of EVENTS.md; one rarity model over all \\
        segments gives each its score and percentile. Writes into --out: events.jsonl, \\
        segments.jsonl, clips.jsonl (one event-centred clip per event), rarity-model.json and scan.json. --dry-run only shows which canonical \\
        signals each file provides and which detectors would be disabled. Directories are \\
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

    func validate() throws {
        if !dryRun && out == nil { throw ValidationError("--out DIR is required (or --dry-run)") }
    }

    mutating func execute() throws -> Outcome {
        let chosen: Profile?
        do { chosen = profile == "auto" ? nil : try Profile.load(profile) } catch { throw ValidationError("\(error)") }
        var o = ScanJob.Options(paths: paths, out: out, profile: chosen)
        o.dryRun = dryRun
        let tty = isatty(2) != 0
        let result = ScanJob.run(o) { path, done, total in
            let line = "scanned \(done)/\(total): \(path)"
            FileHandle.standardError.write(Data((tty ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
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
            try ScanJob.write(result, to: out)
            var counts: [String: Int] = [:]
            for s in result.scans { for e in s.events { counts[e.name, default: 0] += 1 } }
            let bytes = result.scans.reduce(UInt64(0)) { $0 + $1.bytes }
            let segments = result.scans.reduce(0) { $0 + $1.segments.count }
            stdout.line("sources:  \(result.scans.count) (\(result.failures.count) failed)")
            stdout.line("decoded:  \(SynthJob.formatBytes(bytes)) in \(String(format: "%.2f", result.seconds)) s")
            stdout.line("segments: \(segments)")
            stdout.line("events:   \(counts.values.reduce(0, +))")
            for (name, n) in counts.sorted(by: { $0.key < $1.key }) { stdout.line("  \(name): \(n)") }
            stdout.line("wrote:    \(out)/events.jsonl, segments.jsonl, clips.jsonl, rarity-model.json, scan.json")
        }
        // Missing signals are reported once per profile and signal, not per file.
        var told = Set<String>()
        for (i, s) in result.scans.enumerated() where !dryRun {
            for d in s.disabled where told.insert(result.profiles[i] + d.event).inserted {
                FileHandle.standardError.write(Data("longtail: note: \(d.event) disabled for profile \(result.profiles[i]): no \(d.missing.joined(separator: ", "))\n".utf8))
            }
            for w in s.warnings { FileHandle.standardError.write(Data("longtail: warning: \(s.source): \(w)\n".utf8)) }
        }
        for f in result.failures { FileHandle.standardError.write(Data("longtail: skipped \(f.path): \(f.reason)\n".utf8)) }
        let warned = result.scans.contains { !$0.warnings.isEmpty }
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
        A detection matches a label of the same event and source when their intervals overlap \\
        with IoU at or above --iou; each is matched at most once. Reads the scan output's \\
        events.jsonl in --catalog DIR and labels.jsonl as `longtail synth` writes it.
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
        let events = catalog + "/events.jsonl"
        guard FileManager.default.fileExists(atPath: events) else {
            throw CLIFailure(message: "\(catalog) is not a scan output: no events.jsonl (run longtail scan --out \(catalog) first)")
        }
        let detected: [Evaluation.Interval], truth: [Evaluation.Interval]
        do { detected = try Evaluation.read(events); truth = try Evaluation.read(labels) } catch { throw CLIFailure(error) }
        let scores = Evaluation.score(detected: detected, labels: truth, iouThreshold: iou)
        let stdout = StandardOutput()
        defer { stdout.flush() }
        stdout.write(format == .json ? Evaluation.json(scores, iou: iou) : Evaluation.table(scores, iou: iou))
    }
}
