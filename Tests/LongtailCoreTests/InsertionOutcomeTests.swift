import Foundation
import Testing
@testable import LongtailCore

/// The insertion family with its outcomes (issue 16, EVENTS.md): snap-fits that click home,
/// jams, aborted attempts, and contacts that are no insertion at all, built here phase by
/// phase at 200 Hz (a wrist F/T rate of real assembly robots) with sensor noise — not by
/// the synth the detector is otherwise scored on.
@Suite struct InsertionOutcomeTests {
    /// An episode written phase by phase: each phase sets the compressive force (N, along
    /// the approach) and the advance (m) as functions of its own progress 0…1.
    struct Script {
        var noise: NoisySensorTests.Noise
        var signals = RobotEpisodeSignals(t0Ns: DetectorTests.t0, dt: 0.005)
        var force = 0.0, z = 0.2, t = 0.0
        /// A force bias that creeps by this many N per second.
        var drift = 0.0

        init(seed: UInt64) { noise = NoisySensorTests.Noise(state: seed) }

        mutating func phase(_ seconds: Double, force to: Double? = nil, advance: Double = 0) {
            let (f0, z0) = (force, z), f1 = to ?? force
            let n = max(1, Int((seconds / 0.005).rounded()))
            for i in 1...n {
                let u = Double(i) / Double(n)
                force = f0 + (f1 - f0) * u
                z = z0 + advance * u
                t += 0.005
                let fz = -force + drift * t + noise.gaussian(0.1)
                signals.append([Float(noise.gaussian(0.08)), Float(noise.gaussian(0.08)), Float(fz), Float(noise.gaussian(0.003)),
                                0.45, 0.0, Float(z + noise.gaussian(0.00002)), .nan, 0.015])
            }
        }

        /// Still for 2 s, a free approach of 10 mm, and first contact building to `force`
        /// over 0.15 s. Returns when contact began.
        mutating func approach(touching force: Double) -> Double {
            phase(2)
            phase(0.5, advance: 0.01)
            let start = t
            phase(0.15, force: force)
            return start
        }

        /// Backs off: the press fades over 0.1 s as the tool lifts 1 mm, then it leaves.
        /// Returns when contact was lost.
        mutating func backOff() -> Double {
            phase(0.1, force: 0, advance: -0.001)
            let lost = t
            phase(0.5, advance: -0.02)
            phase(2)
            return lost
        }

        func detect() throws -> [DetectedEvent] {
            var available = Set(RobotEpisodeSignals.signalNames)
            available.remove("rotation")
            return RobotDetector.detect(signals, thresholds: try Thresholds(Thresholds.robot), available: available)
                .filter { $0.name == "insert" }
        }
    }

    static func outcome(_ e: DetectedEvent) -> String? {
        for (k, v) in e.facts where k == "outcome" { if case .text(let s) = v { return s } }
        return nil
    }

    static func describe(_ events: [DetectedEvent]) -> String {
        events.map { "\(outcome($0) ?? "?") \(NoisySensorTests.seconds($0.startNs))–\(NoisySensorTests.seconds($0.endNs))" }.joined(separator: ", ")
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func aSnapFitClicksHomeAndIsSeated(seed: UInt64) throws {
        // 3.5 mm in all: under the 5 mm a peg needs, so only the click can tell.
        var s = Script(seed: seed)
        let start = s.approach(touching: 4)
        s.phase(0.6, force: 25, advance: 0.002)       // the snap arms flex
        s.phase(0.015, force: 5, advance: 0.0015)     // click
        s.phase(0.3)                                  // settle
        let end = s.t
        s.phase(0.4, force: 0)                        // release
        s.phase(0.5, advance: -0.02)                  // leave
        s.phase(2)
        let found = try s.detect()
        #expect(found.count == 1 && found.first.map(Self.outcome) == "seated", "\(Self.describe(found))")
        if let e = found.first { #expect(NoisySensorTests.iou(e, start, end) > 0.6, "\(Self.describe(found))") }
    }

    @Test(arguments: [UInt64(4), 5, 6])
    func aJamIsAFailedInsertion(seed: UInt64) throws {
        // The force climbs from 4 N to 30 N while the part gives 0.2 mm; nothing clicks; the
        // robot backs off (and the force falls fast as it does: a release, not a click).
        var s = Script(seed: seed)
        let start = s.approach(touching: 4)
        s.phase(1.0, force: 30, advance: 0.0002)
        s.phase(0.3)
        let end = s.backOff()
        let found = try s.detect()
        #expect(found.count == 1 && found.first.map(Self.outcome) == "jammed", "\(Self.describe(found))")
        if let e = found.first { #expect(NoisySensorTests.iou(e, start, end) > 0.8, "\(Self.describe(found))") }
    }

    @Test(arguments: [UInt64(7), 8, 9])
    func aSearchThatGivesUpIsAborted(seed: UInt64) throws {
        var s = Script(seed: seed)
        let start = s.approach(touching: 8)
        s.phase(1.5)                                  // search at a steady 8 N, no hole
        let end = s.backOff()
        let found = try s.detect()
        #expect(found.count == 1 && found.first.map(Self.outcome) == "aborted", "\(Self.describe(found))")
        if let e = found.first { #expect(NoisySensorTests.iou(e, start, end) > 0.8, "\(Self.describe(found))") }
    }

    @Test func aPartSetDownIsNoInsertion() throws {
        // Pressed onto a table at 5 N for a second, then let go where it lies: no advance,
        // no rise, no retreat within half a second.
        var s = Script(seed: 10)
        _ = s.approach(touching: 5)
        s.phase(1.0)
        s.phase(0.4, force: 0)
        s.phase(2)
        let found = try s.detect()
        #expect(found.isEmpty, "\(Self.describe(found))")
    }

    @Test func aDriftingForceBiasMakesNoContact() throws {
        // A peg goes 9 mm home at 10 s; the force bias creeps toward compression by
        // 0.025 N/s (0.75 N by 30 s); at 30 s a light touch of 1.2 N for half a second, and
        // the tool leaves. Read against the bias of the first still frames, the touch reads
        // 1.95 N, past the 1.5 N contact level, and ends in a retreat: an aborted insertion.
        // One insertion, seated, and nothing from the drift or the touch.
        var s = Script(seed: 11)
        s.drift = -0.025
        s.phase(9)
        s.phase(0.5, advance: 0.01)
        s.phase(0.15, force: 8)
        s.phase(1.0)                                  // search
        s.phase(0.4, force: 3, advance: 0.009)        // hole found: advance as the force falls
        s.phase(0.05, force: 25)                      // seating spike
        s.phase(0.1, force: 5)
        s.phase(0.4, force: 0)
        s.phase(0.5, advance: -0.03)
        s.phase(17)
        s.phase(0.1, force: 1.2)                      // the light touch
        s.phase(0.5)
        s.phase(0.1, force: 0)
        s.phase(0.5, advance: -0.03)
        s.phase(2)
        let found = try s.detect()
        #expect(found.count == 1 && found.first.map(Self.outcome) == "seated", "\(Self.describe(found))")
    }
}
