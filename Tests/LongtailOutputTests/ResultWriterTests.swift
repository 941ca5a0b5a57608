import Foundation
import LongtailOutput
import LongtailRun
import LongtailScan
import Testing
import TestSupport

/// The one-pass writer: each stored result is read back once, and a batch whose scans
/// wait in `.work` writes exactly what a result held in memory writes.
@Suite struct ResultWriterTests {
    /// Counts the loads of the store it wraps.
    final class CountingStore: SourceStore, @unchecked Sendable {
        let inner: any SourceStore
        private let lock = NSLock()
        private(set) var loads: [String] = []
        init(_ inner: any SourceStore) { self.inner = inner }
        func load(file: String) throws -> [SourceScan] {
            lock.lock(); loads.append(file); lock.unlock()
            return try inner.load(file: file)
        }
    }

    @Test func storedResultsAreReadOnceAndWriteWhatMemoryWrites() throws {
        let dir = TestSupport.temporaryDirectory("writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two single-episode files and one with three demos: five sources in three files.
        let input = dir.appendingPathComponent("in").path
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        for f in ["episode-000-reassemble.h5", "episode-001-aloha.h5"] {
            try FileManager.default.copyItem(atPath: TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot/" + f).path,
                                             toPath: input + "/" + f)
        }
        try TestSupport.writeRobomimicDemos(to: input + "/demos.hdf5")
        let stored = dir.appendingPathComponent("stored").path, memory = dir.appendingPathComponent("memory").path
        // A batch with a work directory keeps its scans light; without one, whole in memory.
        var batch = try BatchRun.run(BatchOptions(paths: [input], out: stored, profile: nil))
        #expect(batch.sources.count == 5 && batch.sources.allSatisfy { $0.stored && $0.scan.segments.allSatisfy(\.features.isEmpty) })
        let counting = CountingStore(try #require(batch.store))
        batch.store = counting
        _ = try ResultWriter.write(batch, to: stored, options: TierOptions())
        #expect(counting.loads.count == 3 && counting.loads == Set(batch.sources.map(\.file.path)).sorted(), "each file's result read once, in order")
        let inMemory = try BatchRun.run(BatchOptions(paths: [input], out: nil, profile: nil))
        #expect(inMemory.store == nil && inMemory.sources.allSatisfy { !$0.stored })
        _ = try ResultWriter.write(inMemory, to: memory, options: TierOptions())
        for f in ["events.jsonl", "segments.jsonl", "clips.jsonl", "rarity-model.json", "alignment/segments.h5",
                  "alignment/knowledge.jsonl", "pretrain/shard-00000.h5", "pretrain/manifest.json"] {
            let a = FileManager.default.contents(atPath: stored + "/" + f), b = FileManager.default.contents(atPath: memory + "/" + f)
            #expect(a != nil && a == b, "\(f)")
        }
        // A store that cannot read back is an error naming the file, not a half-written output.
        struct Broken: SourceStore { func load(file: String) throws -> [SourceScan] { throw CocoaError(.fileReadCorruptFile) } }
        batch.store = Broken()
        let broken = dir.appendingPathComponent("broken").path
        #expect(throws: (any Error).self) { _ = try ResultWriter.write(batch, to: broken, options: TierOptions()) }
        #expect(!FileManager.default.fileExists(atPath: broken + "/catalog.sqlite"))
    }

    /// With a thread to spare the HDF5 tiers are written on a thread of their own; every
    /// output is the same, byte for byte, as from one thread (MCAP sources, read back on the
    /// writing thread, and HDF5 episodes, read back on the tier thread), and a tier that
    /// fails still fails the write.
    @Test func theTierThreadWritesTheSameBytes() throws {
        let dir = TestSupport.temporaryDirectory("writer-threads")
        defer { try? FileManager.default.removeItem(at: dir) }
        let driving = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/driving").path
        let robot = TestSupport.repoRoot.appendingPathComponent("Fixtures/synth/robot").path
        for input in [driving, robot] {
            let result = try BatchRun.run(BatchOptions(paths: [input], out: nil, profile: nil))
            #expect(!result.sources.isEmpty)
            var options = TierOptions()
            options.budget = .fraction(0.2)   // several alignment segments per source
            let one = dir.appendingPathComponent("one").path, two = dir.appendingPathComponent("two").path
            let a = try ResultWriter.write(result, to: one, options: options, threads: 1)
            let b = try ResultWriter.write(result, to: two, options: options, threads: 2)
            #expect(a.alignmentSegments > 1 && a.alignmentSegments == b.alignmentSegments && a.pretrainBytes == b.pretrainBytes)
            for f in ["events.jsonl", "segments.jsonl", "clips.jsonl", "rarity-model.json", "alignment/segments.h5",
                      "alignment/knowledge.jsonl", "pretrain/shard-00000.h5", "pretrain/manifest.json"] {
                let x = FileManager.default.contents(atPath: one + "/" + f), y = FileManager.default.contents(atPath: two + "/" + f)
                #expect(x != nil && x == y, "\(input): \(f)")
            }
            try FileManager.default.removeItem(atPath: one)
            try FileManager.default.removeItem(atPath: two)
        }
        // A source whose file is gone: the alignment read fails on either thread, and the
        // write fails without a catalog.
        let moved = dir.appendingPathComponent("moved").path
        try FileManager.default.copyItem(atPath: robot, toPath: moved)
        let result = try BatchRun.run(BatchOptions(paths: [moved], out: nil, profile: nil))
        try FileManager.default.removeItem(atPath: moved)
        let failed = dir.appendingPathComponent("failed").path
        #expect(throws: (any Error).self) { _ = try ResultWriter.write(result, to: failed, options: TierOptions(), threads: 2) }
        #expect(!FileManager.default.fileExists(atPath: failed + "/catalog.sqlite"))
    }
}
