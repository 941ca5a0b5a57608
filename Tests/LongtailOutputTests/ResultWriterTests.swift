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
}
