import Foundation
import LongtailCore
import Testing
import TestSupport
import LongtailSynth
@testable import LongtailScan

/// The resampler's shared queues (the signals of one topic keep one time column) against
/// the same signals each in a queue of its own, and the enumeration table against the
/// profile's text-keyed map.
@Suite struct ResamplerTests {
    /// Three IMU-like continuous signals (one unwrapped) and two states, all on `topic`s
    /// that either share (`grouped`) or are one per signal.
    static func specs(grouped: Bool, unwrap: Bool) -> [SignalSpec] {
        func spec(_ name: String, _ topic: String, state: Bool = false) -> SignalSpec {
            var s = SignalSpec(name: name)
            s.topic = grouped ? topic : "/\(name)"
            s.field = "f"
            s.stamp = "header.stamp"
            if state { s.kind = "state"; s.maxGapS = 0.5 }
            return s
        }
        var yaw = spec("heading", "/imu")
        yaw.unwrap = unwrap
        return [spec("accel.x", "/imu"), spec("accel.y", "/imu"), yaw, spec("autonomy", "/mode", state: true),
                spec("wiper_level", "/mode", state: true)]
    }

    /// One message: a time and the value of each of the five signals.
    typealias Message = (t: Int64, values: [Double])

    /// Messages at about 100 Hz with jitter, a 0.6 s hole, a late message, a repeated time,
    /// NaNs, and a heading that wraps around ±π.
    static func messages() -> [Message] {
        var rng = SynthRandom(seed: 77)
        var out: [Message] = []
        var t: Int64 = 5_000_000_000
        for i in 0..<3000 {
            t += 10_000_000 + Int64(rng.uniform(-2e6...2e6))
            if i == 700 { t += 600_000_000 }                                  // a gap, for states too
            var v = [sin(Double(i) / 50), rng.uniform(-1...1), (Double(i) * 0.05).truncatingRemainder(dividingBy: 2 * .pi) - .pi,
                     Double(i / 400 % 2), Double(i / 250 % 3)]
            if i % 97 == 0 { v[1] = .nan }
            out.append((t, v))
            if i == 1200 { out.append((t, v.map { $0 + 0.5 })) }              // the same time again
            if i == 1500 { out.append((t - 50_000_000, v)) }                  // late: dropped
        }
        return out
    }

    /// Every tick's five values, the gaps and the late counts.
    static func run(_ r: Resampler, _ feed: (Resampler) -> Void) -> ([[Float]], [SignalGap], [Int]) {
        feed(r)
        var rows: [[Float]] = []
        let b = Resampler.blockTicks
        r.drain(final: true) { _, count, columns in
            for k in 0..<count { rows.append((0..<5).map { columns[$0 * b + k] }) }
        }
        return (rows, r.gaps, r.outOfOrder.map(\.count))
    }

