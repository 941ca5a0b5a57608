import LongtailCore
import LongtailSupport
import LongtailMCAP

extension MCAPScanner {
    /// A channel's feed as the record loop sees it: references that do not retain (the
    /// scanner keeps the feeds alive), so a message costs no reference counting.
    struct FeedSlot {
        unowned(unsafe) let feed: ChannelFeed
        let fast: Unmanaged<FastPath>?

        init(feed: ChannelFeed) {
            self.feed = feed
            fast = feed.fast.map { Unmanaged.passUnretained($0) }
        }

        /// One message's payload into the engine: through the fast path when it takes it,
        /// else through the extractor; the engine drains once a second of data arrived.
        /// `counters`: [messages, bytes, last drain time].
        @inline(__always)
        func deliver(_ data: UnsafeRawBufferPointer, logTime: UInt64, _ engine: ScanEngine,
                     _ counters: UnsafeMutablePointer<UInt64>) throws(CDRError) {
            counters[1] &+= UInt64(data.count)
            // A log time of 2^63 ns or more (year 2262+) is legal in the format but no time: dropped.
            guard logTime <= UInt64(Int64.max) else { return }
            let t: Int64
            if let fast, case let outcome = fast._withUnsafeGuaranteedRef({ $0.feed(data, logTime: logTime, into: engine) }),
               !outcome.isGeneral {
                switch outcome {
                case .sampled(let at): t = at
                case .failed(let error): throw error
                case .general: return
                }
            } else {
                t = try feed.feedGeneral(data, logTime: logTime, into: engine)
            }
            if t > counters[2] &+ 1_000_000_000 { engine.drain(final: false); counters[2] = UInt64(max(0, t)) }
            // One message in 64 (of all channels): how far its stamp lies from its log time.
            if counters[0] & 63 == 0, feed.stamp != nil { feed.clock.add(logTime: Int64(logTime), stamp: t) }
        }
    }

    /// A message's sample time: its `header.stamp` (seconds and nanoseconds, as decoded)
    /// when that is a time at all, else its log time. A stamp that is not finite, negative,
    /// or past 2106 (a corrupted or unset field) must not become a conversion trap.
    @inline(__always)
    static func sampleTime(sec: Double, nanosec: Double, logTime: Int64) -> Int64 {
        guard sec >= 0, sec < 4_354_000_000, nanosec >= 0, nanosec < 4_294_967_296 else { return logTime }
        return Int64(sec) * 1_000_000_000 + Int64(nanosec)
    }

    /// What the fast path made of one message.
    enum FastOutcome {
        case sampled(Int64)
        case general       // not little-endian XCDR1: use the extractor
        case failed(CDRError)

        var isGeneral: Bool { if case .general = self { true } else { false } }
    }

    /// What one channel feeds: profile signals (each from its input columns) and/or actor lists.
    final class ChannelFeed {
        let extractor: ChannelMapping.Extractor
        let block: ColumnBlock
        let ragged: RaggedColumns?
        /// (signal index in the profile, its input column indexes, its arithmetic).
        var signals: [(Int, [Int], Combiner)] = []
        /// Stamp columns (sec, nanosec), when the profile asks for header times.
        var stamp: (Int, Int)?
        /// Fast path: signals that copy one input column unchanged (signal, column).
        var direct: [(Int32, Int32)] = []
        /// Signals that need their combiner (weights, yaw, map, scale, offset).
        var combined: [(Int, [Int], Combiner)] = []

        /// The fixed-offset path, when the schema allows it.
        var fast: FastPath?
        /// Sampled offsets of the messages' stamps from their log times.
        var clock = StampClock()
        /// The channel's topic, for what the scan says about it.
        var topic = ""

