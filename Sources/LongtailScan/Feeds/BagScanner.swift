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
            try reader.forEach { (event) throws(BagError) in
                switch event {
                case .message(let m):
                    counters[0] &+= 1
                    guard m.connection < 65536, let slot = slots[Int(m.connection)] else { return }
                    do throws(CDRError) { try slot.deliver(m.data, logTime: m.timeNs, engine, counters) } catch {
                        throw BagError(.malformed(what: "message on connection \(m.connection)", detail: "\(error)"),
                                       offset: m.offset, chunkOffset: m.chunkOffset, file: path)
                    }
                case .connection(let c): Self.add(c, to: table)
                }
            }
            table.messages = counters[0]
            scan.bytes = counters[1]
        }
        table.finish(&scan, dryRun: dryRun)
        return scan
    }

    /// A bag connection as a `ros1` channel with its `ros1msg` schema.
    static func add(_ c: BagConnection, to table: FeedTable) {
        table.add(id: c.id, topic: c.topic, encoding: "ros1",
                  schema: ChannelMapping.SchemaText(name: c.type, encoding: "ros1msg", text: c.messageDefinition))
    }
}
