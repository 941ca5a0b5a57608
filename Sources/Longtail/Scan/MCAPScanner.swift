#if canImport(Glibc)
import Glibc
#endif
import LongtailCore
import LongtailMCAP

/// Scans one MCAP file with a profile: decodes only the fields the profile maps, straight
/// into columns, and feeds the scan engine. Streams: memory stays bounded.
struct MCAPScanner {
    let profile: Profile
    let path: String
    var pretrainHz: Double? = nil
    /// Decompress on a second thread (when the batch has a core to spare).
    var pipelined = false

    /// `*` matches any run of characters.
    static func matches(_ pattern: String, _ topic: String) -> Bool {
        guard pattern.contains("*") else { return pattern == topic }
        return fnmatch(pattern, topic, 0) == 0
    }

    func scan(dryRun: Bool = false) throws(MCAPError) -> SourceScan {
        var scan = SourceScan(source: path)
        var schemas: [UInt16: Schema] = [:]
        // Per-message state lives in memory the record closure reaches through constant
        // pointers: variables shared with `makeFeed` would be boxed and checked at run time.
        // Channel id → feed, unowned: the strong references live in `keep`, so looking a
        // feed up per message retains nothing.
        var keep: [ChannelFeed] = []
        let feeds = UnsafeMutablePointer<FeedSlot?>.allocate(capacity: 65536)
        feeds.initialize(repeating: nil, count: 65536)
        defer { feeds.deinitialize(count: 65536); feeds.deallocate(); withExtendedLifetime(keep) {} }
        let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)   // messages, bytes, last drain time
        counters.initialize(repeating: 0, count: 3)
        defer { counters.deallocate() }
        var seen = Set<UInt16>()
        var found: [String: String] = [:]
        var actorsFound = false
        let engine = ScanEngine(profile: profile, source: path, pretrainHz: pretrainHz)

