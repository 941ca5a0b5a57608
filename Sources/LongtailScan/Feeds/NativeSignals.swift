import LongtailBag
import LongtailCore
import LongtailHDF5
import LongtailMCAP
import LongtailSupport

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
    public static func read(source: SourceID, profile: Profile, intervals: [(start: Int64, end: Int64)]) throws -> [[Series]] {
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
        // The intervals holding t: by start, those from the first that may still hold it
        // (start > t − the longest interval) to the last with start ≤ t.
        let byStart = intervals.indices.sorted { (intervals[$0].start, $0) < (intervals[$1].start, $1) }
        let starts = byStart.map { intervals[$0].start }
        let longest = intervals.map { $0.end &- $0.start }.max() ?? 0
        func sample(_ signal: Int, _ from: String, _ t: Int64, _ v: Double) {
            var k = firstIndex(in: starts, above: t &- longest)
            while k < starts.count && starts[k] <= t {
                if t < intervals[byStart[k]].end { add(byStart[k], signal, from: from, t, v) }
                k += 1
            }
        }
        if HDF5File.isHDF5(path: source.file) {
            try readHDF5(source, profile: profile, sample)
        } else if SourceScanner.isBag(source.file) {
            try readBag(source.file, profile: profile, intervals: intervals, sample)
        } else {
            try readMCAP(source.file, profile: profile, intervals: intervals, sample)
        }
        return out.map { $0.compactMap { $0 } }
    }

    /// The first index of sorted `values` whose value is above `x` (`values.count` if none).
    static func firstIndex(in values: [Int64], above x: Int64) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Whether reading `source` calls libhdf5 (an HDF5 episode, or a file that is neither
    /// MCAP nor a bag): the alignment tier then reads it on its HDF5 thread.
    public static func usesHDF5(_ source: SourceID) -> Bool {
        !(SourceScanner.isMCAP(source.file) || SourceScanner.isBag(source.file))
    }

    /// Every mapped sample of an HDF5 episode (episodes are short: read whole).
    private static func readHDF5(_ source: SourceID, profile: Profile, _ sample: (Int, String, Int64, Double) -> Void) throws {
        let scanner = HDF5Scanner(profile: profile, path: source.file)
        let file = try HDF5File(path: source.file)
        let prefix = source.episode.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
        let episode = try scanner.samples(file, prefix: prefix, t0: scanner.startTime(file, episode: prefix).0)
        for s in episode.series {
            let from = episode.found[profile.signals[s.signal].name] ?? ""
            for r in s.times.indices { sample(s.signal, from, s.times[r], s.values[r]) }
        }
    }

    /// A channel's mapping with the buffers it decodes into.
    private final class Feed {
        let mapping: ChannelMapping
        let block: ColumnBlock
        let ragged: RaggedColumns?
        init(_ m: ChannelMapping) {
            mapping = m
            block = ColumnBlock(names: m.extractor.scalarNames, capacity: 1)
            ragged = m.extractor.raggedNames.isEmpty ? nil : RaggedColumns(names: m.extractor.raggedNames)
        }
    }

    /// The merged ranges of log time to read for `intervals`: 2 s either side, for header
    /// stamps that differ from log times.
    static func ranges(_ intervals: [(start: Int64, end: Int64)]) -> [(Int64, Int64)] {
        let pad: Int64 = 2_000_000_000
        var ranges: [(Int64, Int64)] = []
        for iv in intervals.sorted(by: { $0.start < $1.start }) {
            // Saturating: a damaged catalog's Int64.min or .max must not overflow.
            let lo = max(0, iv.start.subtractingReportingOverflow(pad).overflow ? 0 : iv.start - pad)
            let hi = iv.end.addingReportingOverflow(pad).overflow ? Int64.max : iv.end + pad
            if let last = ranges.last, lo <= last.1 { ranges[ranges.count - 1].1 = max(last.1, hi) } else { ranges.append((lo, hi)) }
        }
        return ranges
    }

    /// One mapped message's samples (`f` decodes it).
    private static func samples(_ f: Feed, _ data: UnsafeRawBufferPointer, logTime: UInt64,
                                _ sample: (Int, String, Int64, Double) -> Void) throws(CDRError) {
        guard logTime <= UInt64(Int64.max) else { return }
        try f.mapping.extractor.extract(data, timestamp: Int64(logTime), into: f.block, ragged: f.ragged)
        var t = Int64(logTime)
        if let (s, n) = f.mapping.stamp { t = MCAPScanner.sampleTime(sec: f.block.column(s)[0], nanosec: f.block.column(n)[0], logTime: t) }
        for s in f.mapping.signals {
            let v = s.combiner.value { f.block.column(s.columns[$0])[0] }
            sample(s.index, s.from, t, v)
        }
        f.block.reset()
        f.ragged?.reset()
    }

    /// The feed of a channel, made once (nil when the profile maps nothing readable on it).
    private static func feed(_ cache: inout [UInt32: Feed?], id: UInt32, profile: Profile, topic: String, encoding: String,
                             schema: () -> ChannelMapping.SchemaText?) -> Feed? {
        if let f = cache[id] { return f }
        guard case .success(let m) = ChannelMapping.make(profile, topic: topic, encoding: encoding, schema: schema(), actors: false),
              !m.signals.isEmpty else {
            cache[id] = .some(nil)
            return nil
        }
        let f = Feed(m)
        cache[id] = f
        return f
    }

    /// Every mapped sample of a bag's messages near the intervals (chunks by the bag's index).
    private static func readBag(_ path: String, profile: Profile, intervals: [(start: Int64, end: Int64)],
                                _ sample: (Int, String, Int64, Double) -> Void) throws {
        let reader = try BagReader(path: path)
        let index = try reader.index()
        var feeds: [UInt32: Feed?] = [:]
        for (lo, hi) in ranges(intervals) {
            try reader.messages(from: UInt64(lo), to: UInt64(hi), index: index) { (c, m) throws(BagError) in
                guard let f = feed(&feeds, id: c.id, profile: profile, topic: c.topic, encoding: "ros1", schema: {
                    ChannelMapping.SchemaText(name: c.type, encoding: "ros1msg", text: c.messageDefinition)
                }) else { return }
                do throws(CDRError) { try samples(f, m.data, logTime: m.timeNs, sample) } catch {
                    throw BagError(.malformed(what: "message on connection \(c.id)", detail: "\(error)"), offset: m.offset,
                                   chunkOffset: m.chunkOffset, file: path)
                }
            }
        }
    }

    /// Every mapped sample of messages logged near the intervals.
    private static func readMCAP(_ path: String, profile: Profile, intervals: [(start: Int64, end: Int64)],
                                 _ sample: (Int, String, Int64, Double) -> Void) throws {
        let reader = try MCAPIndexedReader(path: path)
        var feeds: [UInt32: Feed?] = [:]
        for (lo, hi) in ranges(intervals) {
            try reader.readMessages(startTime: UInt64(lo), endTime: UInt64(hi)) { (m: IndexedMessage) throws(MCAPError) in
                guard let f = feed(&feeds, id: UInt32(m.channel.id), profile: profile, topic: m.channel.topic, encoding: m.channel.messageEncoding,
                                   schema: { m.schema.map { ChannelMapping.SchemaText(name: $0.name, encoding: $0.encoding, data: $0.data) } }) else { return }
                do throws(CDRError) { try samples(f, m.data, logTime: m.logTime, sample) } catch {
                    throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "data", detail: "\(error)"), offset: 0, file: path)
                }
            }
        }
    }
}
