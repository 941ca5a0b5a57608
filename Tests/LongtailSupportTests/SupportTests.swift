import Foundation
import Testing
@testable import LongtailSupport

@Suite struct SupportTests {
    /// The published FNV-1a 64-bit test vectors (Fowler–Noll–Vo reference).
    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(FNV1a.hash("") == UInt64(0xcbf29ce484222325))
        #expect(FNV1a.hash("a") == UInt64(0xaf63dc4c8601ec8c))
        #expect(FNV1a.hash("foobar") == UInt64(0x85944171f73967e8))
        #expect(FNV1a.hex(0xaf, width: 4) == "00af")
    }

    @Test func sourceIDsReadBackTheirWrittenForm() {
        let plain = SourceID(parsing: "logs/day 1/run.mcap")
        #expect(plain.file == "logs/day 1/run.mcap" && plain.episode == nil && plain.shortName == "run.mcap")
        let episode = SourceID(parsing: "/data/demos.hdf5#/data/demo_10")
        #expect(episode.file == "/data/demos.hdf5" && episode.episode == "/data/demo_10")
        #expect(episode.text == "/data/demos.hdf5#/data/demo_10" && episode.shortName == "demos.hdf5#/data/demo_10")
        #expect(SourceID(parsing: episode.text) == episode && SourceID(file: "x.mcap").text == "x.mcap")
    }

    @Test func atomicFilesAppearWholeOrNotAtAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("support-\(UUID().uuidString)").path
        try AtomicFile.makeDirectory(dir + "/a/b")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(dir + "/a/b/x.txt", "hello")
        #expect(AtomicFile.readBytes(dir + "/a/b/x.txt") == Array("hello".utf8))
        let lines = try LineFile(dir + "/lines.txt")
        try lines.line("one")
        #expect(!FileManager.default.fileExists(atPath: dir + "/lines.txt"), "not in place before close")
        try lines.line("two")
        try lines.close()
        #expect(String(decoding: AtomicFile.readBytes(dir + "/lines.txt") ?? [], as: UTF8.self) == "one\ntwo\n")
        // A failed write names the path and the OS's reason, and leaves no temporary file.
        #expect { try AtomicFile.write(dir + "/missing/x.txt", "x") } throws: { "\($0)".contains("missing/x.txt") && "\($0)".contains("No such file") }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".partial-") }
        #expect(left.isEmpty)
        #expect(FileStatus(dir + "/lines.txt").size == 8 && FileStatus(dir + "/nothing").size == 0)
    }

    @Test func numbersPrintWithFixedDecimals() {
        #expect(Formatting.fixed(1.26, 1) == "1.3" && Formatting.fixed(-2.5, 2) == "-2.50")
        #expect(Formatting.fixed(-0.06, 1) == "-0.1" && Formatting.fixed(-0.04, 1) == "0.0" && Formatting.fixed(3, 2) == "3.00")
        #expect(Formatting.bytes(512) == "0.5 KiB" && Formatting.bytes(3 << 20) == "3.0 MiB")
    }

    /// JSON text: escapes, integers at their limits, and the same bytes through `text`.
    @Test func jsonTextEscapesAndPrintsIntegers() {
        var j = JSONText()
        j.raw("{"); j.key("a\"b\\c", first: true); j.string("tab\tnew\nline\u{01}é✓"); j.key("n")
        j.int(Int64.min); j.raw(","); j.int(Int64.max); j.raw(","); j.int(0); j.raw(","); j.uint(UInt64.max)
        j.raw(","); j.integers([UInt8(0), 7, 255]); j.raw(","); j.double(.nan); j.raw(","); j.float(-.infinity); j.raw("}")
        let expected = #"{"a\"b\\c":"tab\tnew\nline\u0001é✓","n":-9223372036854775808,9223372036854775807,0,18446744073709551615,[0,7,255],"nan","-inf"}"#
        #expect(j.text == expected)
        #expect(j.bytes == Array(expected.utf8))
        #expect(JSONText.keyBytes("k") == Array(#","k":"#.utf8) && JSONText.keyBytes("k", first: true) == Array(#""k":"#.utf8))
        // What Foundation's JSON parser reads back.
        let parsed = try? JSONSerialization.jsonObject(with: Data((#"{"s":"# + JSONText.quoted("q\"\u{1f}x") + "}").utf8)) as? [String: String]
        #expect(parsed?["s"] == "q\"\u{1f}x")
    }

    /// The running content digest equals the hash of the whole file however the bytes are
    /// cut, and is incomplete after a gap, a re-read or too few bytes.
    @Test func contentDigestIsTheSameInAnyPiecesAndRefusesGaps() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
        func digest(_ cuts: [Int]) -> ContentDigest {
            let d = ContentDigest()
            data.withUnsafeBytes { all in
                var at = 0
                for c in cuts + [data.count] where c > at { d.update(at: UInt64(at), UnsafeRawBufferPointer(rebasing: all[at..<c])); at = c }
            }
            return d
        }
        let whole = digest([]).hex(ifCovering: Int64(data.count))
        #expect(whole != nil && whole?.count == 16)
        #expect(digest([1, 2, 4096, 65_537]).hex(ifCovering: Int64(data.count)) == whole)
        #expect(digest([]).hex(ifCovering: Int64(data.count) + 1) == nil, "fewer bytes than the file")
        let gap = ContentDigest()
        data.withUnsafeBytes { all in
            gap.update(at: 0, UnsafeRawBufferPointer(rebasing: all[0..<10]))
            gap.update(at: 20, UnsafeRawBufferPointer(rebasing: all[20...]))
        }
        #expect(gap.hex(ifCovering: Int64(data.count)) == nil && gap.hex(ifCovering: 10) == nil)
        // CRC-32 and Adler-32 of "123456789": the published check values cbf43926 and 091e01de.
        let check = ContentDigest()
        Array("123456789".utf8).withUnsafeBytes { check.update(at: 0, $0) }
        #expect(check.hex(ifCovering: 9) == "cbf43926091e01de")
    }

    /// Jobs run in order on one other thread; the first failure stops the rest and comes
    /// back from `submit` or `finish`.
    @Test func serialWorkerRunsInOrderAndReportsTheFirstFailure() throws {
        final class Log: @unchecked Sendable { let lock = NSLock(); var items: [Int] = []; var threads: Set<String> = [] }
        let log = Log()
        let worker = SerialWorker(depth: 2)
        for i in 0..<50 {
            try worker.submit {
                log.lock.lock(); log.items.append(i); log.threads.insert("\(Thread.current)"); log.lock.unlock()
            }
        }
        try worker.finish()
        try worker.finish()   // a second call returns at once
        #expect(log.items == Array(0..<50) && log.threads.count == 1 && !log.threads.contains("\(Thread.current)"))
        struct Boom: Error {}
        let failing = SerialWorker(depth: 1)
        let after = Log()
        for i in 0..<20 {
            // A later submit may already see the failure; none of the later jobs runs.
            do { try failing.submit { if i == 0 { throw Boom() }; after.lock.lock(); after.items.append(i); after.lock.unlock() } } catch { break }
        }
        #expect(throws: Boom.self) { try failing.finish() }
        #expect(throws: Boom.self) { try failing.submit {} }
        #expect(after.items.isEmpty)
    }
}
