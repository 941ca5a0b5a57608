import Foundation
import Testing
import TestSupport

/// Inputs that are not regular files, or whose bytes run on with nothing in them (issue 17):
/// a FIFO hung `inspect`, `cat` and `scan`; `/dev/zero` and a sparse file read forever; a
/// directory named like a log gave an empty success. Each is now named in one line.
@Suite struct SpecialFileTests {
    static var binary: String { CLITests.binary }

    /// Runs the CLI with a deadline: a hang fails the test instead of stalling the suite.
    static func run(_ args: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(binary, args, timeout: 30)
    }

    @Test func fifosDevicesAndDirectoriesAreNamedNotOpened() throws {
        let dir = TestSupport.temporaryDirectory("special")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.mcap").path
        try #require(mkfifo(fifo, 0o644) == 0)
        let empty = dir.appendingPathComponent("empty.mcap").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        for args in [["inspect", fifo], ["cat", fifo], ["scan", fifo, "--dry-run"]] {
            let r = try Self.run(args)
            #expect(r.status == 1 || r.status == 3, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("named pipe (FIFO)"), "\(args): \(r.stderr)")
        }
        let zero = try Self.run(["scan", "/dev/zero", "--dry-run"])
        #expect(zero.status == 3 && zero.stderr.contains("character device"), "\(zero.stderr)")
        let none = try Self.run(["scan", empty, "--dry-run"])
        #expect(none.status == 3 && none.stderr.contains("no logs"), "\(none.stderr)")
        // A directory holding a FIFO named like a log: the batch goes on and names it.
        let batch = try Self.run(["scan", dir.path, "--out", dir.appendingPathComponent("out").path])
        #expect(batch.status == 3 && batch.stderr.contains("pipe.mcap: a named pipe"), "\(batch.stderr)")
    }

    /// An MCAP header followed by 8 GiB of zeros (a preallocated or sparse file): an error at
    /// the first zero byte, not a read of every one of them.
    @Test func zeroesAfterTheHeaderEndTheReadAtOnce() throws {
        let dir = TestSupport.temporaryDirectory("sparse")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving/drive-000.mcap")
        let bytes = try [UInt8](Data(contentsOf: fixture))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[9 + $1]) << (8 * $1) }
        let path = dir.appendingPathComponent("sparse.mcap").path
        try Data(bytes[0..<(17 + headerLength)]).write(to: URL(fileURLWithPath: path))
        try #require(truncate(path, 8 << 30) == 0)
        for args in [["scan", path, "--dry-run"], ["inspect", path], ["cat", path]] {
            let r = try Self.run(args)
            #expect(r.status == 1 || r.status == 3, "\(args): \(r.status)")
            #expect(r.stderr.contains("at byte \(17 + headerLength)") && r.stderr.contains("zeroed bytes"), "\(args): \(r.stderr)")
        }
    }
}
