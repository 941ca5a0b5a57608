import LongtailMCAP

/// `doctor` for MCAP: every record streamed (chunks decompressed, CRCs checked), then the
/// records checked against each other and against the summary section.
enum MCAPDoctor {
    static func examine(path: String) -> Doctor.Report {
        var r = Doctor.Report(path: path, format: "mcap")
        var schemas = Set<UInt16>()
        var channels: [UInt16: Channel] = [:]
        var counts: [UInt16: UInt64] = [:]
        var unknownChannel: [UInt16: (count: UInt64, first: UInt64)] = [:]
        var backwards: [UInt16: UInt64] = [:]
        var rates: [UInt16: RateHistogram] = [:]
        var lastTime: [UInt16: UInt64] = [:]
        var chunks: [UInt64: Chunk] = [:]
        var chunkOffsets: [UInt64] = []
        var outsideChunk: (count: UInt64, first: UInt64)?
        var currentChunk: (offset: UInt64, start: UInt64, end: UInt64)?
        var chunkIndexes: [ChunkIndex] = []
        var statistics: Statistics?
        var sawFooter = false, sawDataEnd = false
        var records: UInt64 = 0, messages: UInt64 = 0
        var damage: MCAPError?
        do {
            try MCAPStreamReader.forEachRecord(inFile: path) { (raw) throws(MCAPError) in
                records += 1
                if raw.opcode == Opcode.message {
                    let m = try raw.messageView()
                    messages += 1
                    if channels[m.channelID] == nil {
                        unknownChannel[m.channelID, default: (0, raw.offset)].count += 1
                    } else {
                        counts[m.channelID, default: 0] += 1
                    }
                    if let last = lastTime[m.channelID] {
                        if m.logTime < last { backwards[m.channelID, default: 0] += 1 } else { rates[m.channelID, default: RateHistogram()].add(m.logTime - last) }
                    }
                    lastTime[m.channelID] = m.logTime
                    if let c = currentChunk, raw.chunkOffset != nil, m.logTime < c.start || m.logTime > c.end {
                        if outsideChunk == nil { outsideChunk = (0, c.offset) }
                        outsideChunk!.count += 1
                    }
                    return
                }
                switch try raw.parse() {
                case .schema(let s): schemas.insert(s.id)
                case .channel(let c):
                    if c.schemaID != 0, !schemas.contains(c.schemaID) {
                        r.add(.error, "channel \(c.id) (\(c.topic)) refers to schema \(c.schemaID), which is not defined before it", at: raw.offset)
                    }
                    channels[c.id] = c
                case .chunk(let c):
                    currentChunk = (raw.offset, c.messageStartTime, c.messageEndTime)
                    chunks[raw.offset] = c
                    chunkOffsets.append(raw.offset)
                case .chunkIndex(let i): chunkIndexes.append(i)
                case .statistics(let s): statistics = s
                case .footer: sawFooter = true
                case .dataEnd: sawDataEnd = true
                default: break
                }
                if raw.chunkOffset == nil, raw.opcode != Opcode.chunk { currentChunk = nil }
            }
        } catch {
            damage = error
        }
        if let e = damage {
            r.add(.error, "\(e.reason); the \(messages) messages before it are readable (`longtail scan` keeps them and records the file as partial)", at: e.offset)
        }
        for (id, u) in unknownChannel.sorted(by: { $0.key < $1.key }) {
            r.add(.error, "\(u.count) message(s) on channel \(id), which the file does not define before them", at: u.first)
        }
        if let o = outsideChunk {
            r.add(.error, "\(o.count) message(s) have log times outside their chunk's recorded time range (first in the chunk at byte \(o.first)): readers that seek by time miss them", at: o.first)
        }
        for (id, n) in backwards.sorted(by: { $0.key < $1.key }) {
            r.add(.info, "channel \(id) (\(channels[id]?.topic ?? "?")): \(n) message(s) earlier than the one before (MCAP allows it; readers that need order sort)")
        }
        for (id, h) in rates.sorted(by: { $0.key < $1.key }) {
            if let gaps = h.gaps {
                r.add(.info, "channel \(id) (\(channels[id]?.topic ?? "?")): \(gaps.count) gap(s) of more than 8× its usual interval of about \(gaps.usual) (the longest \(gaps.longest)): dropped messages or a stalled sensor")
            }
        }
        if damage == nil {
            if !sawDataEnd { r.add(.warning, "no DataEnd record") }
            if !sawFooter { r.add(.warning, "no footer") }
        }
        // The summary against what the records said.
        if let s = statistics, damage == nil {
            if s.messageCount != messages {
                r.add(.error, "the statistics record \(s.messageCount) messages; the file holds \(messages)")
            }
            if s.chunkCount != UInt32(truncatingIfNeeded: chunkOffsets.count) {
                r.add(.error, "the statistics record \(s.chunkCount) chunks; the file holds \(chunkOffsets.count)")
            }
            for (id, n) in s.channelMessageCounts where counts[id, default: 0] != n {
                r.add(.error, "the statistics record \(n) messages on channel \(id) (\(channels[id]?.topic ?? "?")); the file holds \(counts[id, default: 0])")
            }
            if let first = lastTime.isEmpty ? nil : s.messageStartTime, messages > 0, first > (lastTime.values.min() ?? first) {
                r.add(.warning, "the statistics' message start time \(first) is after a message's log time")
            }
        } else if statistics == nil, damage == nil {
            r.add(.warning, "no statistics record: readers count messages by reading them all")
        }
        if damage == nil {
            if chunkIndexes.isEmpty, !chunkOffsets.isEmpty {
                r.add(.warning, "no chunk index: readers cannot seek by time or topic and must read the whole file")
            }
            for i in chunkIndexes {
                guard let c = chunks[i.chunkStartOffset] else {
                    r.add(.error, "a chunk index points to byte \(i.chunkStartOffset), where no chunk starts", at: i.chunkStartOffset)
                    continue
                }
                if c.messageStartTime != i.messageStartTime || c.messageEndTime != i.messageEndTime {
                    r.add(.error, "the chunk index for the chunk at byte \(i.chunkStartOffset) records times \(i.messageStartTime)–\(i.messageEndTime); the chunk says \(c.messageStartTime)–\(c.messageEndTime)", at: i.chunkStartOffset)
                }
            }
            let indexed = Set(chunkIndexes.map(\.chunkStartOffset))
            let missing = chunkOffsets.filter { !indexed.contains($0) }
            if !chunkIndexes.isEmpty, let first = missing.first {
                r.add(.error, "\(missing.count) chunk(s) have no chunk index (first at byte \(first)): readers that seek miss their messages", at: first)
            }
        }
        r.summary = "\(records) records, \(messages) messages on \(channels.count) channels, \(chunkOffsets.count) chunks"
            + (damage != nil ? ", damaged at byte \(damage!.offset)" : "")
        return r
    }
}

