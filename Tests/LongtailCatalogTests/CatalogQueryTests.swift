import Foundation
import LongtailCatalog
import LongtailSynth
import LongtailCore
import Testing
import TestSupport

/// Every `longtail query` flag, alone and combined, against a plain Swift filter over the
/// same records (the reference); plus times and bad catalogs.
@Suite struct CatalogQueryTests {
    static let t0: Int64 = 1_700_000_000_000_000_000

    /// 3 sources × 200 segments with seeded events, tiers and rarities.
    static func records() -> ([CatalogSource], [CatalogSegment]) {
        var rng = SynthRandom(seed: 7)
        let names = Catalog.eventNames
        let kinds = DetectedEvent.kinds
        let paths = ["/data/a/drive-000.mcap", "/data/a/drive-001.mcap", "/data/b/episode-7.h5#/data/demo_3"]
        let sources = paths.map { CatalogSource(path: $0, size: 1000, contentHash: "00", status: "ok") }
        var segments: [CatalogSegment] = []
        for (si, p) in paths.enumerated() {
            for k in 0..<200 {
                var events: [CatalogEvent] = []
                let start = t0 + Int64(si) * 3_600_000_000_000 + Int64(k) * 5_000_000_000
                for _ in 0..<(rng.next() % 4 == 0 ? Int(rng.next() % 3) + 1 : 0) {
                    let n = names[Int(rng.next() % UInt64(names.count))]
                    events.append(CatalogEvent(name: n, kind: kinds[n]!, confidence: Double(rng.next() % 1000) / 1000,
                                               startNs: start + 1_000_000_000, endNs: start + 2_000_000_000, facts: "{\"x\":1}"))
                }
                let pct = Double(rng.next() % 10_000) / 10_000
                segments.append(CatalogSegment(id: "src\(si)-\(k)", source: p, index: k, startNs: start, endNs: start + 10_000_000_000,
                                               tier: pct > 0.97 ? "alignment" : "pretrain", inPretrain: true, rarity: pct * 50,
                                               percentile: pct, features: "{}", events: events))
            }
        }
        return (sources, segments)
    }

