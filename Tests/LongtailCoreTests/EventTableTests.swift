import Testing
@testable import LongtailCore

/// The one event table: every consumer's view (names, kinds, thresholds, requirements)
/// comes from it, and it agrees with EVENTS.md's taxonomy.
@Suite struct EventTableTests {
    @Test func everyEventOfTheTaxonomyIsListedOnce() {
        let driving = ["hard_brake", "harsh_acceleration", "high_lateral_accel", "high_jerk", "swerve", "disengagement",
                       "low_ttc", "cut_in", "pedestrian_crossing", "vulnerable_road_user_close", "wrong_way_actor",
                       "heavy_rain", "snow", "fog", "low_visibility", "icy_road"]
        let robot = ["insert", "extract", "pull", "push", "twist", "contact_spike"]
        #expect(EventTable.events(in: .driving).map(\.name) == driving)
        #expect(EventTable.events(in: .robot).map(\.name) == robot)
        #expect(EventTable.names == (driving + robot).sorted())
        #expect(EventTable.kinds == ["actor", "ego", "manipulation", "weather"])
        #expect(EventTable.kind(of: "cut_in") == "actor" && EventTable.kind(of: "nope") == nil)
    }

    @Test func thresholdsBelongToTheirEventAndAreOverridable() throws {
        for spec in EventTable.all {
            #expect(spec.thresholds.allSatisfy { $0.0.hasPrefix(spec.name + ".") }, "\(spec.name)")
            #expect(!spec.facts.isEmpty && Set(spec.facts).count == spec.facts.count, "\(spec.name)")
        }
        // EVENTS.md defaults, spot-checked by hand.
        #expect(Thresholds.driving["hard_brake.accel_mps2"] == -4.0 && Thresholds.driving["ego.front_m"] == 3.8)
        #expect(Thresholds.driving["low_ttc.warn_s"] == 1.5 && Thresholds.robot["twist.torque_nm"] == 0.3)
        #expect(Thresholds.driving.count == 57 && Thresholds.robot.count == 28)
        #expect(Thresholds.driving["ego.axle_to_front_m"] == 3.8 && Thresholds.robot["insert.click_drop_fraction"] == 0.4)
        #expect(Thresholds.robot["insert.jam_rise_ratio"] == 1.5 && Thresholds.robot["insert.retreat_mm"] == 1)
        // Noise floors and hysteresis (docs/events.md): exits sit between the noise and the enter threshold.
        #expect(Thresholds.driving["snow.mm_h"] == 0.7 && Thresholds.driving["snow.exit_mm_h"] == 0.6)
        #expect(Thresholds.driving["low_ttc.exit_s"]! > Thresholds.driving["low_ttc.warn_s"]!)
        #expect(Thresholds.robot["insert.min_depth_mm"] == 5 && Thresholds.driving["insert.min_depth_mm"] == nil)
        let t = try Thresholds(Thresholds.driving, overrides: ["snow.mm_h": 1])
        #expect(t["snow.mm_h"] == 1)
    }

    @Test func disabledEventsNameWhatIsMissing() {
        #expect(EventTable.disabled(in: .driving, available: []).count == 16)
        let all: Set<String> = ["accel.x", "accel.y", "speed", "yaw_rate", "autonomy", "actors", "precipitation_mm_h",
                                "ambient_temperature_c", "visibility_m", "abs_active"]
        #expect(EventTable.disabled(in: .driving, available: all).isEmpty)
        // `a|b`: either signal will do.
        let wipers = EventTable.disabled(in: .driving, available: ["wiper_level"])
        #expect(!wipers.contains { $0.event == "heavy_rain" })
        let icy = EventTable.disabled(in: .driving, available: ["ambient_temperature_c"]).first { $0.event == "icy_road" }
        #expect(icy?.missing == ["abs_active|esc_active|tcs_active"])
        let events = [DetectedEvent(name: "fog", kind: "weather", startNs: 0, endNs: 1, confidence: 1, facts: []),
                      DetectedEvent(name: "hard_brake", kind: "ego", startNs: 0, endNs: 1, confidence: 1, facts: [])]
        #expect(EventTable.enabled(events, in: .driving, available: ["accel.x", "speed"]).map(\.name) == ["hard_brake"])
    }
}
