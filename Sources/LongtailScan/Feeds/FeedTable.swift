import LongtailCore
import LongtailMCAP
import LongtailSupport

/// The channels of one file (MCAP channels or bag connections) as a record loop sees
/// them: channel id → feed in a fixed table (unowned: the strong references live in
/// `keep`, so looking a feed up per message retains nothing), and what was found or
/// skipped, for the scan's record.
final class FeedTable {
    let profile: Profile
    let engine: ScanEngine
    let slots: UnsafeMutablePointer<MCAPScanner.FeedSlot?>
    private var keep: [MCAPScanner.ChannelFeed] = []
    var schemas: [UInt16: Schema] = [:]
    private var seen = Set<UInt32>()
    var found: [String: String] = [:]
    var warnings: [String] = []
    var topics: [String] = []
    var actorsFound = false
    var messages: UInt64 = 0

    init(profile: Profile, engine: ScanEngine) {
        self.profile = profile
        self.engine = engine
        slots = .allocate(capacity: 65536)
        slots.initialize(repeating: nil, count: 65536)
    }

    deinit { slots.deinitialize(count: 65536); slots.deallocate() }

    /// Channels and schemas from the file's summary; false when it has none.
    func addFromSummary(_ path: String) -> Bool {
        guard let index = try? MCAPIndexedReader(path: path), index.usedFileSummary, !index.summary.channels.isEmpty else { return false }
        schemas = index.summary.schemas
        for id in index.summary.channels.keys.sorted() { add(index.summary.channels[id]!) }
        messages = index.summary.statistics?.messageCount ?? 0
        return true
    }

    /// A channel record: its feed, the first time the channel is seen.
    func add(_ c: Channel) {
        add(id: UInt32(c.id), topic: c.topic, encoding: c.messageEncoding,
            schema: schemas[c.schemaID].map { ChannelMapping.SchemaText(name: $0.name, encoding: $0.encoding, data: $0.data) })
    }

    /// A channel of any format: its feed, the first time its id is seen. Ids past the
    /// table (65 536 channels) are skipped with a warning.
    func add(id: UInt32, topic: String, encoding: String, schema: ChannelMapping.SchemaText?) {
        guard id < 65536 else {
            warnings.append("topic \(topic): channel id \(id) is past the 65 536 a scan follows; its signals are skipped")
            return
        }
        guard seen.insert(id).inserted else { return }
        topics.append("\(topic) [\(schema?.name ?? encoding)]")
        guard let made = ChannelMapping.make(profile, topic: topic, encoding: encoding, schema: schema, actors: true) else { return }
        let mapping: ChannelMapping
        switch made {
        case .failure(let skipped): warnings.append(skipped.warning); return
        case .success(let m): mapping = m
        }
        warnings += mapping.warnings
        let feed = MCAPScanner.ChannelFeed(mapping)
        feed.topic = topic
        for s in mapping.signals { found[profile.signals[s.index].name] = s.from }
        if mapping.actors != nil {
            actorsFound = true
            found["actors"] = topic
        }
        feed.seal(plan: mapping.plan, names: mapping.extractor.scalarNames, stampNames: mapping.stampNames, place: engine.resampler.place(of:))
        if !feed.signals.isEmpty || feed.actors != nil {
            keep.append(feed)
            slots[Int(id)] = MCAPScanner.FeedSlot(feed: feed)
        }
    }

    /// What the scan found and missed, then the engine's results (a dry run stops at the
    /// detectors each file would disable).
    func finish(_ scan: inout SourceScan, dryRun: Bool) {
        scan.messages = Int(messages)
        scan.found = found
        scan.warnings = warnings + scan.warnings + StampClock.warnings(keep.filter { $0.stamp != nil }.map { ($0.topic, $0.clock) })
        scan.topics = topics
        var have = Set(found.keys)
        if actorsFound { have.insert("actors") }
        scan.missing = (profile.signals.map(\.name) + (profile.actors != nil ? ["actors"] : [])).filter { !have.contains($0) }
        if dryRun {
            scan.disabled = EventTable.disabled(in: profile.domain, available: have)
            return
        }
        engine.finish(into: &scan, available: have)
    }
}
