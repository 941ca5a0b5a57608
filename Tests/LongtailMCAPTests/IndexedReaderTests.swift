import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

@Suite struct IndexedReaderTests {
    /// For every conformance input, the indexed reader returns the streamed reader's
    /// messages, stably sorted by log time.
    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func matchesStreamedReaderOnConformanceSuite() throws {
        let inputs = ConformanceTests.inputs
        try #require(!inputs.isEmpty)
        var withSummary = 0
        for url in inputs {
            var streamed: [Message] = []
            try MCAPStreamReader.forEachRecord(inFile: url.path) { (raw) throws(MCAPError) in
                if raw.opcode == Opcode.message, case .message(let m) = try raw.parse() { streamed.append(m) }
            }
            let expected = streamed.enumerated().sorted { ($0.element.logTime, $0.offset) < ($1.element.logTime, $1.offset) }
                .map(\.element)
            let reader = try MCAPIndexedReader(path: url.path)
            if reader.usedFileSummary { withSummary += 1 }
            var got: [Message] = []
            try reader.readMessages { (m) throws(MCAPError) in
                got.append(Message(channelID: m.channel.id, sequence: m.sequence, logTime: m.logTime,
                                   publishTime: m.publishTime, data: Array(m.data)))
            }
            #expect(got == expected, "\(url.lastPathComponent)")
        }
        #expect(withSummary > 20, "conformance inputs read through their summary: \(withSummary)")
    }

    /// A time range decompresses only the chunks that overlap it.
    @Test func timeRangeSkipsChunks() throws {
        let dir = TestSupport.temporaryDirectory("indexed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("many.mcap").path
        let written = try SampleFile.write(path: path, compression: .zstd(level: 1), chunked: true, count: 200, chunkSize: 2048)
        let all = try MCAPIndexedReader(path: path)
        #expect(all.usedFileSummary)
        let chunks = all.summary.chunkIndexes.count
        #expect(chunks > 20)
        var n = 0
        try all.readMessages { _ in n += 1 }
        #expect(n == written.count && all.decompressedChunks == chunks)

        let times = written.map(\.logTime).sorted()
        let start = times[times.count / 2], end = times[times.count / 2 + 30]
        let ranged = try MCAPIndexedReader(path: path)
        var got: [UInt64] = []
        try ranged.readMessages(startTime: start, endTime: end) { m in got.append(m.logTime) }
        #expect(got == times.filter { $0 >= start && $0 < end })
        #expect(ranged.decompressedChunks > 0 && ranged.decompressedChunks <= chunks / 4,
                "decompressed \(ranged.decompressedChunks) of \(chunks) chunks")

        // Topic selection returns exactly that topic, in order.
        var topics: [UInt64] = []
        try MCAPIndexedReader(path: path).readMessages(topics: ["/wrench"]) { m in
            #expect(m.channel.topic == "/wrench")
            topics.append(m.logTime)
        }
        #expect(topics == written.filter { $0.topic == "/wrench" }.map(\.logTime).sorted())
    }

    /// A damaged summary (bad CRC) falls back to a scan with identical results.
    @Test func damagedSummaryFallsBack() throws {
        let dir = TestSupport.temporaryDirectory("indexed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("d.mcap").path
        _ = try SampleFile.write(path: path, compression: .lz4, chunked: true, count: 50, chunkSize: 1024)
        var good: [UInt64] = []
        try MCAPIndexedReader(path: path).readMessages { m in good.append(m.logTime) }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let footer = bytes.count - 37
        let summaryStart = Int(bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: footer + 9, as: UInt64.self)) })
        bytes[summaryStart + 20] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try MCAPIndexedReader(path: path)
        #expect(!reader.usedFileSummary)
        #expect(reader.fallbackReason?.contains("CRC") == true)
        var got: [UInt64] = []
        try reader.readMessages { m in got.append(m.logTime) }
        #expect(got == good)
    }
}