    /// The first tick where the two runs differ in any bit, described; nil when identical.
    static func difference(_ a: [[Float]], _ b: [[Float]]) -> String? {
        guard a.count == b.count else { return "\(a.count) ticks vs \(b.count)" }
        for (k, (x, y)) in zip(a, b).enumerated() where !zip(x, y).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
            return "tick \(k): \(x) vs \(y)"
        }
        return nil
    }

    @Test func groupsAreTheSignalsOfOneTopicStampAndKind() {
        #expect(Resampler.groups(Self.specs(grouped: true, unwrap: false)) == [[0, 1, 2], [3, 4]])
        #expect(Resampler.groups(Self.specs(grouped: false, unwrap: false)) == [[0], [1], [2], [3], [4]])
        var wild = Self.specs(grouped: true, unwrap: false)
        wild[0].topic = "/im*"; wild[1].topic = "/im*"
        #expect(Resampler.groups(wild) == [[0], [1], [2], [3, 4]], "a wildcard topic may be several channels")
        var h5 = SignalSpec(name: "force.x"); h5.dataset = "/ft"; h5.column = 0
        var h5b = SignalSpec(name: "force.y"); h5b.dataset = "/ft"; h5b.column = 1
        #expect(Resampler.groups([h5, h5b]) == [[0], [1]], "HDF5 columns arrive one signal at a time")
    }

    @Test(arguments: [false, true])
    func sharedQueuesResampleExactlyLikeOneQueuePerSignal(unwrap: Bool) {
        let messages = Self.messages()
        func perSample(_ r: Resampler) {
            for m in messages { for s in 0..<5 { r.add(s, m.t, m.values[s]) } }
        }
        let reference = Self.run(Resampler(signals: Self.specs(grouped: false, unwrap: unwrap), rateHz: 50), perSample)
        let grouped = Self.run(Resampler(signals: Self.specs(grouped: true, unwrap: unwrap), rateHz: 50), perSample)
        #expect(reference.0.count > 1500)
        #expect(reference.0.contains { $0[0].isNaN } && reference.0.contains { !$0[0].isNaN }, "the gap shows")
        #expect(Self.difference(grouped.0, reference.0) == nil)
        #expect(grouped.1 == reference.1 && !reference.1.isEmpty)
        #expect(grouped.2 == reference.2 && reference.2 == [1, 1, 1, 1, 1])

        // Whole rows at once, as the fast path writes them (queues without unwrapping).
        guard !unwrap else { return }
        let rowWise = Self.run(Resampler(signals: Self.specs(grouped: true, unwrap: false), rateHz: 50)) { r in
            let imu = r.place(of: 0), mode = r.place(of: 3)
            for m in messages {
                if let row = r.row(imu.queue, m.t, columns: 0b111) { for c in 0..<3 { row[c] = Float(m.values[c]) } }
                if let row = r.row(mode.queue, m.t, columns: 0b11) { for c in 0..<2 { row[c] = Float(m.values[3 + c]) } }
            }
        }
        #expect(Self.difference(rowWise.0, reference.0) == nil)
        #expect(rowWise.1 == reference.1 && rowWise.2 == reference.2)
    }

    @Test func aSignalMissingFromAMessageIsMissingAtThatTime() {
        let r = Resampler(signals: Self.specs(grouped: true, unwrap: false), rateHz: 100)
        let s: Int64 = 1_000_000_000
        for i in 0..<10 {
            let t = s + Int64(i) * 10_000_000
            r.add(0, t, Double(i))
            if i != 4 { r.add(1, t, Double(i)) }
        }
        var column1: [Float] = []
        r.drain(final: true) { _, count, columns in
            for k in 0..<count { column1.append(columns[Resampler.blockTicks + k]) }
        }
        #expect(column1.count == 10)
        #expect(column1[4].isNaN && column1[3] == 3 && column1[5] == 5)
    }

    @Test func oneDroppedMessageOfASlowSignalIsNotAGap() {
        // A 10 Hz wheel speed with ±10 ms of stamp jitter: one dropped message leaves
        // 0.19–0.21 s between samples, which the 0.2 s default cut into a gap (NaN ticks that
        // split every run reading the speed). Two periods and a half is the default now: one
        // drop is interpolated, three in a row (0.4 s) are a gap; a profile's `max_gap_s`
        // still decides where it is given.
        func ticks(maxGap: Double?) -> [Float] {
            var spec = SignalSpec(name: "speed")
            spec.topic = "/velocity"; spec.field = "v"; spec.stamp = "header.stamp"; spec.maxGapS = maxGap
            let r = Resampler(signals: [spec], rateHz: 50)
            var rng = SynthRandom(seed: 5)
            for i in 0..<100 where i != 40 && !(70...72).contains(i) {
                // Jitter of ±10 ms; around the single drop the stamps lean apart (0.216 s).
                let jitter = i == 39 ? -8e6 : i == 41 ? 8e6 : rng.uniform(-1e7...1e7)
                r.add(0, 1_000_000_000 + Int64(i) * 100_000_000 + Int64(jitter), Double(i))
            }
            var out: [Float] = []
            r.drain(final: true) { _, count, columns in out += (0..<count).map { columns[$0] } }
            return out
        }
        // Ticks every 20 ms from the first sample (≈ 1.0 s): the single drop is between
        // 4.9 s and 5.1 s (ticks ≈ 195–205), the triple one between 7.9 s and 8.3 s (≈ 345–365).
        let adaptive = ticks(maxGap: nil)
        #expect(adaptive.count > 450)
        #expect(!adaptive[185..<215].contains { $0.isNaN }, "one drop interpolated")
        #expect(adaptive[350..<360].allSatisfy { $0.isNaN }, "three drops are a gap")
        #expect(ticks(maxGap: 0.15)[196..<204].allSatisfy { $0.isNaN }, "an explicit max_gap_s decides")
    }

    @Test func enumerationTableMatchesTheTextKeys() {
        var spec = SignalSpec(name: "autonomy")
        spec.map = ["0": 0, "1": 1, "2": 1, "-3": 5, "1000": 7, "01": 4, "+2": 8, "1.5": 9, "x": 3]
        let combiner = spec.combiner()
        var inputs: [Double] = Array(-10...1010).map(Double.init)
        inputs += [1.5, 0.5, -0.0, .nan, .infinity, -.infinity, 1e20, -1e20, 4097, 1e15, -3.0000001]
        for v in inputs {
            let expected = spec.map![SignalSpec.key(v)] ?? .nan
            let got = combiner.value { _ in v }
            #expect(got == expected || (got.isNaN && expected.isNaN), "\(v): \(got) vs \(expected)")
        }
    }
}
