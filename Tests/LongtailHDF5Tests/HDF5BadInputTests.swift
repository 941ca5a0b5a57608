import Foundation
import Testing
import TestSupport
@testable import LongtailHDF5

/// Bad HDF5 input: typed errors naming the file and the dataset; no crash.
@Suite struct HDF5BadInputTests {
    /// The inputs fuzzing found (Fixtures/fuzz, zstd patches against the seed they came from),
    /// rebuilt and read as the `FuzzHDF5` harness reads: every object's attributes, every
    /// dataset as doubles. Each once crashed, hung or allocated without end inside libhdf5;
    /// now each read returns or throws, and each file names its damage.
    @Test func fuzzFoundInputs() throws {
        let fixtures = TestSupport.repoRoot.appendingPathComponent("Fixtures")
        let seed = fixtures.appendingPathComponent("synth/robot/episode-001-aloha.h5").path
        let dir = TestSupport.temporaryDirectory("h5fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let patches = TestSupport.files(in: fixtures.appendingPathComponent("fuzz"), ext: "zst")
        #expect(patches.count == 5)
        for patch in patches {
            let out = dir.appendingPathComponent(patch.deletingPathExtension().deletingPathExtension().lastPathComponent).path
            let r = try TestSupport.run("/usr/bin/env", ["zstd", "-q", "-d", "-f", "--patch-from=\(seed)", patch.path, "-o", out])
            try #require(r.status == 0, "zstd (scripts/bootstrap.sh installs it): \(r.stderr)")
            // Refused at open (its root header) is noticed too.
            guard let file = try? HDF5File(path: out) else { continue }
            var failures = 0
            for node in (try? file.walk()) ?? [] {
                do { _ = try file.attributes(of: node.path) } catch { failures += 1 }
                if node.kind == .dataset { do { _ = try file.dataset(node.path).read(Double.self) } catch { failures += 1 } }
            }
            do { _ = try file.attributes(of: "/") } catch { failures += 1 }
            #expect(failures > 0, "\(out): the damage went unnoticed")
        }
    }

    static func sample(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("ok.h5").path
        let w = try HDF5Writer(path: path)
        try w.writeDataset("/a/x", values: (0..<40_000).map { Float($0) }, shape: [10_000, 4], chunkRows: 500)
        try w.close()
        return path
    }

    @Test func truncatedFile() throws {
        let dir = TestSupport.temporaryDirectory("h5bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Self.sample(in: dir)))
        for fraction in [0.1, 0.5, 0.9, 0.999] {
            let cut = dir.appendingPathComponent("cut.h5").path
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            do {
                let f = try HDF5File(path: cut)
                _ = try f.dataset("/a/x").read(Float.self)
                Issue.record("read a file cut at \(fraction)")
            } catch {
                #expect(error.file == cut)
                switch error.reason {
                case .corrupt, .readFailed, .missingObject: break
                default: Issue.record("cut at \(fraction): \(error)")
                }
            }
        }
    }

    @Test func notHDF5AndMissingFile() throws {
        let dir = TestSupport.temporaryDirectory("h5bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.h5").path
        try Data("definitely not hdf5".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HDF5Error(file: path, .notHDF5)) { _ = try HDF5File(path: path) }
        do { _ = try HDF5File(path: dir.appendingPathComponent("none.h5").path); Issue.record("opened a missing file") } catch {
            guard case .cannotOpen = error.reason else { Issue.record("\(error)"); return }
            #expect(error.description.contains("none.h5"))
        }
    }

    @Test func missingDatasetAndGroup() throws {
        let dir = TestSupport.temporaryDirectory("h5bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.sample(in: dir)
        let f = try HDF5File(path: path)
        #expect(throws: HDF5Error(file: path, object: "/a/nope", .missingObject)) { _ = try f.dataset("/a/nope") }
        #expect(throws: HDF5Error(file: path, object: "/b/c/d", .missingObject)) { _ = try f.dataset("/b/c/d") }
        #expect(throws: HDF5Error(file: path, object: "/a", .notADataset)) { _ = try f.dataset("/a") }
        #expect(throws: HDF5Error(file: path, object: "/a/x", .rowsOutOfRange(lower: 9_990, upper: 10_010, rows: 10_000))) {
            _ = try f.dataset("/a/x").read(Float.self, rows: 9_990..<10_010)
        }
    }

    @Test func stringsWhereNumbersAreExpectedAndMissingFilter() throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with h5py and hdf5plugin: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("h5bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = TestSupport.repoRoot.appendingPathComponent("Tests/Interop/write_h5_bad.py").path
        let r = try TestSupport.run(python, [script, dir.path])
        try #require(r.status == 0, "\(r.stderr)")
        let strings = dir.appendingPathComponent("strings.h5").path
        let f = try HDF5File(path: strings)
        #expect(throws: HDF5Error(file: strings, object: "/names", .notNumeric("strings"))) {
            _ = try f.dataset("/names").read(Double.self)
        }
        #expect(try f.dataset("/ok").read(Double.self) == (0..<10).map(Double.init))
        let lz4 = dir.appendingPathComponent("lz4.h5").path
        let g = try HDF5File(path: lz4)
        let ds = try g.dataset("/force")
        #expect(ds.filters.map(\.id) == [32004])
        do { _ = try ds.read(Float.self); Issue.record("read without the lz4 filter") } catch {
            guard case .missingFilter(let id, _) = error.reason else { Issue.record("\(error)"); return }
            #expect(id == 32004 && error.object == "/force" && error.file == lz4)
            #expect(error.description.contains("HDF5_PLUGIN_PATH"))
        }
        // A declared 1e9 × 14 dataset with nothing stored: refused before allocating (it aborted).
        let huge = dir.appendingPathComponent("huge.h5").path
        let h = try HDF5File(path: huge)
        do { _ = try h.dataset("/wrench").read(Double.self); Issue.record("read a 112 GB dataset") } catch {
            guard case .implausibleSize(let values, _) = error.reason else { Issue.record("\(error)"); return }
            #expect(values == 14_000_000_000 && error.object == "/wrench")
        }
        // A chunked dataset over a scalar dataspace: refused before H5Dread, which allocated
        // without end on it (5.8 GB in 3 s; fuzzing found it).
        let scalar = try HDF5File(path: dir.appendingPathComponent("chunkedscalar.h5").path)
        do { _ = try scalar.dataset("/effort").read(Double.self); Issue.record("read a chunked scalar") } catch {
            #expect("\(error)".contains("chunked with chunk shape") && "\(error)".contains("a damaged header"), "\(error)")
        }
        // A variable-length string attribute whose global heap records a free-space object of
        // size 0: libhdf5 walked it for ever (so does h5py). Refused, naming the heap's offset;
        // the file's datasets still read.
        let loop = try HDF5File(path: dir.appendingPathComponent("heaploop.h5").path)
        do { _ = try loop.attributes(of: "/"); Issue.record("read an attribute from a looping heap") } catch {
            #expect(error.object == "/" && "\(error)".contains("global heap collection at byte 2048") && "\(error)".contains("records size 0"), "\(error)")
        }
        #expect(try loop.dataset("/ok").read(Double.self) == (0..<10).map(Double.init))
        // The string's heap object recording 2^64 - 8 bytes: refused (libhdf5 copied them).
        do { _ = try HDF5File(path: dir.appendingPathComponent("heapobject.h5").path).attributes(of: "/"); Issue.record("read a heap object larger than its heap") } catch {
            #expect("\(error)".contains("object 1 at byte") && "\(error)".contains("records size 18446744073709551608"), "\(error)")
        }
        // Five attributes whose fourth does not decode, after a root with five good ones:
        // libhdf5 closed stale table slots (a segfault in `inspect`). Refused, naming the object.
        let bad = try HDF5File(path: dir.appendingPathComponent("badattr.h5").path)
        #expect(try bad.attributes(of: "/").map(\.name) == ["a1", "a2", "a3", "a4", "a5"])
        do { _ = try bad.attributes(of: "/z"); Issue.record("listed attributes that do not decode") } catch {
            #expect(error.object == "/z" && "\(error)".contains("the attributes do not decode"), "\(error)")
        }
        #expect(try bad.dataset("/z").read(Double.self).count == 10)
        // An attribute name without its NUL: refused from the object header's bytes, before
        // libhdf5 strdup's it (it read past the header's buffer).
        let noname = try HDF5File(path: dir.appendingPathComponent("noname.h5").path)
        do { _ = try noname.attributes(of: "/"); Issue.record("listed an attribute whose name has no NUL") } catch {
            #expect("\(error)".contains("3-byte name has no terminating NUL"), "\(error)")
        }
        #expect(try noname.dataset("/ok").read(Double.self).count == 10)
        // 2^40 rows of zero values each: nothing to read, at once (it read 2^20 empty blocks).
        let empty = try HDF5File(path: dir.appendingPathComponent("emptyrows.h5").path).dataset("/qvel")
        let values = try empty.read(Double.self)
        #expect(empty.shape == [1 << 40, 0] && values.isEmpty)
        // A hard-link cycle: walked once, the link back listed but not entered.
        let cycle = try HDF5File(path: dir.appendingPathComponent("cycle.h5").path).walk()
        #expect(cycle.map(\.path) == ["/a", "/a/b", "/a/b/loop", "/a/b/x"], "\(cycle.map(\.path))")
        #expect(cycle.first { $0.path == "/a/b/loop" }?.kind == .other)
        // A chunk index recording 100 stored bytes for a 2400-byte unfiltered chunk: refused
        // (libhdf5 copied the whole chunk into the short buffer, a heap overflow under ASan).
        let short = dir.appendingPathComponent("shortchunk.h5").path
        let sc = try HDF5File(path: short)
        for (type, read) in [("Double", { _ = try sc.dataset("/force").read(Double.self) }), ("Float", { _ = try sc.dataset("/force").read(Float.self) })] as [(String, () throws -> Void)] {
            do { try read(); Issue.record("read a damaged chunk as \(type)") } catch {
                #expect("\(error)".contains("stores 100 bytes where a chunk holds 2400"), "\(error)")
            }
        }
    }
}
