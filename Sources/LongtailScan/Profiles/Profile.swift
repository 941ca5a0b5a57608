import Foundation
import LongtailCore

/// How to turn one kind of log into canonical signals: which topic field or dataset column
/// feeds each signal, with units, axes and enumerations, plus the scan clock, the segment
/// windows and threshold overrides. Written in TOML (`docs/profiles.md`).
public struct Profile: Sendable, Equatable {
    /// Driving or robot: the domain of the event table (`EventTable.Domain`).
    public typealias Domain = EventTable.Domain

    public var name: String
    public var description: String
    public var domain: Domain
    /// The scan clock: every signal is resampled onto ticks at this rate.
    public var rateHz: Double
    public var windowSeconds: Double
    public var hopSeconds: Double
    /// Event-centred clips (for the alignment tier) extend an event by this much on each side.
    public var clipPadSeconds: Double
    public var signals: [SignalSpec]
    public var actors: ActorSpec?
    /// HDF5 only: a group whose children are episodes (robomimic's `/data`); dataset paths
    /// are then relative to each child. Absent: the file is one episode.
    public var episodeGroup: String?
    /// HDF5 only: a root attribute holding the episode's start time in ns (for fixed-rate data).
    public var t0Attribute: String?
    public var thresholds: Thresholds
    /// The TOML it was read from (kept with batch results, so a merge or a resumed run
    /// uses exactly the same profile).
    public internal(set) var toml = ""

    /// The canonical signal names this profile's domain knows.
    public var canonicalNames: [String] { domain == .driving ? DrivingFrame.signalNames : RobotEpisodeSignals.signalNames }

    /// Canonical signals the profile maps (plus `actors` when it maps object lists).
    public var available: Set<String> {
        var s = Set(signals.map(\.name))
        if actors != nil { s.insert("actors") }
        return s
    }

    /// Events the profile cannot detect, with the signals they miss.
    public var disabledEvents: [(event: String, missing: [String])] {
        EventTable.disabled(in: domain, available: available)
    }
}

/// One canonical signal's source.
public struct SignalSpec: Sendable, Equatable, Codable {
    /// Canonical name (`speed`, `accel.x`, `force.z`, ...).
    public var name: String
    // MCAP
    /// Topic, or a pattern with `*` wildcards.
    public var topic: String?
    /// Field path inside the message, as `cat` shows it: `twist.linear.x`, `effort[3]`.
    public var field: String?
    /// Several fields, combined by `weights` or `transform`.
    public var fields: [String]?
    /// Field holding the sample time (`header.stamp`: its sec and nanosec); default: log time.
    public var stamp: String?
    // HDF5
    public var dataset: String?
    public var column: Int?
    public var columns: [Int]?
    /// Dataset of sample times (same length as `dataset`), in seconds unless `timestamp_scale` says otherwise.
    public var timestamps: String?
    /// Multiplier from the timestamp unit to nanoseconds (default 1e9: seconds).
    public var timestampScale: Double?
    /// Fixed sample rate when there is no timestamp dataset.
    public var rateHz: Double?
    // Both
    /// Linear combination of `fields`/`columns`.
    public var weights: [Double]?
    /// `yaw`: heading from a quaternion given as four fields/columns x, y, z, w.
    public var transform: String?
    public var scale: Double?
    public var offset: Double?
    /// Enumeration: raw value (as text) → canonical value; unmapped values become missing.
    public var map: [String: Double]?
    /// `continuous` (linear interpolation, the default) or `state` (previous value).
    public var kind: String?
    /// Longest spacing between samples that is still interpolated across; more is a gap.
    public var maxGapS: Double?
    /// Unwrap an angle (remove 2π jumps).
    public var unwrap: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, topic, field, fields, stamp, dataset, column, columns, timestamps
        case timestampScale = "timestamp_scale", rateHz = "rate_hz", weights, transform, scale, offset, map, kind
        case maxGapS = "max_gap_s", unwrap
    }

    /// A signal with only its name; set its source fields next.
    public init(name: String) { self.name = name }

    /// Whether the signal holds its last value between samples.
    public var isState: Bool { kind == "state" }
    /// The raw inputs, in order.
    public var fieldList: [String] { fields ?? field.map { [$0] } ?? [] }
    public var columnList: [Int] { columns ?? column.map { [$0] } ?? [] }

    /// The signal's arithmetic, compiled once: applying it per sample copies nothing.
    public func combiner() -> Combiner { Combiner(self) }

    /// A raw enumeration value as a `map` key: integers without a decimal point.
    static func key(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }
}