        /// Splits `signals` into the two paths, once the feed is complete; `names` are the
        /// scalar column names the extractor was compiled with, `place` says where each
        /// signal goes in the resampler.
        func seal(plan: CDRPlan?, names: [String], stampNames: (String, String)?,
                  place: (Int) -> (queue: Int, column: Int, unwraps: Bool)) {
            for (signal, cols, c) in signals {
                if c.isIdentity { direct.append((Int32(signal), Int32(cols[0]))) } else { combined.append((signal, cols, c)) }
            }
            let wanted = Array(Set(signals.flatMap { $0.1.map { names[$0] } } + [stampNames?.0, stampNames?.1].compactMap { $0 })).sorted()
            guard actors == nil, !wanted.isEmpty, let plan, let reader = CDRFieldReader(plan: plan, fields: wanted) else { return }
            let at = Dictionary(uniqueKeysWithValues: wanted.enumerated().map { ($1, $0) })
            var direct: [(Int32, Int32)] = [], combined: [(Int, [Int], Combiner)] = []
            var rows: [FastPath.Row] = []
            for (signal, cols, c) in signals {
                let idx = cols.map { at[names[$0]]! }
                let p = place(signal)
                if p.unwraps {   // unwrapping keeps per-sample state: one sample at a time
                    if c.isIdentity { direct.append((Int32(signal), Int32(idx[0]))) } else { combined.append((signal, idx, c)) }
                    continue
                }
                let r = rows.firstIndex { $0.queue == p.queue } ?? { rows.append(FastPath.Row(queue: p.queue)); return rows.count - 1 }()
                rows[r].mask |= 1 << UInt64(p.column)
                if c.isIdentity { rows[r].direct.append((Int32(p.column), Int32(idx[0]))) } else { rows[r].combined.append((p.column, idx, c)) }
            }
            let stampAt = stampNames.flatMap { s, n in stamp != nil ? (at[s]!, at[n]!) : nil }
            fast = FastPath(reader: reader, count: wanted.count, stamp: stampAt, rows: rows, direct: direct, combined: combined)
        }
        var actors: ActorColumns?

        /// The feed of a channel's mapping (signals, stamp and actors as mapped).
        init(_ m: ChannelMapping) {
            extractor = m.extractor
            block = ColumnBlock(names: m.extractor.scalarNames, capacity: 1)
            ragged = m.extractor.raggedNames.isEmpty ? nil : RaggedColumns(names: m.extractor.raggedNames)
            signals = m.signals.map { ($0.index, $0.columns, $0.combiner) }
            stamp = m.stamp
            actors = m.actors
        }

        /// A message the fast path does not take: decoded whole by the extractor, its
        /// samples and actor list handed to `engine`. Returns the sample time.
        func feedGeneral(_ data: UnsafeRawBufferPointer, logTime: UInt64, into engine: ScanEngine) throws(CDRError) -> Int64 {
            try extractor.extract(data, timestamp: Int64(logTime), into: block, ragged: ragged)
            var t = Int64(logTime)
            if let (s, n) = stamp { t = MCAPScanner.sampleTime(sec: block.column(s)[0], nanosec: block.column(n)[0], logTime: t) }
            let storage = block.storage, stride = block.capacity
            for (signal, col) in direct { engine.add(signal: Int(signal), t, storage[Int(col) * stride]) }
            for (signal, cols, combiner) in combined {
                engine.add(signal: signal, t, combiner.value { storage[cols[$0] * stride] })
            }
            block.reset()
            if let a = actors, let r = ragged {
                engine.add(actorsAt: t, MCAPScanner.actors(a, r))
                r.reset()
            }
            return t
        }
    }


    /// Small fixed-shape messages: the wanted fields at fixed offsets (`CDRFieldReader`)
    /// straight into the resampler. Everything it touches per message is a constant of
    /// this object, so the hot loop retains nothing.
    final class FastPath {
        /// The signals of one resampler queue that this topic fills: one row per message.
        struct Row {
            let queue: Int
            var mask: UInt64 = 0
            /// (column in the queue, value read) for values taken as they are.
            var direct: [(Int32, Int32)] = []
            /// (column in the queue, values read, arithmetic).
            var combined: [(Int, [Int], Combiner)] = []
            init(queue: Int) { self.queue = queue }
        }

        let reader: CDRFieldReader
        let values: UnsafeMutablePointer<Double>
        let stamp: (Int, Int)?
        /// Each row's signals that need their arithmetic (rare: enumerations, sums).
        private let rowCombined: [[(Int, [Int], Combiner)]]
        /// The rows' queues, masks and identity columns as fixed buffers: walking Swift
        /// arrays of a class per message would retain and release each of them.
        private let heads: UnsafeMutableBufferPointer<(queue: Int, mask: UInt64, directEnd: Int, combined: Bool)>
        private let rowDirect: UnsafeMutableBufferPointer<(column: Int, value: Int)>
        /// Signals of queues that unwrap angles, added one sample at a time: (signal, value).
        let direct: [(Int32, Int32)]
        let combined: [(Int, [Int], Combiner)]

