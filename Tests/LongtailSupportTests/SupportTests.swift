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
}
