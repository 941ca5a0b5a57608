import Foundation
import GRDB
import LongtailCore
import LongtailSupport

/// The SQLite catalog of a scan (`DIR/catalog.sqlite`): sources, segments, events and runs,
/// with an index behind every `longtail query` flag.
public final class Catalog {
    /// The schema version this Longtail writes and reads.
    public static let formatVersion = 1
    /// The file name inside an output directory.
    public static let fileName = "catalog.sqlite"

    /// Every event name the detectors can produce (EVENTS.md), sorted.
    public static let eventNames: [String] = EventTable.names
    /// The event kinds, sorted.
    public static let kinds: [String] = EventTable.kinds

    public let path: String
    let queue: DatabaseQueue

    /// The catalog file for `dir` (a directory holding `catalog.sqlite`, or the file itself).
    public static func file(for dir: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
            return (dir as NSString).appendingPathComponent(fileName)
        }
        return dir
    }

    /// Opens an existing catalog read-only.
    /// - Throws: `CatalogError` when there is none, or the file is not a Longtail catalog.
    public init(opening dir: String) throws(CatalogError) {
        let file = Self.file(for: dir)
        path = file
        guard FileManager.default.fileExists(atPath: file) else { throw CatalogError(path: dir, .missing) }
        var config = Configuration()
        config.readonly = true
        do {
            queue = try DatabaseQueue(path: file, configuration: config)
            let format = try queue.read { db -> (String?, Int?) in
                guard try db.tableExists("meta") else { return (nil, nil) }
                let f = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'")
                let v = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'version'").flatMap { Int($0) }
                return (f, v)
            }
            guard format.0 == "longtail-catalog" else {
                throw CatalogError(path: file, .foreign("an SQLite database without Longtail's meta table"))
            }
            if let v = format.1, v > Self.formatVersion { throw CatalogError(path: file, .unsupportedVersion(v)) }
        } catch let e as CatalogError {
            throw e
        } catch let e as DatabaseError {
            throw CatalogError(path: file, .foreign(e.message ?? "\(e)"))
        } catch {
            throw CatalogError(path: file, .database("\(error)"))
        }
    }

    /// Writes a new catalog at `file` (under a temporary name, renamed into place at the end).
    /// - Throws: `CatalogError.database` naming the file.
    /// `segments` is read once, in order (a lazy sequence keeps a large catalog out of memory).
    public static func write<S: Sequence>(to file: String, run: CatalogRun, sources: [CatalogSource], segments: S) throws(CatalogError)
        where S.Element == CatalogSegment {
        do {
            try write(to: file, run: run, sources: sources) { emit in for s in segments { try emit(s) } }
        } catch let e as CatalogError {
            throw e
        } catch {
            throw CatalogError(path: file, .database("writing the catalog failed: \(error)"))
        }
    }

    /// Writes a new catalog at `file`, its segment rows handed over by `rows`, which calls
    /// `emit` once per segment in order (and may do other work between rows: a writer of
    /// several outputs makes each source's rows as it writes that source). Everything runs
    /// in one transaction; the file is renamed into place only when `rows` returns.
    /// - Throws: what `rows` throws, as it threw it; otherwise `CatalogError` naming the file.
    public static func write(to file: String, run: CatalogRun, sources: [CatalogSource],
                             rows: (_ emit: (CatalogSegment) throws -> Void) throws -> Void) throws {
        let temporary = file + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let queue = try DatabaseQueue(path: temporary)
            try queue.write { db in
                try db.execute(sql: schema)
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('format', 'longtail-catalog'), ('version', ?)",
                               arguments: [String(formatVersion)])
                try db.execute(sql: "INSERT INTO runs(version, profile, flags, started_at, ended_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [run.version, run.profile, run.flags, run.startedAt, run.endedAt])
                var sourceID: [String: Int64] = [:]
                let src = try db.makeStatement(sql: """
                    INSERT INTO sources(path, name, size, content_hash, status, error, profile, messages, bytes, abs_path, rel_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for s in sources {
                    try src.execute(arguments: [s.path, Self.baseName(s.path), s.size, s.contentHash, s.status, s.error,
                                                s.profile, s.messages, s.bytes, s.absolutePath, s.relativePath])
                    sourceID[s.path] = db.lastInsertedRowID
                }
                let seg = try db.makeStatement(sql: """
                    INSERT INTO segments(uid, source_id, seg_index, start_ns, end_ns, tier, in_pretrain, rarity, percentile,
                                         max_confidence, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let ev = try db.makeStatement(sql: """
                    INSERT INTO events(segment_id, name, kind, confidence, start_ns, end_ns, facts) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                var longest: Int64 = 0
                do {
                    try rows { s in
                        longest = max(longest, s.endNs - s.startNs)
                        guard let sid = sourceID[s.source] else {
                            throw CatalogError(path: file, .invalidArgument("segment \(s.id) names source \(s.source), which is not in the catalog"))
                        }
                        try seg.execute(arguments: [s.id, sid, s.index, s.startNs, s.endNs, s.tier, s.inPretrain, s.rarity, s.percentile,
                                                    s.maxConfidence, s.features])
                        let rowID = db.lastInsertedRowID
                        for e in s.events {
                            try ev.execute(arguments: [rowID, e.name, e.kind, e.confidence, e.startNs, e.endNs, e.facts])
                        }
                    }
                } catch let e as CatalogError {
                    throw e
                } catch let e as DatabaseError {
                    throw CatalogError(path: file, .database("writing the catalog failed: \(e)"))
                } catch {
                    throw RowsFailed(error: error)
                }
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('max_segment_ns', ?)", arguments: [String(longest)])
                try db.execute(sql: indexes)
                try db.execute(sql: "ANALYZE")
            }
            try queue.close()
        } catch let e as RowsFailed {
            try? FileManager.default.removeItem(atPath: temporary)
            throw e.error
        } catch let e as CatalogError {
            throw e
        } catch {
            throw CatalogError(path: file, .database("writing the catalog failed: \(error)"))
        }
        guard rename(temporary, file) == 0 else {
            throw CatalogError(path: file, .database("could not rename \(temporary) into place (\(String(cString: strerror(errno))), errno \(errno))"))
        }
    }

    /// An error of the row producer, carried out of the transaction unchanged.
    private struct RowsFailed: Error { var error: any Error }

    /// A source's file name with its episode (`run.mcap`, `demos.h5#/data/demo_0`).
    static func baseName(_ path: String) -> String { SourceID(parsing: path).shortName }

    static let schema = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs(id INTEGER PRIMARY KEY, version TEXT NOT NULL, profile TEXT NOT NULL, flags TEXT NOT NULL,
                          started_at TEXT NOT NULL, ended_at TEXT NOT NULL);
        CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, name TEXT NOT NULL, size INTEGER NOT NULL,
                             content_hash TEXT NOT NULL, status TEXT NOT NULL, error TEXT, profile TEXT,
                             messages INTEGER NOT NULL, bytes INTEGER NOT NULL, abs_path TEXT, rel_path TEXT);
        CREATE TABLE segments(id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, source_id INTEGER NOT NULL REFERENCES sources(id),
                              seg_index INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
                              tier TEXT NOT NULL, in_pretrain INTEGER NOT NULL, rarity REAL NOT NULL, percentile REAL NOT NULL,
                              max_confidence REAL NOT NULL, features TEXT NOT NULL);
        CREATE TABLE events(id INTEGER PRIMARY KEY, segment_id INTEGER NOT NULL REFERENCES segments(id), name TEXT NOT NULL,
                            kind TEXT NOT NULL, confidence REAL NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
                            facts TEXT NOT NULL);
        """

    /// One index per query flag: --min-rarity and --sort rarity (percentile), --since/--until
    /// and --sort time (start), --tier, --source, --min-confidence and --sort confidence,
    /// --event and --kind (with the confidence, so the event side answers alone).
    static let indexes = """
        CREATE INDEX segments_percentile ON segments(percentile DESC, rarity DESC);
        CREATE INDEX segments_start ON segments(start_ns);
        CREATE INDEX segments_end ON segments(end_ns);
        CREATE INDEX segments_tier ON segments(tier, percentile DESC);
        CREATE INDEX segments_source ON segments(source_id, start_ns);
        CREATE INDEX segments_confidence ON segments(max_confidence DESC, percentile DESC);
        CREATE INDEX events_name ON events(name, confidence, segment_id);
        CREATE INDEX events_kind ON events(kind, confidence, segment_id);
        CREATE INDEX events_segment ON events(segment_id);
        CREATE INDEX sources_name ON sources(name);
        """
}
