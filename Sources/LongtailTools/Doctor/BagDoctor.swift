import LongtailBag

/// `doctor` for ROS 1 bags: the index (when the recorder wrote one) against every record read.
enum BagDoctor {
    static func examine(path: String) -> Doctor.Report {
        var r = Doctor.Report(path: path, format: "bag")
        let reader: BagReader
        do { reader = try BagReader(path: path) } catch {
            r.add(.error, error.reason, at: error.offset)
            r.summary = "unreadable"
            return r
        }
        var index: BagIndex?, indexError: BagError?
        do { index = try reader.index() } catch { indexError = error }
        if let index, !index.fromIndex { r.add(.warning, index.note ?? "no index") }
        var counts: [UInt32: UInt64] = [:]
        var topics: [UInt32: String] = [:]
        var messages: UInt64 = 0
        var damage: BagError?
        do {
            try reader.forEach { (event) throws(BagError) in
                switch event {
                case .connection(let c): topics[c.id] = c.topic
                case .message(let m): messages += 1; counts[m.connection, default: 0] += 1
                }
            }
        } catch { damage = error }
        if let e = damage {
            r.add(.error, "\(e.reason)\(e.chunkOffset.map { " (at byte \($0) of the chunk's data)" } ?? ""); the \(messages) messages before it are readable", at: e.offset)
        }
        // The index rebuilt by reading fails where the reading did: said once.
        if let e = indexError, e.offset != damage?.offset {
            r.add(.error, "the index cannot be read or rebuilt: \(e.reason)", at: e.offset)
        }
        if let index, index.fromIndex, damage == nil {
            for (id, n) in index.counts.sorted(by: { $0.key < $1.key }) where counts[id, default: 0] != n {
                r.add(.error, "the index records \(n) messages on connection \(id) (\(topics[id] ?? index.connections[id]?.topic ?? "?")); the chunks hold \(counts[id, default: 0])")
            }
            for (id, n) in counts where index.counts[id] == nil {
                r.add(.error, "\(n) messages on connection \(id) (\(topics[id] ?? "?")) that the index does not list")
            }
        }
        r.summary = "\(messages) messages on \(topics.count) connections, \(index?.chunks.count ?? 0) chunks"
            + ((index?.compressions.isEmpty ?? true) ? "" : " (" + index!.compressions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        return r
    }
}
