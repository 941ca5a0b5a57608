import Foundation
import LongtailCatalog
import LongtailCore
import LongtailHDF5
import LongtailOutput
import LongtailRun
import LongtailSupport
import LongtailSynth
import LongtailTools
import Testing
import TestSupport

/// The two tiers and the catalog: storage budgets, knowledge captions, and an independent
/// Python check (h5py, hdf5plugin, mcap) of alignment values, pretraining values and clips.
@Suite(.serialized) struct TierTests {
    static let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path

    static func scan(_ paths: [String], _ tiers: TierOptions, out: String) throws -> (ScanResult, ResultWriter.Summary) {
        var o = BatchOptions(paths: paths, out: out, profile: nil)
        o.tiers = tiers
        let r = try BatchRun.run(o)
        #expect(r.failures.isEmpty, "\(r.failures.map(\.reason))")
        return (r, try ResultWriter.write(r, to: out, options: tiers))
    }

    /// 12 minutes of fleet-like driving (rare-rate 0.02) with the default options: the
    /// alignment set is ≤ 1 % of segments, the shards ≤ 15 % of the decompressed input, and
    /// Python reads back exact alignment values, float16 pretraining values and a clip.
    @Test func defaultTiersMeetTheBudgetsAndReadBackInPython() throws {
        let dir = TestSupport.temporaryDirectory("tiers")
        defer { try? FileManager.default.removeItem(at: dir) }
        var s = SynthJob.Options()
        s.kind = .driving; s.seed = 31; s.duration = 720; s.rareRate = 0.02; s.out = dir.appendingPathComponent("in").path
        _ = try SynthJob.run(s)
        let out = dir.appendingPathComponent("out").path
        let (_, summary) = try Self.scan([s.out], TierOptions(), out: out)
        #expect(summary.segments >= 140)
        #expect(summary.alignmentSegments >= 1 && summary.alignmentFraction <= 0.01, "\(summary.alignmentSegments) of \(summary.segments)")
        #expect(summary.pretrainRatio <= 0.15 && summary.pretrainRatio > 0, "\(summary.pretrainRatio)")
        let catalog = try Catalog(opening: out)
        var q = CatalogQuery(); q.tier = "alignment"; q.limit = 0
        let aligned = try catalog.query(q)
        #expect(aligned.count == summary.alignmentSegments)
        // Export the rarest segment and let Python compare everything.
        let seg = aligned[0]
        let clip = dir.appendingPathComponent("clip.mcap").path
        let w = try ClipExport.mcap(source: SourceID(parsing: seg.source), start: seg.startNs, end: seg.endNs, to: clip)
        #expect(w.messages > 1000 && w.channels >= 5)
        try Self.python(out, seg.source, [clip, String(seg.startNs), String(seg.endNs)])
    }

    /// The fixture with five alignment segments, int16 shards, `--exclusive` and
    /// `--always-include`: knowledge captions use only the record's numbers; excluded rows
    /// are NaN; Python still reads exact alignment values and int16 values within a step.
    @Test func optionsShapeTheTiersAndCaptionsUseOnlyFacts() throws {
        let dir = TestSupport.temporaryDirectory("tiers-opt")
        defer { try? FileManager.default.removeItem(at: dir) }
        var t = TierOptions()
        t.budget = .count(5); t.quantization = .int16; t.exclusive = true; t.alwaysInclude = ["wrong_way_actor"]
        let (r, summary) = try Self.scan([Self.fixture], t, out: dir.path)
        let catalog = try Catalog(opening: dir.path)
        var q = CatalogQuery(); q.tier = "alignment"; q.limit = 0
        let aligned = try catalog.query(q)
        #expect(aligned.count == summary.alignmentSegments && aligned.count >= 5)
        #expect(aligned.contains { $0.events.contains { $0.name == "wrong_way_actor" } })
        #expect(aligned.allSatisfy { !$0.inPretrain })
        // The five rarest are in, whatever --always-include added.
        let rarest = r.sources[0].rarity.enumerated().sorted { $0.element.percentile > $1.element.percentile }.prefix(5).map(\.offset)
        let ids = Set(aligned.map(\.id))
        #expect(rarest.allSatisfy { k in ids.contains { $0.hasSuffix("-\(k)") } })
        // Knowledge: every number in a caption is a value of its record.
        let lines = try String(contentsOfFile: dir.path + "/alignment/knowledge.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == aligned.count)
        var instructions = Set<String>()
        for line in lines {
            let rec = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            var values = Set<Double>()
            func collect(_ x: Any) {
                if let n = x as? NSNumber { values.insert(n.doubleValue) }
                if let d = x as? [String: Any] { d.values.forEach(collect) }
                if let a = x as? [Any] { a.forEach(collect) }
            }
            collect(rec["context"]!)
            for e in rec["events"] as! [[String: Any]] { collect(e["facts"]!) }
            let caption = rec["caption"] as! String
            #expect(rec["response"] as? String == caption && (rec["instruction"] as? String)?.isEmpty == false)
            // The instruction names the record's events (issue 15: every record had the same one).
            let instruction = rec["instruction"] as? String ?? ""
            for e in rec["events"] as! [[String: Any]] {
                let name = (e["name"] as? String ?? "").replacingOccurrences(of: "_", with: " ")
                #expect(instruction.contains(name), "\(instruction) lacks \(name)")
            }
            instructions.insert(instruction)
            let numbers = caption.replacingOccurrences(of: "−", with: "-").split(whereSeparator: { !"0123456789.-".contains($0) })
                .compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "."))) }
            #expect(!numbers.isEmpty)
            for n in numbers { #expect(values.contains(n) || values.contains(-n), "\(n) is not in the record: \(caption)") }
        }
        #expect(instructions.count > 1, "\(instructions)")
        // Excluded rows are NaN in the shard.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/pretrain/manifest.json"))) as! [String: Any]
        let src = ((manifest["shards"] as! [[String: Any]])[0]["sources"] as! [[String: Any]])[0]
        let t0 = (src["t0_ns"] as! NSNumber).int64Value, period = (src["period_ns"] as! NSNumber).int64Value
        let shard = try HDF5File(path: dir.path + "/pretrain/shard-00000.h5")
        let speed = try shard.dataset((src["group"] as! String) + "/speed").read(Double.self)
        for seg in aligned {
            let mid = Int((seg.startNs + seg.endNs) / 2 - t0) / Int(period)
            #expect(speed[mid] == Double(Int16.min), "row \(mid) of excluded \(seg.id) holds \(speed[mid])")
        }
        let notExcluded = speed.enumerated().filter { i, _ in
            let t = t0 + Int64(i) * period
            return !aligned.contains { t >= $0.startNs - period && t < $0.endNs + period }
        }
        #expect(notExcluded.dropFirst().allSatisfy { $0.element != Double(Int16.min) })
        try Self.python(dir.path, Self.fixture, [], exclusive: true)
        // eval reads the catalog: the same detections as events.jsonl, each once.
        func key(_ i: Evaluation.Interval) -> String { "\(i.source) \(i.event) \(i.startNs) \(i.endNs)" }
        let fromCatalog = try Evaluation.detections(in: dir.path).map(key).sorted()
        let fromLines = try Evaluation.read(dir.path + "/events.jsonl").map(key).sorted()
        #expect(fromCatalog == fromLines && fromCatalog.count == r.sources[0].scan.events.count)
        // Detectors emit the kind the catalog's table gives each event.
        #expect(r.sources[0].scan.events.allSatisfy { EventTable.kind(of: $0.name) == $0.kind })
    }

    static func python(_ out: String, _ source: String, _ clips: [String], exclusive: Bool = false) throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with mcap, h5py and hdf5plugin: run scripts/bootstrap.sh"); return
        }
        let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/check_tiers.py").path
        let r = try TestSupport.run(python, [script, out, source] + (exclusive ? ["--exclusive"] : []) + clips)
        #expect(r.status == 0, "\(r.stdoutText) \(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        #expect((summary?["alignment_samples"] as? Int ?? 0) > 0 && (summary?["pretrain_values"] as? Int ?? 0) > 0)
        if !clips.isEmpty { #expect((summary?["clip_messages"] as? Int ?? 0) > 0) }
    }
}