        init(reader: CDRFieldReader, count: Int, stamp: (Int, Int)?, rows: [Row], direct: [(Int32, Int32)],
             combined: [(Int, [Int], Combiner)]) {
            self.reader = reader; self.stamp = stamp; self.direct = direct; self.combined = combined
            rowCombined = rows.map(\.combined)
            values = .allocate(capacity: max(1, count))
            heads = .allocate(capacity: rows.count)
            rowDirect = .allocate(capacity: rows.reduce(0) { $0 + $1.direct.count })
            var end = 0
            for (k, r) in rows.enumerated() {
                for (c, i) in r.direct { rowDirect[end] = (Int(c), Int(i)); end += 1 }
                heads[k] = (r.queue, r.mask, end, !r.combined.isEmpty)
            }
        }

        deinit { values.deallocate(); heads.deallocate(); rowDirect.deallocate() }

        /// Reads one payload and hands its samples to `engine`.
        @inline(__always)
        func feed(_ payload: UnsafeRawBufferPointer, logTime: UInt64, into engine: ScanEngine) -> FastOutcome {
            do throws(CDRError) {
                guard try reader.read(payload, into: values) else { return .general }
            } catch {
                return .failed(error)
            }
            var t = Int64(logTime)
            if let (s, n) = stamp { t = MCAPScanner.sampleTime(sec: values[s], nanosec: values[n], logTime: t) }
            let resampler = engine.resampler
            var from = 0
            for k in 0..<heads.count {
                let h = heads[k]
                defer { from = h.directEnd }
                guard let row = resampler.row(h.queue, t, columns: h.mask) else { continue }
                for j in from..<h.directEnd { row[rowDirect[j].column] = Float(values[rowDirect[j].value]) }
                if h.combined {
                    for (c, idx, combiner) in rowCombined[k] { row[c] = Float(combiner.value { values[idx[$0]] }) }
                }
            }
            for (signal, i) in direct { engine.add(signal: Int(signal), t, values[Int(i)]) }
            for (signal, idx, combiner) in combined { engine.add(signal: signal, t, combiner.value { values[idx[$0]] }) }
            return .sampled(t)
        }
    }

    /// Ragged column indexes of the actor attributes (a class: handing it around per
    /// message costs one reference count, not one per array inside).
    final class ActorColumns {
        let id: Int, cls: Int?, x: Int, y: Int, vx: Int, vy: Int?, orientation: [Int]?, length: Int?
        /// A scalar heading column and its conversion to radians (`value * scale + offset`).
        let yaw: (column: Int, scale: Double, offset: Double)?
        /// The twist is in the actor's own frame (rotate it by the heading).
        let objectFrame: Bool
        /// Class id → canonical class, from the profile's table (integer ids).
        let classes: [Int: ActorClass]
        /// The same for ids 0…255 as an array: a lookup per actor without hashing.
        private let dense: [ActorClass?]

        init(id: Int, cls: Int?, x: Int, y: Int, vx: Int, vy: Int?, orientation: [Int]?,
             yaw: (column: Int, scale: Double, offset: Double)? = nil, length: Int?, objectFrame: Bool, classes: [Int: ActorClass]) {
            self.id = id; self.cls = cls; self.x = x; self.y = y; self.vx = vx; self.vy = vy; self.orientation = orientation
            self.yaw = yaw
            self.length = length; self.objectFrame = objectFrame; self.classes = classes
            dense = (0..<256).map { classes[$0] }
        }

        /// The class of a raw id (unknown when the table has none).
        @inline(__always) func cls(of raw: Double) -> ActorClass {
            guard raw.isFinite, abs(raw) < 1e9 else { return .unknown }
            let id = Int(raw)
            if id >= 0 && id < 256 { return dense[id] ?? .unknown }
            return classes[id] ?? .unknown
        }
    }

}
