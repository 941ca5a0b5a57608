import LongtailCore
import LongtailHDF5
import LongtailMCAP

/// A source's canonical signals at their native rate and full precision, for given
/// intervals: what the alignment tier and `longtail export --to clip.h5` store. Reads only
/// the chunks that overlap the intervals (MCAP) or the episode's mapped datasets (HDF5).
public enum NativeSignals {
    /// One canonical signal's samples in one interval.
    public struct Series: Sendable, Equatable {
        public var name: String
        /// Where the values came from: `topic field[,field…]` or `dataset[column,…]`.
        public var from: String
        public var scale: Double
        public var offset: Double
        /// The profile's enumeration map (raw value → value) as JSON, when it has one.
        public var map: String?
        public var times: [Int64] = []
        public var values: [Double] = []
    }

    /// Per interval (in the order given), the series of every mapped signal that has
    /// samples in `[start, end)`, in profile order.
    public static func read(source: String, profile: Profile, intervals: [(start: Int64, end: Int64)]) throws -> [[Series]] {
        let parts = source.split(separator: "#", maxSplits: 1).map(String.init)
        let path = parts[0]
        var out: [[Series?]] = intervals.map { _ in profile.signals.map { _ in nil } }
        func add(_ interval: Int, _ signal: Int, from: String, _ t: Int64, _ v: Double) {
            if out[interval][signal] == nil {
                let spec = profile.signals[signal]
                let map = spec.map.map { m in "{" + m.keys.sorted().map { "\"\($0)\":\(m[$0]!)" }.joined(separator: ",") + "}" }
                out[interval][signal] = Series(name: spec.name, from: from, scale: spec.scale ?? 1, offset: spec.offset ?? 0, map: map)
            }
            out[interval][signal]!.times.append(t)
            out[interval][signal]!.values.append(v)
        }
        func containing(_ t: Int64, _ body: (Int) -> Void) {
            for (k, iv) in intervals.enumerated() where t >= iv.start && t < iv.end { body(k) }
        }
        if HDF5File.isHDF5(path: path) {
            let scanner = HDF5Scanner(profile: profile, path: path)
            let file = try HDF5File(path: path)
            let prefix = parts.count > 1 ? (parts[1].hasSuffix("/") ? parts[1] : parts[1] + "/") : ""
            var scan = SourceScan(source: source)
            let samples = try scanner.samples(file, prefix: prefix, t0: try scanner.startTime(file), into: &scan)
            for s in samples {
                let from = scan.found[profile.signals[s.signal].name] ?? ""
                for r in s.times.indices { containing(s.times[r]) { add($0, s.signal, from: from, s.times[r], s.values[r]) } }
            }
        } else {
            try readMCAP(path, profile: profile, intervals: intervals) { signal, from, t, v in
                containing(t) { add($0, signal, from: from, t, v) }
            }
        }
        return out.map { $0.compactMap { $0 } }
    }

    /// A channel's extractor and the profile signals it feeds.
    private final class Feed {
        let extractor: CDRColumnExtractor
        let block: ColumnBlock
        let ragged: RaggedColumns?
        var signals: [(index: Int, columns: [Int], combiner: Combiner, from: String)] = []
        var stamp: (Int, Int)?
        init(_ x: CDRColumnExtractor) {
            extractor = x
            block = ColumnBlock(names: x.scalarNames, capacity: 1)
            ragged = x.raggedNames.isEmpty ? nil : RaggedColumns(names: x.raggedNames)
        }
    }

    /// Every mapped sample of messages logged near the intervals (2 s either side, for
    /// header stamps that differ from log times).
    private static func readMCAP(_ path: String, profile: Profile, intervals: [(start: Int64, end: Int64)],
                                 _ sample: (Int, String, Int64, Double) -> Void) throws {
        let reader = try MCAPIndexedReader(path: path)
        let pad: Int64 = 2_000_000_000
        var ranges: [(Int64, Int64)] = []
        for iv in intervals.sorted(by: { $0.start < $1.start }) {
            let lo = max(0, iv.start - pad), hi = iv.end + pad
            if let last = ranges.last, lo <= last.1 { ranges[ranges.count - 1].1 = max(last.1, hi) } else { ranges.append((lo, hi)) }
        }
        var feeds: [UInt16: Feed?] = [:]
        func feed(for channel: Channel, schema: Schema?) -> Feed? {
            if let f = feeds[channel.id] { return f }
            var made: Feed? = nil
            defer { feeds[channel.id] = made }
            let wanted = profile.signals.enumerated().filter { MCAPScanner.matches($0.element.topic ?? "\u{0}", channel.topic) }
            guard !wanted.isEmpty, channel.messageEncoding == "cdr", let schema, schema.encoding == "ros2msg",
                  let plan = try? CDRPlan(ros2msgNamed: schema.name, text: String(decoding: schema.data, as: UTF8.self)) else { return nil }
            var names = Set<String>()
            for (_, spec) in wanted {
                names.formUnion(spec.fieldList)
                if let st = spec.stamp { names.insert(st + ".sec"); names.insert(st + ".nanosec") }
            }
            let x = CDRColumnExtractor(plan: plan, keeping: { names.contains($0) })
            let f = Feed(x)
            let column = Dictionary(x.scalarNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for (i, spec) in wanted {
                let cols = spec.fieldList.compactMap { column[$0] }
                guard cols.count == spec.fieldList.count else { continue }
                if let st = spec.stamp, let sec = column[st + ".sec"], let nsec = column[st + ".nanosec"] { f.stamp = (sec, nsec) }
                f.signals.append((i, cols, spec.combiner(), "\(channel.topic) \(spec.fieldList.joined(separator: ","))"))
            }
            made = f.signals.isEmpty ? nil : f
            return made
        }
        for (lo, hi) in ranges {
            try reader.readMessages(startTime: UInt64(lo), endTime: UInt64(hi)) { (m: IndexedMessage) throws(MCAPError) in
                guard let f = feed(for: m.channel, schema: m.schema) else { return }
                do throws(CDRError) {
                    try f.extractor.extract(m.data, timestamp: Int64(m.logTime), into: f.block, ragged: f.ragged)
                } catch {
                    throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "data", detail: "\(error)"), offset: 0, file: path)
                }
                var t = Int64(m.logTime)
                if let (s, n) = f.stamp { t = Int64(f.block.column(s)[0]) * 1_000_000_000 + Int64(f.block.column(n)[0]) }
                for s in f.signals {
                    let v = s.combiner.value { f.block.column(s.columns[$0])[0] }
                    sample(s.index, s.from, t, v)
                }
                f.block.reset()
                f.ragged?.reset()
            }
        }
    }
}