/// A signal's raw inputs → value: weights or a quaternion yaw, then `map`, `scale`, `offset`.
public final class Combiner {
    enum Mode { case single, weighted, yaw }
    let mode: Mode
    let weights: [Double]
    let map: [String: Double]?
    /// The map's integer keys in `denseBase ..< denseBase + dense.count` as a table (NaN
    /// where unmapped): enumerations are small integers, and a table lookup per sample
    /// replaces formatting the value as text and hashing it.
    private let dense: [Double]
    private let denseBase: Int
    let scale: Double, offset: Double
    /// One input, passed through unchanged.
    public var isIdentity: Bool { mode == .single && map == nil && scale == 1 && offset == 0 }

    init(_ s: SignalSpec) {
        mode = s.transform == "yaw" ? .yaw : (s.weights != nil ? .weighted : .single)
        weights = s.weights ?? []
        map = s.map
        let ints = (s.map ?? [:]).compactMap { k, v in Int(k).flatMap { String($0) == k ? ($0, v) : nil } }
        let lo = ints.map(\.0).min() ?? 0, hi = ints.map(\.0).max() ?? -1
        if hi >= lo && hi - lo < 4096 {
            var table = [Double](repeating: .nan, count: hi - lo + 1)
            for (k, v) in ints { table[k - lo] = v }
            dense = table; denseBase = lo
        } else {
            dense = []; denseBase = 0
        }
        scale = s.scale ?? 1
        offset = s.offset ?? 0
    }

    /// The value from raw input `i` = `raw(i)`.
    @inline(__always)
    public func value(_ raw: (Int) -> Double) -> Double {
        var v: Double
        switch mode {
        case .single: v = raw(0)
        case .weighted:
            v = 0
            for i in 0..<weights.count { v += weights[i] * raw(i) }
        case .yaw:
            let x = raw(0), y = raw(1), z = raw(2), w = raw(3)
            v = atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
        }
        if let map {
            // Integral values inside the table's range; anything else by its text key.
            let i = v.isFinite && abs(v) < 1e15 && v == v.rounded() ? Int(v) - denseBase : -1
            v = i >= 0 && i < dense.count ? dense[i] : map[SignalSpec.key(v)] ?? .nan
        }
        return v * scale + offset
    }
}

/// Where tracked-object lists come from (MCAP): one field path per attribute, all under
/// the same sequence, e.g. `objects[*].kinematics.pose_with_covariance.pose.position.x`.
public struct ActorSpec: Sendable, Equatable, Codable {
    public var topic: String
    public var id: String
    public var `class`: String?
    public var x: String
    public var y: String
    public var vx: String
    public var vy: String?
    /// Quaternion x, y, z, w of the actor's orientation (relative to the ego).
    public var orientation: [String]?
    /// A scalar heading field (relative to the ego), read as `value * yaw_scale + yaw_offset`
    /// radians: degrees take `yaw_scale = 0.0174533`, a clockwise convention a negative scale.
    /// Without `orientation` or `yaw`, moving actors take the heading of their ground velocity.
    public var yaw: String?
    public var yawScale: Double?
    public var yawOffset: Double?
    /// Distance (m) from the point actor positions are measured from to the ego's front
    /// bumper: 0 for a bumper radar, about 3.8 for a rear-axle `base_link` (Autoware), about
    /// half the car's length for its centre. Sets the threshold `ego.front_m`.
    public var frontM: Double?
    public var length: String?
    /// `object`: the twist is in the actor's own frame (Autoware); `ego`: along the ego's
    /// axes, ground speed; `relative`: along the ego's axes, relative to the ego (radar).
    public var velocityFrame: String?
    /// Class ids (as text) → canonical class names.
    public var classes: [String: String]?
    public var stamp: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case topic, id, `class`, x, y, vx, vy, orientation, yaw, yawScale = "yaw_scale", yawOffset = "yaw_offset", frontM = "front_m"
        case length, velocityFrame = "velocity_frame", classes, stamp
    }

    /// Every field path the actor lists need.
    public var fieldList: [String] { [id, `class`, x, y, vx, vy, length, yaw].compactMap { $0 } + (orientation ?? []) }

    /// Where actor headings come from, in words (for `--dry-run`).
    public var headingSource: String {
        if let o = orientation { return "quaternion \(o.joined(separator: ", "))" }
        if let yaw { return "scalar yaw '\(yaw)' × \(yawScale ?? 1) + \(yawOffset ?? 0) rad" }
        return "the direction of each moving actor's ground velocity (none for actors below 1 m/s)"
    }
}
