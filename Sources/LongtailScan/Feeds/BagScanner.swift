import LongtailBag
import LongtailCore
import LongtailMCAP
import LongtailSupport

/// Scans one ROS 1 bag with a profile: each connection mapped like an MCAP channel with
/// `ros1` encoding (`ChannelMapping`), each message decoded straight into columns, chunks
/// decompressed one at a time. The same profile serves a bag and its MCAP conversion.
struct BagScanner {
    let profile: Profile
    let path: String
    var pretrainHz: Double? = nil

    func scan(dryRun: Bool = false) throws(BagError) -> SourceScan {
        var scan = SourceScan(id: SourceID(file: path))
        let engine = ScanEngine(profile: profile, source: path, pretrainHz: pretrainHz)
        let table = FeedTable(profile: profile, engine: engine)
        let reader = try BagReader(path: path)
        if dryRun {
            // A dry run needs only the connections: from the index when the bag has one.
            let index = try reader.index()
            for c in index.connections.values.sorted(by: { $0.id < $1.id }) { Self.add(c, to: table) }
            table.messages = index.messageCount
        } else {
            let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)   // messages, bytes, last drain time
            counters.initialize(repeating: 0, count: 3)
            defer { counters.deallocate() }
            let slots = table.slots
            var undecodable = 0, first: (UInt64, String)?
            do throws(BagError) {
                try reader.forEach { (event) throws(BagError) in
                    switch event {
                    case .message(let m):
                        counters[0] &+= 1
                        guard m.connection < 65536, let slot = slots[Int(m.connection)] else { return }
                        // One message that does not fit its definition is skipped and counted.
                        do throws(CDRError) { try slot.deliver(m.data, logTime: m.timeNs, engine, counters) } catch {
                            undecodable += 1
                            if first == nil { first = (m.offset, "\(error)") }
                        }
                    case .connection(let c): Self.add(c, to: table)
                    }
                }
            } catch {
                // Damaged part way (a recorder that crashed): what came before is kept.
                guard counters[0] > 0, !Self.isIO(error) else { throw error }
                scan.damage = "from byte \(error.offset): \(error)"
                scan.warnings.append("the bag is damaged from byte \(error.offset) on (\(error)): scanned the \(counters[0]) messages before it")
            }
            if undecodable > 0, let first {
                scan.warnings.append("\(undecodable) messages did not decode and were skipped (the first at byte \(first.0): \(first.1))")
            }
            table.messages = counters[0]
            scan.bytes = counters[1]
        }
        table.finish(&scan, dryRun: dryRun)
        return scan
    }

    static func isIO(_ e: BagError) -> Bool { if case .io = e.kind { true } else { false } }

    /// A bag connection as a `ros1` channel with its `ros1msg` schema.
    static func add(_ c: BagConnection, to table: FeedTable) {
        table.add(id: c.id, topic: c.topic, encoding: "ros1",
                  schema: ChannelMapping.SchemaText(name: c.type, encoding: "ros1msg", text: c.messageDefinition))
    }
}