    /// The reference: the flags' documented meaning, applied directly.
    static func reference(_ q: CatalogQuery, _ all: [CatalogSegment]) -> [String] {
        let order = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.id, $0) })
        var out = all.filter { s in
            if !q.events.isEmpty || q.kind != nil {
                guard s.events.contains(where: { e in
                    (q.events.isEmpty || q.events.contains(e.name)) && (q.kind == nil || e.kind == q.kind)
                        && (q.minConfidence == nil || e.confidence >= q.minConfidence!)
                }) else { return false }
            } else if let c = q.minConfidence, s.maxConfidence < c { return false }
            if let p = q.minRarity, s.percentile < p { return false }
            if let g = q.source, fnmatch(g, s.source, 0) != 0 && fnmatch(g, (s.source as NSString).lastPathComponent, 0) != 0 { return false }
            if let t = q.since, s.endNs <= t { return false }
            if let t = q.until, s.startNs >= t { return false }
            if let t = q.tier, s.tier != t { return false }
            return true
        }
        switch q.sort {
        // Ties: catalog order (the order records were written).
        case .rarity: out.sort { ($0.percentile, $0.rarity) != ($1.percentile, $1.rarity) ? ($0.percentile, $0.rarity) > ($1.percentile, $1.rarity) : order[$0.id]! < order[$1.id]! }
        case .time: out.sort { $0.startNs != $1.startNs ? $0.startNs < $1.startNs : order[$0.id]! < order[$1.id]! }
        case .confidence: out.sort { ($0.maxConfidence, $0.percentile) != ($1.maxConfidence, $1.percentile) ? ($0.maxConfidence, $0.percentile) > ($1.maxConfidence, $1.percentile) : order[$0.id]! < order[$1.id]! }
        }
        return (q.limit > 0 ? Array(out.prefix(q.limit)) : out).map(\.id)
    }

    static func catalog() throws -> (Catalog, [CatalogSegment], URL) {
        let dir = TestSupport.temporaryDirectory("catalog")
        let (sources, segments) = records()
        try Catalog.write(to: dir.appendingPathComponent(Catalog.fileName).path,
                          run: CatalogRun(version: "test", profile: "p", flags: "", startedAt: "", endedAt: ""), sources: sources, segments: segments)
        return (try Catalog(opening: dir.path), segments, dir)
    }

    /// Each flag alone, and combinations of them, in every sort order.
    @Test func everyFlagAndCombinationMatchesTheReference() throws {
        let (c, all, dir) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        var queries: [(String, CatalogQuery)] = []
        func add(_ name: String, _ f: (inout CatalogQuery) -> Void) { var q = CatalogQuery(); q.limit = 0; f(&q); queries.append((name, q)) }
        add("none") { _ in }
        add("--event") { $0.events = ["hard_brake"] }
        add("--event ×2") { $0.events = ["hard_brake", "fog"] }
        add("--kind") { $0.kind = "weather" }
        add("--min-rarity") { $0.minRarity = 0.9 }
        add("--min-confidence") { $0.minConfidence = 0.5 }
        add("--source path") { $0.source = "/data/a/*" }
        add("--source name") { $0.source = "drive-001.mcap" }
        add("--source episode") { $0.source = "*demo_3" }
        add("--since") { $0.since = Self.t0 + 3_600_000_000_000 }
        add("--until") { $0.until = Self.t0 + 500_000_000_000 }
        add("--tier alignment") { $0.tier = "alignment" }
        add("--tier pretrain") { $0.tier = "pretrain" }
        add("--limit") { $0.limit = 7 }
        add("--event --min-confidence") { $0.events = ["swerve", "snow", "insert"]; $0.minConfidence = 0.4 }
        add("--kind --min-confidence --min-rarity") { $0.kind = "actor"; $0.minConfidence = 0.3; $0.minRarity = 0.5 }
        add("--event --kind") { $0.events = ["fog", "hard_brake"]; $0.kind = "ego" }
        add("--source --since --until") { $0.source = "drive-*"; $0.since = Self.t0 + 100_000_000_000; $0.until = Self.t0 + 4_000_000_000_000 }
        add("--tier --min-rarity --limit") { $0.tier = "pretrain"; $0.minRarity = 0.8; $0.limit = 5 }
        add("everything") {
            $0.kind = "ego"; $0.minConfidence = 0.1; $0.minRarity = 0.2; $0.source = "*drive-00?.mcap"
            $0.since = Self.t0; $0.until = Self.t0 + 5_000_000_000_000; $0.tier = "pretrain"; $0.limit = 3
        }
        for (name, base) in queries {
            for sort in CatalogQuery.Sort.allCases {
                var q = base
                q.sort = sort
                let got = try c.query(q).map(\.id)
                let want = Self.reference(q, all)
                #expect(got == want, "\(name) --sort \(sort.rawValue): \(got.count) vs \(want.count)")
                #expect(name == "none" || name.contains("--limit") || want.count < all.count, "\(name) filters nothing")
                #expect(!want.isEmpty, "\(name) selects nothing: a weak check")
            }
        }
        // Rows come back with all of their events and fields.
        let one = try c.query({ var q = CatalogQuery(); q.events = ["fog"]; q.limit = 1; return q }())[0]
        var ref = all.first { $0.id == one.id }!
        ref.events.sort { ($0.startNs, $0.name) < ($1.startNs, $1.name) }   // the catalog's documented event order
        #expect(one == ref)
    }

    /// Indexes answer the flags (no full scan of segments for the event, time and tier filters).
    @Test func queriesUseIndexes() throws {
        let (c, _, dir) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        var q = CatalogQuery(); q.events = ["hard_brake"]
        #expect(try c.plan(q).contains { $0.contains("events_name") })
        q = CatalogQuery(); q.since = Self.t0; q.until = Self.t0 + 1_000_000_000; q.sort = .time
        #expect(try c.plan(q).contains { $0.contains("USING INDEX segments_") })
        q = CatalogQuery()
        #expect(try c.plan(q).contains { $0.contains("segments_percentile") })
    }

    @Test func badInputNamesWhatWasWrong() throws {
        let (c, _, dir) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        var q = CatalogQuery(); q.events = ["hard_brakes"]
        #expect { try c.query(q) } throws: { "\($0)".contains("unknown event 'hard_brakes'") && "\($0)".contains("hard_brake, harsh_acceleration") }
        q = CatalogQuery(); q.kind = "weird"
        #expect { try c.query(q) } throws: { "\($0)".contains("valid kinds: actor, ego, manipulation, weather") }
        #expect { try Catalog(opening: dir.appendingPathComponent("nowhere").path) } throws: { "\($0)".contains("no catalog here") }
        // A foreign SQLite database and a file that is not SQLite at all.
        let foreign = dir.appendingPathComponent("other.sqlite").path
        _ = try TestSupport.run("/usr/bin/env", ["python3", "-c", "import sqlite3; c=sqlite3.connect('\(foreign)'); c.execute('create table t(x)'); c.commit()"])
        #expect { try Catalog(opening: foreign) } throws: { "\($0)".contains("not a Longtail catalog") }
        let text = dir.appendingPathComponent("notes.sqlite").path
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect { try Catalog(opening: text) } throws: { "\($0)".contains("not a Longtail catalog") }
    }

    /// The kind table covers exactly the events the detectors can run.
    @Test func everyDetectableEventHasOneKind() {
        #expect(Set(DetectedEvent.kinds.keys) == Set(EventTable.names))
        #expect(Catalog.kinds == ["actor", "ego", "manipulation", "weather"])
    }

    @Test func timesParseInEveryAcceptedFormat() throws {
        #expect(try CatalogTime.parse("1700000000000000123") == 1_700_000_000_000_000_123)
        #expect(try CatalogTime.parse("1700000000.25s") == 1_700_000_000_250_000_000)
        #expect(try CatalogTime.parse("1700000000.25") == 1_700_000_000_250_000_000)   // as `cat` takes it
        #expect(try CatalogTime.parse("1700000000s") == 1_700_000_000_000_000_000)
        #expect(try CatalogTime.parse("2023-11-14T22:13:20Z") == 1_700_000_000_000_000_000)
        #expect(try CatalogTime.parse("2023-11-14 22:13:20") == 1_700_000_000_000_000_000)
        #expect(try CatalogTime.parse("2023-11-14T23:13:20.5+01:00") == 1_700_000_000_500_000_000)
        #expect(try CatalogTime.parse("2023-11-14") == 1_699_920_000_000_000_000)
        #expect(try CatalogTime.parse("1969-12-31T23:59:59Z") == -1_000_000_000)
        for bad in ["yesterday", "2023-13-01", "2023-11-14T25:00", "12:00", "1.2.3", "2023-11-14T10:00:00.Z", ""] {
            #expect(throws: CatalogError.self, "\(bad)") { try CatalogTime.parse(bad, flag: "--since") }
            #expect { try CatalogTime.parse(bad, flag: "--since") } throws: { "\($0)".contains("accepted formats") }
        }
    }
}