        func makeFeed(_ c: Channel) {
            let wanted = profile.signals.enumerated().filter { Self.matches($0.element.topic ?? "\u{0}", c.topic) }
            let actorSpec = profile.actors.flatMap { Self.matches($0.topic, c.topic) ? $0 : nil }
            guard !wanted.isEmpty || actorSpec != nil else { return }
            guard c.messageEncoding == "cdr", let s = schemas[c.schemaID], s.encoding == "ros2msg" else {
                scan.warnings.append("topic \(c.topic): encoding \(c.messageEncoding) with schema \(schemas[c.schemaID]?.encoding ?? "none") is not ROS 2 CDR; its signals are skipped")
                return
            }
            let plan: CDRPlan
            do throws(ROS2SchemaError) {
                plan = try CDRPlan(ros2msgNamed: s.name, text: String(decoding: s.data, as: UTF8.self))
            } catch {
                scan.warnings.append("topic \(c.topic): schema \(s.name) does not parse (\(error)); its signals are skipped")
                return
            }
            var names = Set<String>()
            for (_, spec) in wanted {
                names.formUnion(spec.fieldList)
                if let st = spec.stamp { names.insert(st + ".sec"); names.insert(st + ".nanosec") }
            }
            if let a = actorSpec {
                names.formUnion(a.fieldList)
                if let st = a.stamp { names.insert(st + ".sec"); names.insert(st + ".nanosec") }
            }
            let x = CDRColumnExtractor(plan: plan, keeping: { names.contains($0) })
            let feed = ChannelFeed(x)
            let scalar = Dictionary(x.scalarNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let raggedIndex = Dictionary(x.raggedNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for (i, spec) in wanted {
                let cols = spec.fieldList.map { scalar[$0] }
                if let bad = zip(spec.fieldList, cols).first(where: { $0.1 == nil }) {
                    scan.warnings.append("signal \(spec.name): topic \(c.topic) (\(s.name)) has no field '\(bad.0)'")
                    continue
                }
                if let st = spec.stamp {
                    guard let sec = scalar[st + ".sec"], let nsec = scalar[st + ".nanosec"] else {
                        scan.warnings.append("signal \(spec.name): topic \(c.topic) has no stamp '\(st)'; using log time")
                        feed.signals.append((i, cols.map { $0! }, spec.combiner()))
                        found[spec.name] = "\(c.topic) \(spec.fieldList.joined(separator: ","))"
                        continue
                    }
                    feed.stamp = (sec, nsec)
                }
                feed.signals.append((i, cols.map { $0! }, spec.combiner()))
                found[spec.name] = "\(c.topic) \(spec.fieldList.joined(separator: ","))"
            }
            if let a = actorSpec {
                func col(_ f: String?) -> Int?? { f.map { raggedIndex[$0] } }
                let required = [a.id, a.x, a.y, a.vx]
                if let miss = required.first(where: { raggedIndex[$0] == nil }) {
                    scan.warnings.append("actors: topic \(c.topic) (\(s.name)) has no sequence field '\(miss)'")
                } else {
                    let orientation = a.orientation?.compactMap { raggedIndex[$0] }
                    feed.actors = ActorColumns(id: raggedIndex[a.id]!, cls: a.class.flatMap { raggedIndex[$0] }, x: raggedIndex[a.x]!,
                                               y: raggedIndex[a.y]!, vx: raggedIndex[a.vx]!, vy: a.vy.flatMap { raggedIndex[$0] },
                                               orientation: orientation?.count == 4 ? orientation : nil,
                                               length: a.length.flatMap { raggedIndex[$0] }, objectFrame: a.velocityFrame == "object",
                                               classes: Dictionary((a.classes ?? [:]).compactMap { k, v in
                                                   Int(k).flatMap { id in ActorClass(rawValue: v).map { (id, $0) } }
                                               }, uniquingKeysWith: { x, _ in x }))
                    if let st = a.stamp, let sec = scalar[st + ".sec"], let nsec = scalar[st + ".nanosec"] { feed.stamp = (sec, nsec) }
                    actorsFound = true
                    found["actors"] = c.topic
                }
            }
            let stampField = wanted.compactMap(\.element.stamp).first
            feed.seal(plan: plan, names: x.scalarNames, stampNames: stampField.map { ($0 + ".sec", $0 + ".nanosec") },
                      place: engine.resampler.place(of:))
            if !feed.signals.isEmpty || feed.actors != nil {
                keep.append(feed)
                feeds[Int(c.id)] = FeedSlot(feed: feed)
            }
        }

        // A dry run needs only channels and schemas: from the summary when the file has one.
        var fromSummary = false
        if dryRun, let index = try? MCAPIndexedReader(path: path), index.usedFileSummary, !index.summary.channels.isEmpty {
            schemas = index.summary.schemas
            for id in index.summary.channels.keys.sorted() where !seen.contains(id) {
                seen.insert(id)
                makeFeed(index.summary.channels[id]!)
            }
            counters[0] = index.summary.statistics?.messageCount ?? 0
            fromSummary = true
        }
        if !fromSummary {
            // The record loop's per-message path touches only constants and fixed pointers, so
            // holding it in a closure value costs no run-time exclusivity checks per message.
            let body = { (raw: RawRecord) throws(MCAPError) in
                switch raw.opcode {
                case Opcode.message:
                    let m = try raw.messageView()
                    counters[0] &+= 1
                    guard let slot = feeds[Int(m.channelID)] else { return }
                    if dryRun { return }
                    counters[1] &+= UInt64(m.data.count)
                    if let fast = slot.fast {
                        let data = m.data, logTime = m.logTime
                        switch fast._withUnsafeGuaranteedRef({ $0.feed(data, logTime: logTime, into: engine) }) {
                        case .sampled(let t):
                            if t > counters[2] &+ 1_000_000_000 { engine.drain(final: false); counters[2] = UInt64(max(0, t)) }
                            return
                        case .failed(let error):
                            throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "data", detail: "\(error)"),
                                            offset: raw.offset, chunkOffset: raw.chunkOffset, file: path)
                        case .general:
                            break
                        }
                    }
                    let feed = slot.feed
                    do throws(CDRError) {
                        try feed.extractor.extract(m.data, timestamp: Int64(m.logTime), into: feed.block, ragged: feed.ragged)
                    } catch {
                        throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "data", detail: "\(error)"),
                                        offset: raw.offset, chunkOffset: raw.chunkOffset, file: path)
                    }
                    let block = feed.block
                    var t = Int64(m.logTime)
                    if let (s, n) = feed.stamp { t = Int64(block.column(s)[0]) * 1_000_000_000 + Int64(block.column(n)[0]) }
                    let storage = block.storage, stride = block.capacity
                    for (signal, col) in feed.direct { engine.add(signal: Int(signal), t, storage[Int(col) * stride]) }
                    for (signal, cols, combiner) in feed.combined {
                        engine.add(signal: signal, t, combiner.value { storage[cols[$0] * stride] })
                    }
                    block.reset()
                    if let a = feed.actors, let r = feed.ragged {
                        engine.add(actorsAt: t, actors(a, r))
                        r.reset()
                    }
                    if t > counters[2] &+ 1_000_000_000 { engine.drain(final: false); counters[2] = UInt64(max(0, t)) }
                case Opcode.schema:
                    if case .schema(let s) = try raw.parse() { schemas[s.id] = s }
                case Opcode.channel:
                    if case .channel(let c) = try raw.parse(), !seen.contains(c.id) {
                        seen.insert(c.id)
                        makeFeed(c)
                    }
                default: break
                }
            }
            // With a spare core, a second thread reads and decompresses chunks ahead.
            if pipelined { try MCAPPipelinedReader.forEachRecord(inFile: path, body) } else { try MCAPStreamReader.forEachRecord(inFile: path, body) }
        }
        scan.messages = Int(counters[0])
        scan.bytes = counters[1]
        scan.found = found
        var have = Set(found.keys)
        if actorsFound { have.insert("actors") }
        scan.missing = (profile.signals.map(\.name) + (profile.actors != nil ? ["actors"] : [])).filter { !have.contains($0) }
        if dryRun {
            scan.disabled = profile.domain == .driving ? DrivingDetector.disabled(available: have) : RobotDetector.disabled(available: have)
            return scan
        }
        engine.finish(into: &scan, available: have)
        return scan
    }

    /// One message's actor list from the ragged columns.
    func actors(_ a: ActorColumns, _ r: RaggedColumns) -> [ActorObservation] {
        let ids = r.row(0, column: a.id), xs = r.row(0, column: a.x), ys = r.row(0, column: a.y), vxs = r.row(0, column: a.vx)
        let n = ids.count
        guard xs.count == n, ys.count == n, vxs.count == n else { return [] }
        let cls = a.cls.map { r.row(0, column: $0) }
        let vys = a.vy.map { r.row(0, column: $0) }
        let lengths = a.length.map { r.row(0, column: $0) }
        // The orientation quaternion's four columns, when all are there with one value per actor.
        let q = a.orientation.flatMap { o -> (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>)? in
            let (qx, qy, qz, qw) = (r.row(0, column: o[0]), r.row(0, column: o[1]), r.row(0, column: o[2]), r.row(0, column: o[3]))
            return qx.count == n && qy.count == n && qz.count == n && qw.count == n ? (qx, qy, qz, qw) : nil
        }
        var out: [ActorObservation] = []
        out.reserveCapacity(n)
        let base = xs.startIndex
        for i in 0..<n {
            func at(_ s: UnsafeBufferPointer<Double>?) -> Double? { guard let s, s.count == n else { return nil }; return s[i] }
            var heading = 0.0
            if let q {
                let x = q.0[i], y = q.1[i], z = q.2[i], w = q.3[i]
                heading = atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
            }
            var vx = vxs[base + i], vy = at(vys) ?? 0
            // "ego" needs nothing; "relative" is made absolute by the engine, which knows the ego speed.
            if a.objectFrame {
                let c = cos(heading), s = sin(heading)
                (vx, vy) = (vx * c - vy * s, vx * s + vy * c)
            }
            let cls = at(cls).map { a.cls(of: $0) } ?? .unknown
            out.append(ActorObservation(id: Int(ids[ids.startIndex + i]), cls: cls,
                                        x: xs[base + i], y: ys[ys.startIndex + i], vx: vx, vy: vy, heading: heading,
                                        length: at(lengths) ?? 0))
        }
        return out
    }
}
