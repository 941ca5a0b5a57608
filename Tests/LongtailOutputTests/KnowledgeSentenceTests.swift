import LongtailCore
import Testing
@testable import LongtailOutput

/// The knowledge record's sentence says what happened, outcome included: a failed
/// insertion does not read as a success (issue 16).
@Suite struct KnowledgeSentenceTests {
    static func insert(_ facts: [(String, DetectedEvent.Fact)]) -> DetectedEvent {
        DetectedEvent(name: "insert", kind: "manipulation", startNs: 0, endNs: 1_000_000_000, confidence: 0.9, facts: facts)
    }

    @Test func insertionsSayTheirOutcome() {
        let jammed = Knowledge.sentence(Self.insert([("outcome", .text("jammed")), ("force_rise_n", .number(24)),
                                                     ("peak_axial_force_n", .number(30.04)), ("insertion_depth_mm", .number(0.21))]))
        #expect(jammed.hasPrefix("An insertion jammed") && jammed.contains("30 N") && jammed.contains("0.21 mm"), "\(jammed)")
        let aborted = Knowledge.sentence(Self.insert([("outcome", .text("aborted")), ("peak_axial_force_n", .number(8.2)),
                                                      ("duration_s", .number(1.6))]))
        #expect(aborted.hasPrefix("An insertion was aborted after 1.6 s"), "\(aborted)")
        let click = Knowledge.sentence(Self.insert([("outcome", .text("seated")), ("click_drop_n", .number(20)),
                                                    ("insertion_depth_mm", .number(3.5))]))
        #expect(click.hasPrefix("The robot snapped a part home 3.5 mm deep"), "\(click)")
        let peg = Knowledge.sentence(Self.insert([("outcome", .text("seated")), ("insertion_depth_mm", .number(9))]))
        #expect(peg.hasPrefix("The robot inserted a part 9 mm deep"), "\(peg)")
    }
}
