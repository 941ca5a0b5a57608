import LongtailCore
import LongtailScan
import Testing
@testable import LongtailRun

/// The `.work` result files a batch keeps per input file: they read back exactly, and a
/// damaged one is a typed error, never a crash.
@Suite struct FileResultTests {
    static func sample() -> FileResult {
        var scan = SourceScan(source: "/data/demos.hdf5#/data/demo_1")
        scan.segments = [SegmentRecord(source: scan.source, index: 0, startNs: 0, endNs: 2_000_000_000, features: [1.5, .nan, -.infinity]),
                         SegmentRecord(source: scan.source, index: 1, startNs: 1_000_000_000, endNs: 3_000_000_000, features: [0, 2, 3])]
        scan.events = [DetectedEvent(name: "insert", kind: "manipulation", startNs: 5, endNs: 9, confidence: 0.75,
                                     facts: [("peak_axial_force_n", .number(12.5)), ("note", .text("ünïcode"))])]
        scan.clips = [EventClip(source: scan.source, index: 0, startNs: 1, endNs: 20, event: "insert")]
        scan.gaps = [SignalGap(signal: "force.z", startNs: 100, endNs: 900)]
        scan.found = ["force.z": "/data/demo_1/ft[2]", "gripper": "/data/demo_1/grip[0]"]
        scan.missing = ["torque.z"]
        scan.disabled = [(event: "twist", missing: ["torque.z"])]
        scan.warnings = ["one", "two"]
        scan.messages = 7; scan.bytes = 1 << 40; scan.ticks = 300
        scan.pretrain = PretrainSeries(channels: ["force.z", "gripper"], isState: [false, true], t0Ns: 42, periodNs: 10_000_000,
                                       factor: 1, values: [[1, .nan, 3], [0, 0, 1]])
        return FileResult(path: "/data/demos.hdf5", size: 12345, modifiedNs: 1_700_000_000_123_456_789, hash: "0123456789abcdef",
                          profile: "robomimic", scans: [scan], failure: nil)
    }

    @Test func resultsReadBackExactly() throws {
        let r = Self.sample()
        let back = try FileResult.decode(r.encoded())
        #expect(back.path == r.path && back.size == r.size && back.modifiedNs == r.modifiedNs && back.hash == r.hash)
        #expect(back.profile == r.profile && back.failure == nil && back.scans.count == 1)
        let (a, b) = (r.scans[0], back.scans[0])
        #expect(b.id == a.id && b.events == a.events && b.clips == a.clips && b.gaps == a.gaps && b.found == a.found)
        #expect(b.missing == a.missing && b.warnings == a.warnings && b.disabled.map(\.event) == ["twist"])
        #expect((b.messages, b.bytes, b.ticks) == (7, 1 << 40, 300))
        #expect(b.segments.map(\.features).flatMap { $0 }.map(\.bitPattern) == a.segments.map(\.features).flatMap { $0 }.map(\.bitPattern))
        #expect(b.pretrain?.values.flatMap { $0 }.map(\.bitPattern) == a.pretrain?.values.flatMap { $0 }.map(\.bitPattern))
        #expect(b.pretrain?.t0Ns == 42 && b.pretrain?.isState == [false, true])
        // Without the pretraining series: the same sources, no series.
        let light = try FileResult.decode(r.encoded(), pretrain: false)
        #expect(light.scans[0].pretrain == nil && light.scans[0].events == a.events)
        // A failure reads back as one.
        var failed = r
        failed.scans = []; failed.failure = "bad magic"
        #expect(try FileResult.decode(failed.encoded()).failure == "bad magic")
    }

    @Test func damagedResultsAreTypedErrors() throws {
        let bytes = Self.sample().encoded()
        // Cut at every length: an error naming the offset, or (never) a crash.
        for n in 0..<bytes.count {
            #expect(throws: BinaryFormatError.self) { _ = try FileResult.decode(Array(bytes.prefix(n))) }
        }
        var other = bytes
        other[8 + FileResult.magic.utf8.count - 1] = UInt8(ascii: "9")   // another format version
        #expect { _ = try FileResult.decode(other) } throws: { "\($0)".contains("not a Longtail result file") }
        #expect(throws: BinaryFormatError.self) { _ = try FileResult.decode(bytes + [0]) }
        // A length field set to 2^63 − 1 is refused, not allocated.
        var huge = bytes
        let at = 8 + FileResult.magic.utf8.count   // the path's length
        for k in 0..<8 { huge[at + k] = k == 7 ? 0x7f : 0xff }
        #expect(throws: BinaryFormatError.self) { _ = try FileResult.decode(huge) }
    }
}
