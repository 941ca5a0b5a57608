import LongtailMCAP

/// The conventions a synth archive is written in (`--conventions`): the same world and the
/// same labels, stored the way other stacks store them, each with the profile that maps it.
/// A detector that only works in Autoware's conventions fails one of these.
public enum SynthConventions: String, Sendable, CaseIterable {
    /// Autoware's (driving) or REASSEMBLE's (robot): what the built-in profiles read.
    case standard
    /// Tracks carry a scalar `yaw` in radians instead of a quaternion.
    case yawRad = "yaw-rad"
    /// Tracks carry `heading_deg` in degrees, clockwise positive (a compass habit).
    case yawDegCW = "yaw-deg-cw"
    /// A radar's track list: no heading, positions from the front bumper, velocities
    /// relative to the ego.
    case radar
    /// Ego speed in km/h.
    case kmh
    /// The wrench the tool applies to the environment (every axis negated: pressing reads
    /// positive z), as many F/T drivers report it.
    case forceFlipped = "force-flipped"
    /// The wrench in a tool frame whose x is the approach axis (columns: approach, base x,
    /// base y).
    case toolAxisX = "tool-axis-x"

    /// The kind of archive the convention applies to (nil: either).
    public var kind: SynthJob.Options.Kind? {
        switch self {
        case .standard: nil
        case .yawRad, .yawDegCW, .radar, .kmh: .driving
        case .forceFlipped, .toolAxisX: .robot
        }
    }

    /// Whether object lists go on `/perception/tracks` as `longtail_msgs/msg/Tracks`.
    var tracks: Bool { self == .yawRad || self == .yawDegCW || self == .radar }

    static let tracksTopic = "/perception/tracks"

    /// `longtail_msgs/msg/Tracks` in this convention: the heading field (if any) and units.
    var tracksSchema: String {
        let heading = switch self {
        case .yawRad: "float64 yaw             # radians, counter-clockwise from the ego's heading\n"
        case .yawDegCW: "float64 heading_deg     # degrees, clockwise from the ego's heading\n"
        default: ""
        }
        let reference = self == .radar ? "front bumper; velocity relative to the ego" : "rear axle; velocity over ground, ego axes"
        return CommonSchemas.join("std_msgs/Header header\nlongtail_msgs/Track[] tracks", [
            CommonSchemas.header, CommonSchemas.time,
            "MSG: longtail_msgs/Track\n# position from the ego's \(reference)\nuint32 id\nuint8 label\nfloat64 x\nfloat64 y\nfloat64 vx\nfloat64 vy\n"
                + heading + "float64 length\nfloat64 width",
        ])
    }

    /// The profile that maps an archive in this convention: `base` (the built-in profile of
    /// the standard layout, `synth-driving` or `reassemble`) with the convention's changes.
    public func profile(base: String) -> String {
        var blocks = base.split(separator: "\n\n", omittingEmptySubsequences: false).map(String.init)
        func edit(signal name: String, _ change: (String) -> String) {
            guard let i = blocks.firstIndex(where: { $0.contains("name = \"\(name)\"") && $0.contains("[[signal]]") }) else { return }
            blocks[i] = change(blocks[i])
        }
        func rename(_ suffix: String, _ why: String) {
            blocks[0] = blocks[0].replacingFirst(#"name = "synth-driving""#, with: #"name = "synth-driving-\#(suffix)""#)
                .replacingFirst(#"name = "reassemble""#, with: #"name = "reassemble-\#(suffix)""#)
            blocks[0] += "\n# longtail synth --conventions \(rawValue): \(why)"
        }
        switch self {
        case .standard:
            return base
        case .kmh:
            rename("kmh", "ego speed in km/h")
            edit(signal: "speed") { $0 + "\nscale = 0.2777777777777778   # km/h → m/s" }
        case .yawRad, .yawDegCW, .radar:
            rename(rawValue, "tracks on \(Self.tracksTopic)")
            guard let i = blocks.firstIndex(where: { $0.hasPrefix("[actors]") }) else { return base }
            var actors = """
                [actors]
                topic = "\(Self.tracksTopic)"
                stamp = "header.stamp"
                id = "tracks[*].id"
                class = "tracks[*].label"
                x = "tracks[*].x"
                y = "tracks[*].y"
                vx = "tracks[*].vx"
                vy = "tracks[*].vy"
                length = "tracks[*].length"

                """
            switch self {
            case .yawRad:
                actors += "yaw = \"tracks[*].yaw\"\nvelocity_frame = \"ego\"\nfront_m = 3.8   # positions from the rear axle\n"
            case .yawDegCW:
                actors += "yaw = \"tracks[*].heading_deg\"\nyaw_scale = -0.017453292519943295   # degrees, clockwise\n"
                    + "velocity_frame = \"ego\"\nfront_m = 3.8   # positions from the rear axle\n"
            default:
                actors += "# no heading: moving actors take the direction of their ground velocity\n"
                    + "velocity_frame = \"relative\"\nfront_m = 0   # positions from the front bumper (a radar)\n"
            }
            let classes = blocks[i].split(separator: "\n").filter { $0.hasPrefix("classes") || $0.hasPrefix("#") }
            blocks[i] = actors + classes.joined(separator: "\n")
        case .forceFlipped:
            rename(rawValue, "the wrench the tool applies (pressing reads +z)")
            for axis in ["force.x", "force.y", "force.z", "torque.z"] {
                edit(signal: axis) { block in
                    block.contains("scale = -1") ? block.replacingFirst("scale = -1\n", with: "") : block + "\nscale = -1"
                }
            }
        case .toolAxisX:
            rename(rawValue, "the wrench in a tool frame with the approach along x")
            let columns = ["force.z": 0, "force.x": 1, "force.y": 2, "torque.z": 0]
            for (axis, column) in columns {
                edit(signal: axis) { block in
                    block.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                        line.hasPrefix("column = ") ? "column = \(column)" : String(line)
                    }.joined(separator: "\n")
                }
            }
        }
        return blocks.joined(separator: "\n\n")
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }
}