/// Fuzzing found: a year far from 1970 overflowed nanoseconds (`CatalogTime.swift:83`).
@Suite struct CatalogTimeOverflowTests {
    @Test func yearsBeyondNanosecondRangeAreRefused() {
        for text in ["0322-11-14", "0322-11-14T22:13:25Z", "9999-12-31T23:59:59Z", "1677-09-21T00:12:43Z"] {
            #expect(throws: CatalogError.self, "\(text)") { _ = try CatalogTime.parse(text) }
        }
        #expect((try? CatalogTime.parse("2262-04-11T23:47:16Z")) == 9_223_372_036_000_000_000)
    }
}

/// A source is found where it lies now: under `--data-root` by its relative path or name,
/// else where it was scanned (as given, then absolute).
@Suite struct SourceLocationTests {
    @Test func locateTriesTheDataRootThenThePathsItWasScannedAt() {
        let s = CatalogSource(path: "logs/day1/a.mcap", size: 1, contentHash: "", status: "ok",
                              absolutePath: "/data/logs/day1/a.mcap", relativePath: "day1/a.mcap")
        #expect(s.locate(dataRoot: "/new", isReadable: { $0 == "/new/day1/a.mcap" || $0 == "/new/a.mcap" }) == "/new/day1/a.mcap")
        #expect(s.locate(dataRoot: "/new", isReadable: { $0 == "/new/a.mcap" }) == "/new/a.mcap")
        #expect(s.locate(dataRoot: nil, isReadable: { $0 == "/data/logs/day1/a.mcap" }) == "/data/logs/day1/a.mcap")
        #expect(s.locate(dataRoot: nil, isReadable: { $0 == "logs/day1/a.mcap" || $0.hasPrefix("/data") }) == "logs/day1/a.mcap")
        #expect(s.locate(dataRoot: "/new", isReadable: { _ in false }) == nil)
        let old = CatalogSource(path: "a.mcap", size: 1, contentHash: "", status: "ok")   // a catalog from before abs/rel paths
        #expect(old.locate(dataRoot: "/new", isReadable: { $0 == "/new/a.mcap" }) == "/new/a.mcap")
    }
}