/// A channel's message intervals in power-of-two buckets: the usual interval (the median
/// bucket) and the intervals far longer than it, in constant memory however long the log.
struct RateHistogram {
    private var buckets = [UInt64](repeating: 0, count: 64)
    private var longest: UInt64 = 0

    mutating func add(_ interval: UInt64) {
        buckets[interval == 0 ? 0 : 64 - interval.leadingZeroBitCount] += 1
        longest = max(longest, interval)
    }

    /// Intervals of more than 8× the median bucket's upper edge, when there are any (and
    /// enough intervals, 100, to speak of a usual one).
    var gaps: (count: UInt64, usual: String, longest: String)? {
        let total = buckets.reduce(0, +)
        guard total >= 100 else { return nil }
        var seen: UInt64 = 0, median = 0
        for (k, n) in buckets.enumerated() { seen += n; if seen * 2 >= total { median = k; break } }
        let edge: UInt64 = median >= 61 ? .max : UInt64(1) << UInt64(median)
        let far = median + 3
        guard far < 64 else { return nil }
        let count = buckets[(far + 1)...].reduce(0, +)
        guard count > 0 else { return nil }
        return (count, Self.seconds(edge), Self.seconds(longest))
    }

    static func seconds(_ ns: UInt64) -> String {
        let s = Double(ns) / 1e9
        return s >= 1 ? "\((s * 10).rounded() / 10) s" : "\((s * 1e4).rounded() / 10) ms"
    }
}
