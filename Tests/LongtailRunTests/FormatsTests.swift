import Foundation
import LongtailHDF5
import LongtailOutput
import LongtailRun
import LongtailScan
import LongtailSupport
import Testing
import TestSupport

/// One profile, one log, every encoding: the Husky recording as its ROS 1 bag, as the ROS 2
/// (CDR) MCAP converted from it, as a ros1 MCAP (the bag exported by `ClipExport`), as a
/// json MCAP and as a protobuf MCAP (the CDR messages rewritten by Python: mcap-protobuf-
/// support's writer, header stamps as google.protobuf.Timestamp) scans to the same segments,
/// features, events and alignment values with `docs/profiles/husky.toml`.
@Suite(.serialized) struct FormatsTests {
    static var bag: String? { TestSupport.sharedData?.appendingPathComponent("ros1/husky-outdoor-395s.bag").path }
    static var cdr: String? { TestSupport.real("husky-outdoor-395s.mcap") }

    struct Scanned {
        var segments: [(Int64, Int64, [UInt64])]
        var events: [String]
        /// Per alignment segment index: signal → (times, value bits).
        var alignment: [Int: [String: ([Int64], [UInt64])]]
    }

    static func scan(_ path: String, out: String) throws -> Scanned {
        var o = BatchOptions(paths: [path], out: out, profile: try Profile.load(TestSupport.repoRoot.appendingPathComponent("docs/profiles/husky.toml").path))
        var tiers = TierOptions()
        tiers.budget = .count(5)
        o.tiers = tiers
        let r = try BatchRun.run(o)
        #expect(r.failures.isEmpty, "\(path): \(r.failures.map(\.reason))")
        _ = try ResultWriter.write(r, to: out, options: tiers)
        let s = try #require(r.sources.first)
        #expect(s.scan.warnings.isEmpty && s.scan.missing.isEmpty, "\(path): \(s.scan.warnings) \(s.scan.missing)")
        let whole = try BatchRun.run(BatchOptions(paths: [path], out: nil, profile: o.profile)).sources[0].scan
        var alignment: [Int: [String: ([Int64], [UInt64])]] = [:]
        let h5 = try HDF5File(path: out + "/alignment/segments.h5")
        for group in try h5.childNames(of: "/") {
            let index = Int(group.split(separator: "-").last!)!
            for signal in try h5.childNames(of: "/" + group) {
                let times = try h5.dataset("/\(group)/\(signal)/t_ns").read(Double.self).map { Int64($0) }
                let values = try h5.dataset("/\(group)/\(signal)/value").read(Double.self).map(\.bitPattern)
                alignment[index, default: [:]][signal] = (times, values)
            }
        }
        return Scanned(segments: whole.segments.map { ($0.startNs, $0.endNs, $0.features.map(\.bitPattern)) },
                       events: whole.events.map { "\($0.name) \($0.startNs) \($0.endNs)" }, alignment: alignment)
    }

    @Test(.enabled(if: TestSupport.sharedData != nil, TestSupport.sharedDataMissingComment))
    func oneProfileReadsEveryEncodingAlike() throws {
        let dir = TestSupport.temporaryDirectory("formats")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bag = try #require(Self.bag), cdr = try #require(Self.cdr)
        // ros1 MCAP: the whole bag exported.
        let ros1 = dir.appendingPathComponent("husky-ros1.mcap").path
        let exported = try ClipExport.mcap(source: SourceID(file: bag), start: 0, end: .max, to: ros1)
        #expect(exported.messages == 16806 && exported.channels == 3)
        var inputs = [("bag", bag), ("cdr", cdr), ("ros1", ros1)]
        if let python = TestSupport.interopPython {
            for (name, script) in [("json", "to_json_mcap.py"), ("protobuf", "to_protobuf_mcap.py")] {
                let out = dir.appendingPathComponent("husky-\(name).mcap").path
                let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/\(script)").path, cdr, out])
                #expect(r.status == 0, "\(r.stderr)")
                inputs.append((name, out))
            }
        } else {
            Issue.record("no Python with mcap and mcap-ros2-support: run scripts/bootstrap.sh")
        }
        let reference = try Self.scan(cdr, out: dir.appendingPathComponent("out-cdr").path)
        #expect(reference.segments.count == 79 && reference.alignment.count == 5)
        for (name, path) in inputs where name != "cdr" {
            let other = try Self.scan(path, out: dir.appendingPathComponent("out-\(name)").path)
            #expect(other.segments.count == reference.segments.count, "\(name)")
            for (a, b) in zip(other.segments, reference.segments) {
                #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2, "\(name): segment at \(b.0) differs")
            }
            #expect(other.events == reference.events, "\(name)")
            #expect(Set(other.alignment.keys) == Set(reference.alignment.keys), "\(name)")
            for (k, signals) in reference.alignment {
                for (signal, series) in signals {
                    let mine = other.alignment[k]?[signal]
                    #expect(mine?.0 == series.0 && mine?.1 == series.1, "\(name): alignment segment \(k) \(signal)")
                }
            }
        }
    }
}
