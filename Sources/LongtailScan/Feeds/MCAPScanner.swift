#if canImport(Glibc)
import Glibc
#endif
import LongtailCore
import LongtailSupport
import LongtailMCAP

/// Scans one MCAP file with a profile: decodes only the fields the profile maps, straight
/// into columns, and feeds the scan engine. Streams: memory stays bounded.
struct MCAPScanner {
    let profile: Profile
    let path: String
    var pretrainHz: Double? = nil
    /// Decompress on a second thread (when the batch has a core to spare).
    var pipelined = false
    /// Fed every byte as the file is read (its content hash without a second read).
    var digest: ContentDigest? = nil

    func scan(dryRun: Bool = false) throws(MCAPError) -> SourceScan {
        var scan = SourceScan(id: SourceID(file: path))
        let engine = ScanEngine(profile: profile, source: path, pretrainHz: pretrainHz)
        let table = FeedTable(profile: profile, engine: engine)
        // A dry run needs only channels and schemas: from the summary when the file has one.
        if !(dryRun && table.addFromSummary(path)) {
            let loop = RecordLoop(table: table, engine: engine, path: path, dryRun: dryRun)
            defer { loop.release() }
            do throws(MCAPError) {
                var options = MCAPReadOptions()
                if let digest { options.onRead = { digest.update(at: $0, $1) } }
                if pipelined {   // with a spare core, a second thread reads and decompresses chunks ahead
                    try MCAPPipelinedReader.forEachRecord(inFile: path, options: options, loop.body)
                } else {
                    try MCAPStreamReader.forEachRecord(inFile: path, options: options, loop.body)
                }
            } catch {
                // A file damaged part way (a recorder that crashed, a cut copy) still gives
                // what came before the damage, said in a warning; one with nothing before it
                // is an error.
                guard Self.isDamage(error), loop.messages > 0 else { throw error }
                let at = "from byte \(error.offset)\(error.chunkOffset.map { " (+\($0) in a chunk)" } ?? "")"
                scan.damage = "\(at): \(error.reason)"
                scan.warnings.append("the file is damaged \(at) on (\(error.reason)): scanned the \(loop.messages) messages before it")
            }
            if loop.undecodable > 0, let first = loop.firstUndecodable {
                scan.warnings.append("\(loop.undecodable) messages did not decode and were skipped (the first at byte \(first.offset): \(first.detail))")
            }
            table.messages = loop.messages
            scan.bytes = loop.bytes
        }
        table.finish(&scan, dryRun: dryRun)
        return scan
    }

    /// Errors that mean the bytes are damaged from some point on (not a file Longtail cannot read at all).
    static func isDamage(_ e: MCAPError) -> Bool {
        switch e.reason {
        case .truncated, .lengthExceedsFile, .recordTooLarge, .malformedRecord, .crcMismatch, .decompressionFailed,
             .chunkTooLarge, .unexpectedRecord, .invalidSummary, .unknownChannel: true
        case .badMagic: e.offset > 0   // the closing magic: the data before it is whole
        default: false
        }
    }

    /// The record loop: per message, only constants and fixed pointers are touched, so
    /// holding it in a closure value costs no run-time exclusivity checks per message.
    final class RecordLoop {
        let body: (RawRecord) throws(MCAPError) -> Void
        private let counters: UnsafeMutablePointer<UInt64>   // messages, bytes, last drain time, undecodable
        var messages: UInt64 { counters[0] }
        var bytes: UInt64 { counters[1] }
        var undecodable: UInt64 { counters[3] }
        /// The first message that did not decode: where, and why.
        var firstUndecodable: (offset: UInt64, detail: String)? { first.value }

        init(table: FeedTable, engine: ScanEngine, path: String, dryRun: Bool) {
            let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 4)
            counters.initialize(repeating: 0, count: 4)
            self.counters = counters
            let feeds = table.slots
            let first = FirstFailure()
            self.first = first
            body = { (raw: RawRecord) throws(MCAPError) in
                switch raw.opcode {
                case Opcode.message:
                    let m = try raw.messageView()
                    counters[0] &+= 1
                    guard let slot = feeds[Int(m.channelID)] else { return }
                    if dryRun { return }
                    do throws(CDRError) { try slot.deliver(m.data, logTime: m.logTime, engine, counters) } catch {
                        // One message that does not fit its schema is skipped and counted, not the file.
                        counters[3] &+= 1
                        if first.value == nil { first.value = (raw.offset, "\(error)") }
                    }
                case Opcode.schema:
                    if case .schema(let s) = try raw.parse() { table.schemas[s.id] = s }
                case Opcode.channel:
                    if case .channel(let c) = try raw.parse() { table.add(c) }
                default: break
                }
            }
        }

        private let first: FirstFailure
        final class FirstFailure { var value: (offset: UInt64, detail: String)? }

        /// Frees the counters (the loop is not used after).
        func release() { counters.deallocate() }

    }

    /// One message's actor list from the ragged columns.
    static func actors(_ a: ActorColumns, _ r: RaggedColumns) -> [ActorObservation] {
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
        let yaws = a.yaw.map { r.row(0, column: $0.column) }
        var out: [ActorObservation] = []
        out.reserveCapacity(n)
        let base = xs.startIndex
        for i in 0..<n {
            func at(_ s: UnsafeBufferPointer<Double>?) -> Double? { guard let s, s.count == n else { return nil }; return s[i] }
            // NaN: no heading mapped (the detectors then take it from the ground velocity).
            var heading = Double.nan
            if let q {
                let x = q.0[i], y = q.1[i], z = q.2[i], w = q.3[i]
                heading = atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
            } else if let yaw = a.yaw, let raw = at(yaws) {
                heading = raw * yaw.scale + yaw.offset
            }
            var vx = vxs[base + i], vy = at(vys) ?? 0
            // "ego" needs nothing; "relative" is made absolute by the engine, which knows the ego speed.
            if a.objectFrame && heading.isFinite {
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
