import Foundation
import Testing
import TestSupport

/// `longtail scan` into tiers and `query`, `show`, `export` through the real executable.
@Suite(.serialized) struct CatalogCLITests {
    static var binary: String { CLITests.binary }
    static let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap").path

    static func scanned() throws -> URL {
        let dir = TestSupport.temporaryDirectory("cli-catalog")
        let r = try TestSupport.run(binary, ["scan", fixture, "--out", dir.path, "--alignment-budget", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("alignment: 4 segments (12.90 % of segments)"), "\(r.stdoutText)")
        #expect(r.stdoutText.contains("% of the decompressed input)") && r.stdoutText.contains("bytes in:"))
        return dir
    }

    @Test func scanRefusesToOverwriteResultsWithoutForce() throws {
        let dir = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: dir) }
        let again = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", dir.path])
        #expect(again.status == 1 && again.stderr.contains("already holds results") && again.stderr.contains("--force"))
        let forced = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", dir.path, "--force", "--alignment-budget", "1%"])
        #expect(forced.status == 0 && forced.stdoutText.contains("alignment: 1 segments"), "\(forced.stderr)")   // 1 % of 31, at least one
        let badBudget = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", dir.path, "--alignment-budget", "lots"])
        #expect(badBudget.status == 2 && badBudget.stderr.contains("percentage (1%)"))
        let badEvent = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", dir.path, "--always-include", "brake"])
        #expect(badEvent.status == 2 && badEvent.stderr.contains("unknown event 'brake'") && badEvent.stderr.contains("hard_brake"))
    }

    @Test func queryFormatsAndErrors() throws {
        let dir = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--tier", "alignment"], stdin: nil)
        let lines = table.stdoutText.split(separator: "\n")
        #expect(table.status == 0 && lines.count == 5 && lines[0].hasPrefix("id ") && lines[1].contains("alignment"))
        let jsonl = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--event", "hard_brake", "--format", "jsonl", "--limit", "0"])
        let objs = try jsonl.stdoutText.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(!objs.isEmpty)
        for o in objs {
            for key in ["id", "source", "start_ns", "end_ns", "tier", "rarity", "percentile", "events"] { #expect(o[key] != nil, "\(key)") }
            let events = o["events"] as! [[String: Any]]
            #expect(events.contains { $0["name"] as? String == "hard_brake" && ($0["facts"] as? [String: Any])?["peak_decel_mps2"] != nil })
        }
        let csv = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--limit", "0", "--format", "csv", "--sort", "time"])
        let rows = csv.stdoutText.split(separator: "\n")
        #expect(rows.count == 32 && rows[0] == "id,source,start_ns,end_ns,tier,rarity,percentile,events,kinds,confidences")
        let starts = rows.dropFirst().map { Int64($0.split(separator: ",")[2])! }
        #expect(starts == starts.sorted())
        let narrow = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--since", "2023-11-14T22:15:00Z", "--until", "1700000120s", "--format", "csv"])
        #expect(narrow.status == 0 && narrow.stdoutText.split(separator: "\n").count == 7, "\(narrow.stdoutText)")
        let badTime = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--since", "noon"])
        #expect(badTime.status == 2 && badTime.stderr.contains("accepted formats") && badTime.stderr.contains("ISO 8601"))
        let badEvent = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--event", "braking"])
        #expect(badEvent.status == 2 && badEvent.stderr.contains("valid names:") && badEvent.stderr.contains("wrong_way_actor"))
        let missing = try TestSupport.run(Self.binary, ["query", "--catalog", dir.appendingPathComponent("nope").path])
        #expect(missing.status == 1 && missing.stderr.contains("no catalog here"))
        let foreign = try TestSupport.run(Self.binary, ["query", "--catalog", dir.appendingPathComponent("events.jsonl").path])
        #expect(foreign.status == 1 && foreign.stderr.contains("not a Longtail catalog"))
    }

    @Test func showAndExport() throws {
        let dir = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: dir) }
        let top = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--limit", "1", "--format", "csv"])
        let id = String(top.stdoutText.split(separator: "\n")[1].split(separator: ",")[0])
        let show = try TestSupport.run(Self.binary, ["show", "--catalog", dir.path, id])
        #expect(show.status == 0 && show.stdoutText.contains("caption:") && show.stdoutText.contains("event:"), "\(show.stderr)")
        #expect(show.stdoutText.contains("speed ") && show.stdoutText.contains("▁"))
        let pre = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--tier", "pretrain", "--limit", "1", "--format", "csv"])
        let pid = String(pre.stdoutText.split(separator: "\n")[1].split(separator: ",")[0])
        let showPre = try TestSupport.run(Self.binary, ["show", "--catalog", dir.path, pid])
        #expect(showPre.status == 0 && showPre.stdoutText.contains("tier:       pretrain") && showPre.stdoutText.contains("accel.x"))
        let unknown = try TestSupport.run(Self.binary, ["show", "--catalog", dir.path, "nope-1"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no segment 'nope-1'"))
        let clip = dir.appendingPathComponent("clip.mcap").path
        let mcap = try TestSupport.run(Self.binary, ["export", "--catalog", dir.path, id, "--to", clip])
        #expect(mcap.status == 0 && mcap.stdoutText.contains("messages on"), "\(mcap.stderr)")
        let again = try TestSupport.run(Self.binary, ["export", "--catalog", dir.path, id, "--to", clip])
        #expect(again.status == 1 && again.stderr.contains("--force"))
        let h5 = try TestSupport.run(Self.binary, ["export", "--catalog", dir.path, id, "--to", dir.appendingPathComponent("clip.h5").path])
        #expect(h5.status == 0 && h5.stdoutText.contains("12 signals"), "\(h5.stderr)")
        let inspect = try TestSupport.run(Self.binary, ["inspect", clip])
        #expect(inspect.status == 0, "\(inspect.stderr)")
    }

    /// A damaged catalog (issue 17: GRDB trapped on NULL or mistyped columns, times of
    /// Int64.min overflowed in `show`, an empty source path): every command either works
    /// or names the table, row and column in one line, exit 1; none crashes.
    @Test func damagedCatalogRowsAreNamedNotFatal() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no Python: run scripts/bootstrap.sh"); return }
        let clean = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: clean) }
        let list = try TestSupport.run(Self.binary, ["query", "--catalog", clean.path, "--format", "jsonl", "--limit", "0"])
        let ids = list.stdoutText.split(separator: "\n").compactMap { line -> String? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
        try #require(ids.count >= 2)
        let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/damage_catalog.py").path
        for kind in ["null-uid", "text-start", "min-start", "empty-path"] {
            let dir = TestSupport.temporaryDirectory("damaged-\(kind)")
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.removeItem(at: dir)
            try FileManager.default.copyItem(at: clean, to: dir)
            let d = try TestSupport.run(python, [script, dir.appendingPathComponent("catalog.sqlite").path, kind])
            try #require(d.status == 0, "\(d.stderr)")
            let runs = [["query", "--catalog", dir.path, "--limit", "0"], ["query", "--catalog", dir.path, "--format", "jsonl"],
                        ["show", "--catalog", dir.path, ids[0]], ["show", "--catalog", dir.path, ids[1]],
                        ["export", "--catalog", dir.path, ids[0], "--to", dir.appendingPathComponent("x.mcap").path]]
            for args in runs {
                let r = try TestSupport.run(Self.binary, args)
                #expect(r.status == 0 || r.status == 1, "\(kind) \(args[0]): status \(r.status) \(r.stderr.prefix(300))")
                if r.status == 1 {
                    #expect(r.stderr.split(separator: "\n").count == 1, "\(kind) \(args[0]): \(r.stderr)")
                }
                if kind == "text-start" && args.contains("--limit") {
                    #expect(r.stderr.contains("table segments") && r.stderr.contains("column start_ns"), "\(r.stderr)")
                }
            }
        }
    }

    /// Issue 15: `query` stopped at 20 rows without saying so, refused `--format json`, and
    /// `cat --since 1700000950s` / `query --since 1700000950.5` each rejected the other's syntax.
    @Test func queryAndCatSpeakTheSameLanguage() throws {
        let dir = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--limit", "3", "--format", "json"])
        let array = try JSONSerialization.jsonObject(with: Data(cut.stdoutText.utf8)) as? [[String: Any]]
        #expect(cut.status == 0 && array?.count == 3 && cut.stderr.contains("showing the first 3 matching segments; --limit 0"))
        let all = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--limit", "0", "--format", "jsonl"])
        #expect(all.status == 0 && !all.stderr.contains("showing the first"))
        let first = try #require(try JSONSerialization.jsonObject(with: Data(all.stdoutText.split(separator: "\n")[0].utf8)) as? [String: Any])
        let start = try #require(first["start_ns"] as? Int64)
        let seconds = String(format: "%.1f", Double(start) / 1e9)
        for form in [seconds, seconds + "s", String(start)] {
            let q = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--since", form, "--limit", "1"])
            #expect(q.status == 0, "query --since \(form): \(q.stderr)")
            let c = try TestSupport.run(Self.binary, ["cat", Self.fixture, "--since", form, "--until", String(start + 100_000_000)])
            #expect(c.status == 0 && !c.stdoutText.isEmpty, "cat --since \(form): \(c.stderr)")
        }
    }

    /// Issue 15: "after cd or moving the data, show/export fail with no way to say where
    /// the data now lives". The catalog keeps each file's absolute path and its path below the
    /// scanned directory; `export --data-root` finds a moved archive, and without it the
    /// error names the paths tried and the flag.
    @Test func exportFindsMovedDataUnderDataRoot() throws {
        let dir = TestSupport.temporaryDirectory("cli-data-root")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("archive").path, moved = dir.appendingPathComponent("moved").path
        try FileManager.default.createDirectory(atPath: archive + "/day1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: archive + "/day1/drive-000.mcap")
        let out = dir.appendingPathComponent("out").path
        let scan = try TestSupport.run(Self.binary, ["scan", archive, "--out", out])
        #expect(scan.status == 0, "\(scan.stderr)")
        let q = try TestSupport.run(Self.binary, ["query", "--catalog", out, "--limit", "1", "--format", "csv"])
        let id = try #require(q.stdoutText.split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
        try FileManager.default.moveItem(atPath: archive, toPath: moved)
        let lost = try TestSupport.run(Self.binary, ["export", "--catalog", out, id, "--to", dir.appendingPathComponent("a.mcap").path])
        #expect(lost.status == 1 && lost.stderr.contains("--data-root") && lost.stderr.contains(archive + "/day1/drive-000.mcap"), "\(lost.stderr)")
        let found = try TestSupport.run(Self.binary, ["export", "--catalog", out, id, "--to", dir.appendingPathComponent("b.mcap").path,
                                                      "--data-root", moved])
        #expect(found.status == 0 && found.stdoutText.contains("messages"), "\(found.stderr)")
        let h5 = try TestSupport.run(Self.binary, ["export", "--catalog", out, id, "--to", dir.appendingPathComponent("b.h5").path,
                                                   "--data-root", moved])
        #expect(h5.status == 0 && h5.stdoutText.contains("signals"), "\(h5.stderr)")
    }

    /// Issue 15: "`--format json` ... missing in `show`, `profiles`". Both print JSON that
    /// parses: show the segment as query gives it plus caption, context and signals.
    @Test func showAndProfilesPrintJSON() throws {
        let dir = try Self.scanned()
        defer { try? FileManager.default.removeItem(at: dir) }
        let q = try TestSupport.run(Self.binary, ["query", "--catalog", dir.path, "--tier", "alignment", "--limit", "1", "--format", "json"])
        let row = try #require((try JSONSerialization.jsonObject(with: q.stdout) as? [[String: Any]])?.first)
        let id = try #require(row["id"] as? String)
        let show = try TestSupport.run(Self.binary, ["show", "--catalog", dir.path, id, "--format", "json"])
        #expect(show.status == 0, "\(show.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: show.stdout) as? [String: Any])
        #expect(obj["id"] as? String == id && obj["percentile"] as? Double == row["percentile"] as? Double)
        #expect(!(obj["caption"] as? String ?? "").isEmpty && !(obj["context"] as? [Any] ?? []).isEmpty)
        let signals = try #require(obj["signals"] as? [[String: Any]])
        #expect(signals.contains { $0["name"] as? String == "speed" && ($0["values"] as? [Any])?.count ?? 0 > 100 })
        let profiles = try TestSupport.run(Self.binary, ["profiles", "--format", "json"])
        let list = try #require(try JSONSerialization.jsonObject(with: profiles.stdout) as? [[String: Any]])
        #expect(list.map { $0["name"] as? String }.contains("synth-driving") && list.allSatisfy { ($0["signals"] as? [String])?.isEmpty == false })
    }
}
