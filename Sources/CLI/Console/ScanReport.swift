import Foundation
import LongtailOutput
import LongtailSupport

/// What `scan` and `merge` print once the outputs are written, and the exit outcome.
enum ScanReport {
    /// Writes the outputs and prints the summary (scan and merge).
    static func report(_ result: ScanResult, out: String, tiers: TierOptions, threads: Int = 1, json: Bool = false,
                       _ stdout: StandardOutput) throws {
        do {
            let tier = try ResultWriter.write(result, to: out, options: tiers, threads: threads)
            if json {
                stdout.line(ScanJSON.summary(result, tier, out: out))
                return
            }
            var counts: [String: Int] = [:]
            for s in result.sources { for e in s.scan.events { counts[e.name, default: 0] += 1 } }
            let bytes = result.sources.reduce(UInt64(0)) { $0 + $1.scan.bytes }
            let files = result.files
            let fileBytes = files.reduce(Int64(0)) { $0 + $1.size }
            stdout.line("files:     \(files.count) (\(Formatting.bytes(UInt64(fileBytes)))); \(result.sources.count) sources, \(result.failures.count) failed")
            stdout.line("bytes in:  \(Formatting.bytes(bytes)) decompressed, in \(String(format: "%.2f", result.seconds)) s")
            stdout.line("segments:  \(tier.segments)")
            stdout.line("events:    \(counts.values.reduce(0, +))")
            for (name, n) in counts.sorted(by: { $0.key < $1.key }) { stdout.line("  \(name): \(n)") }
            stdout.line(String(format: "alignment: %d segments (%.2f %% of segments), %@", tier.alignmentSegments, tier.alignmentFraction * 100,
                               Formatting.bytes(UInt64(tier.alignmentBytes))))
            stdout.line(String(format: "pretrain:  %d shard(s), %@ (%.2f %% of the decompressed input)", tier.pretrainShards,
                               Formatting.bytes(UInt64(tier.pretrainBytes)), tier.pretrainRatio * 100))
            stdout.line("wrote:     \(out)/catalog.sqlite, alignment/, pretrain/, events.jsonl, segments.jsonl, clips.jsonl, rarity-model.json, scan.json")
            if !result.failures.isEmpty {
                stdout.line("skipped:   \(result.failures.count) file(s)")
                for f in result.failures { stdout.line("  \(f.path): \(f.shortReason)") }
            }
            if !result.pending.isEmpty {
                stdout.line("interrupted: \(result.pending.count) file(s) not scanned; run again with --resume to finish")
            }
        } catch let e as CLIFailure { throw e } catch { throw CLIFailure(error) }
    }

    /// The exit outcome: interrupted, warnings (skipped files, decoding warnings) or success.
    static func outcome(_ result: ScanResult, dryRun: Bool) -> Outcome {
        // A disabled detector is said once per profile, event and missing signals, naming the
        // files that lack them (the profile maps them; the files do not have them).
        // Files no built-in profile fits, scanned with one inferred from their data: said once
        // per inferred profile, with its mapping and how to see the evidence.
        var inferred: [String: (description: String, files: [String])] = [:]
        for rec in result.sources where rec.profile.name.hasPrefix("inferred-") {
            inferred[rec.profile.name, default: (rec.profile.description, [])].files.append(rec.scan.id.shortName)
        }
        for (name, v) in inferred.sorted(by: { $0.key < $1.key }) {
            let files = v.files.prefix(3).joined(separator: ", ") + (v.files.count > 3 ? " and \(v.files.count - 3) more" : "")
            FileHandle.standardError.write(Data("longtail: note: no built-in profile fits \(files); scanned with profile \(name), \(v.description) (`longtail profiles infer FILE` shows the evidence for each choice)\n".utf8))
        }
        var lacking: [String: (profile: String, event: String, missing: [String], files: [String])] = [:]
        var order: [String] = []
        for rec in result.sources where !dryRun {
            let s = rec.scan
            for d in s.disabled {
                let key = rec.profile.name + "\u{0}" + d.event + "\u{0}" + d.missing.joined(separator: ",")
                if lacking[key] == nil { lacking[key] = (rec.profile.name, d.event, d.missing, []); order.append(key) }
                lacking[key]!.files.append(s.id.shortName)
            }
            for w in s.warnings { FileHandle.standardError.write(Data("longtail: warning: \(s.source): \(w)\n".utf8)) }
        }
        for key in order {
            let l = lacking[key]!
            let names = l.files.prefix(3).joined(separator: ", ") + (l.files.count > 3 ? " and \(l.files.count - 3) more" : "")
            let files = l.files.count == 1 ? names : "\(l.files.count) files (\(names))"
            FileHandle.standardError.write(Data("longtail: note: \(l.event) disabled for \(files): no \(l.missing.joined(separator: ", ")) (profile \(l.profile))\n".utf8))
        }
        for f in result.failures { FileHandle.standardError.write(Data("longtail: skipped \(f.path): \(f.shortReason)\n".utf8)) }
        // Never a silent empty result: a source without segments, or whose profile maps
        // signals it does not have, is named with the topics it does have.
        var empty = false
        for rec in result.sources where !dryRun {
            if let w = emptyOrMissing(rec) {
                FileHandle.standardError.write(Data("longtail: warning: \(w)\n".utf8))
                empty = true
            }
        }
        let warned = empty || result.sources.contains { !$0.scan.warnings.isEmpty }
        if !result.pending.isEmpty { return .interrupted }
        return result.failures.isEmpty && !warned ? .success : .warnings
    }

    /// The warning for a source that gave no segments, or lacks signals its profile maps:
    /// what is missing, the topics the file has, and how to write a profile.
    static func emptyOrMissing(_ rec: SourceRecord) -> String? {
        let s = rec.scan, profile = rec.profile.name
        guard s.segments.isEmpty || !s.missing.isEmpty else { return nil }
        let topics = s.topics.isEmpty ? "" : "; the file has " + s.topics.prefix(12).joined(separator: ", ")
            + (s.topics.count > 12 ? " and \(s.topics.count - 12) more" : "")
        let howTo = "`longtail profiles infer \(s.source) -o PROFILE.toml` writes a profile for it from the data, with its evidence "
            + "(or start from `longtail profiles --show \(profile)`; docs/profiles.md); then pass --profile PROFILE.toml"
        if s.segments.isEmpty {
            let why = s.found.isEmpty ? "profile \(profile) maps none of its signals" : "it holds less than one segment window of data"
            return "\(s.source): no segments: \(why) (missing: \(s.missing.joined(separator: ", ")))\(topics); \(howTo)"
        }
        return "\(s.source): profile \(profile) maps signals this file lacks: \(s.missing.joined(separator: ", "))\(topics)"
    }
}