/// Issue 15: "knowledge.jsonl files of a driving and a robot scan cannot be loaded together by
/// `datasets` (facts have different struct types)". Facts and context are lists of
/// `{name, value, text, unit}`; pyarrow (what `datasets` reads JSON lines with) reads each
/// file alone and finds one schema.
@Suite struct KnowledgeSchemaTests {
    @Test func drivingAndRobotRecordsLoadAsOneTable() throws {
        let dir = TestSupport.temporaryDirectory("knowledge-schema")
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        for kind in ["driving", "robot"] {
            let input = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/" + kind).path
            let o = BatchOptions(paths: [input], out: nil, profile: nil)
            var tiers = TierOptions()
            tiers.budget = .count(4)
            let out = dir.appendingPathComponent(kind).path
            _ = try ResultWriter.write(try BatchRun.run(o), to: out, options: tiers)
            files.append(out + "/alignment/knowledge.jsonl")
        }
        for f in files {
            for line in try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n") {
                let rec = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let context = try #require(rec["context"] as? [[String: Any]])
                #expect(!context.isEmpty && context.allSatisfy { $0["name"] is String && $0["unit"] is String && $0["text"] as? String == "" })
                for e in try #require(rec["events"] as? [[String: Any]]) {
                    for fact in try #require(e["facts"] as? [[String: Any]]) {
                        let name = fact["name"] as? String ?? ""
                        #expect(fact["value"] is NSNumber || (fact["value"] is NSNull && !(fact["text"] as? String ?? "").isEmpty), "\(fact)")
                        if name.hasSuffix("_mps2") { #expect(fact["unit"] as? String == "m/s²") }
                        if name.hasSuffix("_n") { #expect(fact["unit"] as? String == "N") }
                    }
                }
            }
        }
        guard let python = TestSupport.interopPython,
              (try? TestSupport.run(python, ["-c", "import pyarrow"]).status) == 0 else {
            Issue.record("no Python with pyarrow: run scripts/bootstrap.sh"); return
        }
        let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/check_knowledge.py").path
        let r = try TestSupport.run(python, [script] + files)
        #expect(r.status == 0, "\(r.stdoutText) \(r.stderr)")
    }
}

/// Issue 15: "the 1 % alignment budget rounds down to 0 segments on a 79-segment file, silently".
@Suite struct BudgetRoundingTests {
    @Test func aPositiveFractionIsAtLeastOneSegment() throws {
        let onePercent = try TierOptions.Budget.parse("1%")
        #expect(onePercent.count(of: 79) == 1 && onePercent.count(of: 250) == 2 && onePercent.count(of: 0) == 0)
        #expect(try TierOptions.Budget.parse("0%").count(of: 79) == 0)
        #expect(try TierOptions.Budget.parse("0").count(of: 79) == 0)
        #expect(try TierOptions.Budget.parse("5").count(of: 3) == 3)
    }
}
