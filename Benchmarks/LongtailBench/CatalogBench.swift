import Foundation
import LongtailSynth
import LongtailCatalog
import LongtailCore

/// The catalog query benchmark: a generated catalog of N segments (1000 per source,
/// one segment in 12 with an event, rarities uniform) and every `longtail query` flag alone
/// and combined, each timed over many runs (open catalog, query, rows with their events).
enum CatalogBench {
    static func generate(path: String, segments n: Int) throws {
        var rng = SynthRandom(seed: 1)   // the same catalog on every machine
        let names = Catalog.eventNames
        let perSource = 1000
        let t0: Int64 = 1_700_000_000_000_000_000
        var sources: [CatalogSource] = [], segments: [CatalogSegment] = []
        segments.reserveCapacity(n)
        for s in 0..<((n + perSource - 1) / perSource) {
            let path = "/fleet/2024-\(String(format: "%02d", s % 12 + 1))/car-\(s % 37)/drive-\(String(format: "%05d", s)).mcap"
            sources.append(CatalogSource(path: path, size: 1 << 30, contentHash: String(format: "%016x", s), status: "ok"))
            for k in 0..<min(perSource, n - s * perSource) {
                let start = t0 + Int64(s) * 5_400_000_000_000 + Int64(k) * 5_000_000_000
                var events: [CatalogEvent] = []
                if rng.next() % 12 == 0 {
                    let e = names[Int(rng.next() % UInt64(names.count))]
                    events.append(CatalogEvent(name: e, kind: EventTable.kind(of: e)!, confidence: rng.uniform(0.5...1),
                                               startNs: start + 2_000_000_000, endNs: start + 3_000_000_000, facts: "{\"peak\":1.5}"))
                }
                let pct = rng.uniform()
                segments.append(CatalogSegment(id: String(format: "%016x-%d", s, k), source: path, index: k, startNs: start,
                                               endNs: start + 10_000_000_000, tier: pct >= 0.99 ? "alignment" : "pretrain",
                                               inPretrain: true, rarity: pct * 60, percentile: pct,
                                               features: "{\"speed.mean\":12.5,\"accel.x.min\":-0.8}", events: events))
            }
        }
        try Catalog.write(to: path, run: CatalogRun(version: "bench", profile: "synth-driving", flags: "", startedAt: "", endedAt: ""),
                          sources: sources, segments: segments)
    }

    /// (name, p50 ms, p95 ms, rows) per query.
    static func run(path: String, repeats: Int) throws -> [(String, Double, Double, Int)] {
        let t0: Int64 = 1_700_000_000_000_000_000
        var queries: [(String, CatalogQuery)] = []
        func add(_ name: String, _ f: (inout CatalogQuery) -> Void) { var q = CatalogQuery(); f(&q); queries.append((name, q)) }
        add("(no flags)") { _ in }
        add("--event hard_brake") { $0.events = ["hard_brake"] }
        add("--event fog --event snow") { $0.events = ["fog", "snow"] }
        add("--kind weather") { $0.kind = "weather" }
        add("--min-rarity 0.999") { $0.minRarity = 0.999 }
        add("--min-confidence 0.9") { $0.minConfidence = 0.9 }
        add("--source '*drive-00042.mcap'") { $0.source = "*drive-00042.mcap" }
        add("--source '/fleet/2024-03/*'") { $0.source = "/fleet/2024-03/*" }
        add("--since/--until (1 h)") { $0.since = t0 + 100 * 5_400_000_000_000; $0.until = $0.since! + 3_600_000_000_000 }
        add("--tier alignment") { $0.tier = "alignment" }
        add("--sort time") { $0.sort = .time }
        add("--sort confidence") { $0.sort = .confidence }
        add("--event cut_in --min-confidence 0.8 --sort time") { $0.events = ["cut_in"]; $0.minConfidence = 0.8; $0.sort = .time }
        add("--kind actor --min-rarity 0.9 --tier pretrain") { $0.kind = "actor"; $0.minRarity = 0.9; $0.tier = "pretrain" }
        add("--source … --since … --event low_ttc") {
            $0.source = "/fleet/2024-0*"; $0.since = t0 + 500 * 5_400_000_000_000; $0.events = ["low_ttc"]
        }
        add("--limit 1000 --min-rarity 0.5") { $0.limit = 1000; $0.minRarity = 0.5 }
        var out: [(String, Double, Double, Int)] = []
        for (name, q) in queries {
            var times: [Double] = []
            var rows = 0
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                let catalog = try Catalog(opening: path)
                rows = try catalog.query(q).count
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            out.append((name, times[times.count / 2], times[min(times.count - 1, Int(Double(times.count) * 0.95))], rows))
        }
        return out
    }
}
