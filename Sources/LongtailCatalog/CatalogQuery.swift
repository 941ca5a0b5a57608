import GRDB

/// The filters of `longtail query`: every flag narrows the result (several `--event`s: any of them).
public struct CatalogQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable { case rarity, time, confidence }
    /// Segments holding any of these events (empty: no event filter).
    public var events: [String] = []
    public var kind: String?
    /// Minimum rarity percentile, 0…1.
    public var minRarity: Double?
    /// With `events`/`kind`: the matching event's confidence; alone: any event's.
    public var minConfidence: Double?
    /// A glob matched against the source's path or its file name.
    public var source: String?
    /// Segments that end after `since` / start before `until` (ns since the epoch).
    public var since: Int64?
    public var until: Int64?
    public var tier: String?
    public var sort: Sort = .rarity
    /// 0: no limit.
    public var limit = 20

    public init() {}

    /// Checks names and ranges.
    /// - Throws: `CatalogError` listing the valid values.
    public func validate() throws(CatalogError) {
        for e in events where !Catalog.eventNames.contains(e) {
            throw CatalogError(path: "", .unknownEvent(e, valid: Catalog.eventNames))
        }
        if let kind, !Catalog.kinds.contains(kind) {
            throw CatalogError(path: "", .invalidArgument("unknown kind '\(kind)'; valid kinds: \(Catalog.kinds.joined(separator: ", "))"))
        }
        if let tier, tier != "alignment" && tier != "pretrain" {
            throw CatalogError(path: "", .invalidArgument("unknown tier '\(tier)'; valid tiers: alignment, pretrain"))
        }
        if let p = minRarity, !(0...1).contains(p) {
            throw CatalogError(path: "", .invalidArgument("--min-rarity \(p) is not a percentile between 0 and 1"))
        }
        if let c = minConfidence, !(0...1).contains(c) {
            throw CatalogError(path: "", .invalidArgument("--min-confidence \(c) is not between 0 and 1"))
        }
        if limit < 0 { throw CatalogError(path: "", .invalidArgument("--limit \(limit) is negative (0 means no limit)")) }
        if let since, let until, until <= since {
            throw CatalogError(path: "", .invalidArgument("--until (\(until)) is not after --since (\(since))"))
        }
    }

    /// The SQL and its arguments (segments only; events are fetched for the rows found).
    /// `maxSegmentNs` (the longest segment) turns `--since` into a range on the start index.
    func sql(maxSegmentNs: Int64 = .max) -> (String, StatementArguments) {
        var conditions: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if !events.isEmpty || kind != nil {
            var inner: [String] = []
            if !events.isEmpty {
                inner.append("name IN (" + events.map { _ in "?" }.joined(separator: ",") + ")")
                args += events
            }
            if let kind { inner.append("kind = ?"); args.append(kind) }
            if let c = minConfidence { inner.append("confidence >= ?"); args.append(c) }
            conditions.append("s.id IN (SELECT segment_id FROM events WHERE " + inner.joined(separator: " AND ") + ")")
        } else if let c = minConfidence {
            conditions.append("s.max_confidence >= ?"); args.append(c)
        }
        if let p = minRarity { conditions.append("s.percentile >= ?"); args.append(p) }
        if let source {
            conditions.append("s.source_id IN (SELECT id FROM sources WHERE path GLOB ? OR name GLOB ?)")
            args += [source, source]
        }
        if let since {
            conditions.append("s.end_ns > ?"); args.append(since)
            if maxSegmentNs < .max, since > .min + maxSegmentNs { conditions.append("s.start_ns > ?"); args.append(since - maxSegmentNs) }
        }
        if let until { conditions.append("s.start_ns < ?"); args.append(until) }
        if let tier { conditions.append("s.tier = ?"); args.append(tier) }
        // No join: the source path is looked up per returned row, so the planner walks the
        // index of the sort order (or of the most selective filter) and stops at the limit.
        var sql = """
            SELECT s.id, s.uid, (SELECT path FROM sources WHERE id = s.source_id) AS path, s.seg_index, s.start_ns, s.end_ns,
                   s.tier, s.in_pretrain, s.rarity, s.percentile, s.features
            FROM segments s
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        switch sort {
        // Ties break by catalog order (sources in path order, segments in time order).
        case .rarity: sql += " ORDER BY s.percentile DESC, s.rarity DESC, s.id"
        case .time: sql += " ORDER BY s.start_ns, s.id"
        case .confidence: sql += " ORDER BY s.max_confidence DESC, s.percentile DESC, s.id"
        }
        if limit > 0 { sql += " LIMIT ?"; args.append(limit) }
        return (sql, StatementArguments(args))
    }
}

extension Catalog {
    /// The segments `q` selects, in its order, each with all of its events.
    /// - Throws: `CatalogError` for invalid flags or a failing database.
    public func query(_ q: CatalogQuery) throws(CatalogError) -> [CatalogSegment] {
        try q.validate()
        let (sql, args) = q.sql(maxSegmentNs: maxSegmentNs)
        return try read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: args)
            return try Self.segments(rows, db)
        }
    }

    /// The segment with id `id`, or nil.
    public func segment(id: String) throws(CatalogError) -> CatalogSegment? {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.id, s.uid, (SELECT path FROM sources WHERE id = s.source_id) AS path, s.seg_index, s.start_ns, s.end_ns,
                       s.tier, s.in_pretrain, s.rarity, s.percentile, s.features
                FROM segments s WHERE s.uid = ?
                """, arguments: [id])
            return try Self.segments(rows, db).first
        }
    }

    /// Every detected event once (the catalog holds a row per segment it overlaps):
    /// source path, name, start, end, confidence and facts (a JSON object), in source and
    /// time order.
    public func distinctEvents() throws(CatalogError)
        -> [(source: String, name: String, startNs: Int64, endNs: Int64, confidence: Double, facts: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT src.path AS path, e.name AS name, e.start_ns AS start_ns, e.end_ns AS end_ns,
                       MAX(e.confidence) AS confidence, MIN(e.facts) AS facts
                FROM events e JOIN segments s ON s.id = e.segment_id JOIN sources src ON src.id = s.source_id
                GROUP BY src.path, e.name, e.start_ns, e.end_ns
                ORDER BY src.path, e.start_ns, e.name, e.end_ns
                """).map { r in
                    let t = "events"
                    return (try r.value("path", t), try r.value("name", t), try r.value("start_ns", t), try r.value("end_ns", t),
                            try r.value("confidence", t), try r.value("facts", t))
                }
        }
    }

    /// Every source, in path order.
    public func sources() throws(CatalogError) -> [CatalogSource] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY path").map { r in
                let t = "sources"
                // abs_path and rel_path are absent from catalogs written before they were kept.
                return CatalogSource(path: try r.value("path", t), size: try r.value("size", t), contentHash: try r.value("content_hash", t),
                                     status: try r.value("status", t), error: try r.value("error", t), profile: try r.value("profile", t),
                                     messages: try r.value("messages", t), bytes: try r.value("bytes", t),
                                     absolutePath: r.hasColumn("abs_path") ? try r.value("abs_path", t) : nil,
                                     relativePath: r.hasColumn("rel_path") ? try r.value("rel_path", t) : nil)
            }
        }
    }

    /// Every run, oldest first.
    public func runs() throws(CatalogError) -> [CatalogRun] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map { r in
                let t = "runs"
                return CatalogRun(version: try r.value("version", t), profile: try r.value("profile", t), flags: try r.value("flags", t),
                                  startedAt: try r.value("started_at", t), endedAt: try r.value("ended_at", t))
            }
        }
    }

    /// The query plan SQLite chooses for `q` (for tests and `--explain`-style checks).
    public func plan(_ q: CatalogQuery) throws(CatalogError) -> [String] {
        let (sql, args) = q.sql(maxSegmentNs: maxSegmentNs)
        return try read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: args).map { try $0.value("detail", "plan") } }
    }

    /// The longest segment (ns), from the catalog's meta table.
    var maxSegmentNs: Int64 {
        (try? read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'max_segment_ns'").flatMap { Int64($0) } }) ?? .max
    }

    func read<T>(_ body: (Database) throws -> T) throws(CatalogError) -> T {
        do { return try queue.read(body) } catch let e as CatalogError { throw e } catch let d as DamagedRow {
            throw CatalogError(path: path, .damagedRow(table: d.table, id: d.id, column: d.column))
        } catch {
            throw CatalogError(path: path, .database("\(error)"))
        }
    }

    static func segments(_ rows: [Row], _ db: Database) throws -> [CatalogSegment] {
        let t = "segments"
        var out = try rows.map { r in
            CatalogSegment(id: try r.value("uid", t), source: try r.value("path", t), index: try r.value("seg_index", t),
                           startNs: try r.value("start_ns", t), endNs: try r.value("end_ns", t), tier: try r.value("tier", t),
                           inPretrain: try r.value("in_pretrain", t), rarity: try r.value("rarity", t),
                           percentile: try r.value("percentile", t), features: try r.value("features", t), events: [])
        }
        let rowIDs: [Int64] = try rows.map { try $0.value("id", t) }
        var position: [Int64: Int] = [:]
        for (i, id) in rowIDs.enumerated() { position[id] = i }
        // Events in batches (SQLite limits the number of bound values).
        var k = 0
        while k < rowIDs.count {
            let batch = Array(rowIDs[k..<min(rowIDs.count, k + 500)])
            let sql = "SELECT segment_id, name, kind, confidence, start_ns, end_ns, facts FROM events WHERE segment_id IN ("
                + batch.map { _ in "?" }.joined(separator: ",") + ") ORDER BY segment_id, start_ns, name"
            for r in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(batch)) {
                let e = "events"
                guard let i = position[try r.value("segment_id", e) as Int64] else { continue }
                out[i].events.append(CatalogEvent(name: try r.value("name", e), kind: try r.value("kind", e), confidence: try r.value("confidence", e),
                                                  startNs: try r.value("start_ns", e), endNs: try r.value("end_ns", e), facts: try r.value("facts", e)))
            }
            k += 500
        }
        return out
    }
}

/// A column that did not decode (NULL, or of the wrong type), with where it was.
struct DamagedRow: Error {
    let table: String, id: String, column: String
}

extension Row {
    /// Column `column` of a row of `table`, decoded with `try`: a damaged row is a
    /// `DamagedRow` naming the table, the row's id and the column, never a trap.
    func value<T: DatabaseValueConvertible>(_ column: String, _ table: String) throws -> T {
        do { return try decode(T.self, forColumn: column) } catch {
            let id = (self["uid"] ?? self["id"]).map { "\($0.databaseValue)" } ?? "?"
            throw DamagedRow(table: table, id: id, column: column)
        }
    }
}
