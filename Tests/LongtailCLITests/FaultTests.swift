import Foundation
import Testing
import TestSupport

/// Faults during `scan --force` (issue 17): a full disk, readers during rewrites, kills. The
/// new result is written whole beside the old one and moved into place entry by entry, so
/// the old result survives every failure and readers always find one.
@Suite(.serialized) struct FaultTests {
    static var binary: String { CLITests.binary }
    static let fixture = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving").path

    static func segments(_ dir: String) throws -> Int? {
        let r = try TestSupport.run(binary, ["query", "--catalog", dir, "--limit", "0", "--format", "jsonl"])
        return r.status == 0 ? r.stdoutText.split(separator: "\n").count : nil
    }

    /// Leftovers of a run: staging directories and `*.partial-*` files.
    static func leftovers(_ dir: String) -> [String] {
        let items = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? []
        return items.filter { $0.contains(".partial-") || $0.hasSuffix(".next") || $0.contains(".next/") }
    }

    static var canMountTmpfs: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    @Test(.enabled(if: canMountTmpfs, "needs root to mount a small tmpfs"))
    func diskFullDuringForceKeepsThePreviousResult() throws {
        let mount = TestSupport.temporaryDirectory("tmpfs")
        defer { _ = try? TestSupport.run("/bin/umount", [mount.path]); try? FileManager.default.removeItem(at: mount) }
        let m = try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.path])
        try #require(m.status == 0, "\(m.stderr)")
        let out = mount.appendingPathComponent("out").path
        let first = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out])
        try #require(first.status == 0, "\(first.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/catalog.sqlite"))
        let rows = try Self.segments(out)
        // Fill the disk to within ~150 KiB, then rewrite with a pretraining tier that needs more.
        var st = statvfs()
        try #require(statvfs(mount.path, &st) == 0)
        let free = Int(st.f_bavail) * Int(st.f_frsize)
        try Data(count: max(0, free - 150 << 10)).write(to: mount.appendingPathComponent("fill"))
        let forced = try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out, "--force", "--pretrain-rate", "100"])
        #expect(forced.status == 1, "\(forced.status): \(forced.stderr)")
        let errors = forced.stderr.split(separator: "\n").filter { $0.hasPrefix("longtail: error:") }
        #expect(errors.count == 1 && forced.stderr.split(separator: "\n").count <= 3, "\(forced.stderr)")
        #expect(forced.stderr.contains("no space left") || forced.stderr.contains("No space left") || forced.stderr.contains("disk is full"),
                "\(forced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/catalog.sqlite")) == before)
        #expect(try Self.segments(out) == rows && rows != nil)
        #expect(Self.leftovers(out).isEmpty, "\(Self.leftovers(out))")
    }

    @Test func readersDuringForceRewritesAlwaysFindAResult() throws {
        let dir = TestSupport.temporaryDirectory("rewrites")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path
        try #require(try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out]).status == 0)
        let done = LockedFlag()
        let writer = Thread {
            for budget in ["1", "2", "3", "4", "5"] {
                _ = try? TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out, "--force", "--alignment-budget", budget])
            }
            done.set()
        }
        writer.start()
        var reads = 0, failures: [String] = []
        while !done.isSet || reads == 0 {
            let r = try TestSupport.run(Self.binary, ["query", "--catalog", out, "--limit", "1"])
            reads += 1
            if r.status != 0 { failures.append(r.stderr) }
        }
        #expect(reads > 5 && failures.isEmpty, "\(failures.count) of \(reads) reads failed: \(failures.first ?? "")")
        #expect(Self.leftovers(out).isEmpty)
    }

    @Test func killedForceLeavesTheOldOrTheNewResult() throws {
        let dir = TestSupport.temporaryDirectory("kills")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path
        try #require(try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out]).status == 0)
        let rows = try Self.segments(out)
        for delay in [0.05, 0.1, 0.2, 0.3, 0.45, 0.6] {
            let child = try ChildProcess(Self.binary, ["scan", Self.fixture, "--out", out, "--force", "--pretrain-rate", "10"])
            Thread.sleep(forTimeInterval: delay)
            child.send(SIGKILL)
            _ = child.wait(timeout: 30)
            #expect(try Self.segments(out) == rows, "after a kill at \(delay) s")
        }
        // The next run cleans what the killed ones left.
        try #require(try TestSupport.run(Self.binary, ["scan", Self.fixture, "--out", out, "--force"]).status == 0)
        #expect(Self.leftovers(out).isEmpty, "\(Self.leftovers(out))")
    }
}

/// A flag set by one thread and read by another.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
