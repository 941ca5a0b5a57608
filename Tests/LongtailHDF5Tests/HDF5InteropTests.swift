import Foundation
import Testing
import TestSupport
import LongtailMCAP
@testable import LongtailHDF5

/// Longtail's HDF5 reader and writer against h5py + hdf5plugin (an independent stack:
/// h5py's wheels bundle HDF5 2.x; Longtail links Debian's 1.10.8).
@Suite struct HDF5InteropTests {
    static let scripts = TestSupport.repoRoot.appendingPathComponent("Tests/Interop")

    static func bitsEqual(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern }

    /// h5py writes the four layouts × contiguous/chunked/gzip/shuffle+gzip/zstd in float32,
    /// float64 and int16; Longtail reads bit-identical values, streaming in small blocks too.
    @Test func readsWhatH5pyWrote() throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with h5py and hdf5plugin: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("h5-py")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TestSupport.run(python, [Self.scripts.appendingPathComponent("write_h5.py").path, dir.path])
        try #require(r.status == 0, "write_h5.py failed: \(r.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as! [String: Any]
        #expect(manifest.count == 20)
        var datasetsChecked = 0
        for (name, entry) in manifest {
            let entry = entry as! [String: Any]
            let file = try HDF5File(path: dir.appendingPathComponent(name).path)
            let listed = Set(try file.walk().filter { $0.kind == .dataset }.map(\.path))
            let datasets = entry["datasets"] as! [String: [String: Any]]
            #expect(listed == Set(datasets.keys.map { "/" + $0 }), "\(name): walk")
            for (path, info) in datasets {
                let ds = try file.dataset("/" + path)
                #expect(ds.shape == (info["shape"] as! [Int]), "\(name) \(path) shape")
                let bin = try Data(contentsOf: dir.appendingPathComponent(name + ".expected")
                    .appendingPathComponent(path.replacingOccurrences(of: "/", with: "__") + ".bin"))
                let expected = bin.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
                let doubles = try ds.read(Double.self)
                #expect(doubles.count == expected.count && zip(doubles, expected).allSatisfy(Self.bitsEqual),
                        "\(name) \(path) as Double")
                // Streaming in blocks of 7 rows gives the same values.
                var streamed: [Double] = []
                try ds.forEachBlock(Double.self, blockRows: 7) { (b, _) throws(HDF5Error) in streamed += b }
                #expect(streamed.count == expected.count && zip(streamed, expected).allSatisfy(Self.bitsEqual),
                        "\(name) \(path) streamed")
                // A range that starts and ends inside chunks, through the direct-chunk path and
                // through hyperslab reads (blockRows forces those).
                if ds.rows > 10 {
                    let sub = 3..<(ds.rows - 2)
                    let want = Array(expected[(3 * ds.rowWidth)..<((ds.rows - 2) * ds.rowWidth)])
                    let direct = try ds.read(Double.self, rows: sub)
                    var sliced: [Double] = []
                    try ds.forEachBlock(Double.self, rows: sub, blockRows: 1000) { (b, _) throws(HDF5Error) in sliced += b }
                    #expect(direct.count == want.count && zip(direct, want).allSatisfy(Self.bitsEqual), "\(name) \(path) rows \(sub)")
                    #expect(sliced.count == want.count && zip(sliced, want).allSatisfy(Self.bitsEqual), "\(name) \(path) sliced")
                }
                let dtype = info["dtype"] as! String
                if dtype == "float32" || dtype == "int16" {
                    let floats = try ds.read(Float.self)
                    #expect(zip(floats, expected).allSatisfy { $0.bitPattern == Float($1).bitPattern }, "\(name) \(path) as Float")
                }
                if name.hasSuffix("-zstd.h5") && ds.shape.count > 0 {
                    #expect(ds.filters.map(\.id) == [32015], "\(name) \(path) filters")
                }
                datasetsChecked += 1
            }
            let attrs = entry["attrs"] as! [String: [String: Any]]
            for (object, kv) in attrs {
                let got = try file.attributes(of: object)
                for (k, v) in kv {
                    let value = got.first { $0.name == k }?.value
                    if let s = v as? String { #expect(value?.string == s, "\(name) \(object)@\(k)") } else {
                        #expect(value == .integers([Int64(v as! Int)]), "\(name) \(object)@\(k)")
                    }
                }
            }
        }
        #expect(datasetsChecked > 100)
    }

    /// Longtail writes chunked zstd/deflate/shuffle and contiguous datasets with numeric and
    /// string attributes; h5py reads identical values.
    @Test func h5pyReadsWhatLongtailWrote() throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with h5py and hdf5plugin: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("h5-lt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.h5").path
        let w = try HDF5Writer(path: path)
        let f32: [Float] = (0..<3000).map { Float($0) * 0.37 - 11 } + [.nan, .infinity, -0.0]
        let f64: [Double] = (0..<1000).map { sin(Double($0)) * 1e3 }
        let i16: [Int16] = (0..<600).map { Int16($0 * 53 % 65536 - 32768) }
        try w.writeDataset("/episode/force", values: f32, shape: [1001, 3], chunkRows: 100, compression: .zstd(level: 3))
        try w.writeDataset("/episode/pose", values: f64, shape: [100, 10], chunkRows: 16, compression: .deflate(level: 4), shuffle: true)
        try w.writeDataset("/episode/gripper", values: i16, shape: [300, 2])
        let grow = try w.appendableDataset("/episode/stream", of: Double.self, rowShape: [2], chunkRows: 64)
        for k in 0..<5 { try [Double](repeating: Double(k), count: 2 * 50).withUnsafeBufferPointer { b throws(HDF5Error) in try grow.append(b) } }
        try w.setAttribute("source", on: "/", .strings(["synth/ep-7.h5"]))
        try w.setAttribute("interval_ns", on: "/episode", .integers([1_700_000_000_000_000_000, 1_700_000_002_000_000_000]))
        try w.setAttribute("scale", on: "/episode/force", .floats([0.001]))
        try w.setAttribute("events", on: "/episode", .strings(["insert", "twist"]))
        try w.close()

        let r = try TestSupport.run(python, [Self.scripts.appendingPathComponent("read_h5.py").path, path])
        try #require(r.status == 0, "read_h5.py failed: \(r.stderr)")
        // Parsed with Longtail's JSON reader: Foundation's misreads some 17-digit floats on Linux.
        let out = try DecodedComparison.parse([UInt8](r.stdout))
        func values(_ p: String) -> [DecodedValue] {
            if case .array(let v)? = out["datasets"]?[p]?["values"] { return v }
            return []
        }
        func same(_ got: [DecodedValue], _ want: [Double]) -> Bool {
            got.count == want.count && zip(got, want).allSatisfy { g, w in
                if case .string(let s) = g { return (s == "nan" && w.isNaN) || (s == "inf" && w == .infinity) }
                guard let d = g.doubleValue else { return false }
                return d.bitPattern == w.bitPattern || (d == 0 && w == 0)
            }
        }
        let force = same(values("/episode/force"), f32.map(Double.init))
        let pose = same(values("/episode/pose"), f64)
        let gripper = same(values("/episode/gripper"), i16.map(Double.init))
        let stream = same(values("/episode/stream"), (0..<5).flatMap { [Double](repeating: Double($0), count: 100) })
        #expect(force && pose && gripper && stream, "force \(force) pose \(pose) gripper \(gripper) stream \(stream)")
        #expect(out["datasets"]?["/episode/force"]?["dtype"] == .string("float32"))
        #expect(out["datasets"]?["/episode/force"]?["shape"] == .array([.int(1001), .int(3)]))
        #expect(out["datasets"]?["/episode/force"]?["filters"] == .array([.string("32015")]))
        #expect(out["datasets"]?["/episode/pose"]?["filters"] == .array([.string("shuffle"), .string("gzip")]))
        #expect(out["datasets"]?["/episode/gripper"]?["dtype"] == .string("int16"))
        #expect(out["datasets"]?["/episode/gripper"]?["chunks"] == .null)
        #expect(out["datasets"]?["/episode/stream"]?["shape"] == .array([.int(250), .int(2)]))
        #expect(out["attrs"]?["/"]?["source"] == .string("synth/ep-7.h5"))
        #expect(out["attrs"]?["/episode"]?["events"] == .array([.string("insert"), .string("twist")]))
        #expect(out["attrs"]?["/episode"]?["interval_ns"] == .array([.float64(1.7e18), .float64(1.700000002e18)]))
        #expect(out["attrs"]?["/episode/force"]?["scale"] == .array([.float64(0.001)]))

        // And Longtail reads its own file back.
        let back = try HDF5File(path: path)
        #expect(try back.dataset("/episode/force").read(Float.self).map(\.bitPattern) == f32.map(\.bitPattern))
        #expect(try back.attributes(of: "/episode").first { $0.name == "events" }?.value == .strings(["insert", "twist"]))
    }
}
