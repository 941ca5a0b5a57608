import ArgumentParser
import Foundation
import LongtailScan
import LongtailSynth

struct SynthCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a realistic driving (MCAP) or robot (HDF5) archive with exact ground truth.",
        discussion: """
        Driving: Autoware-style ROS 2 topics (VelocityReport, SteeringReport, ControlModeReport, Imu, \
        TrackedObjects, a WeatherReport) in zstd-chunked MCAP files, with every event class of \
        EVENTS.md, distractors close to each threshold, sensor noise and bias, drops, jitter and \
        out-of-order arrival. Robot: REASSEMBLE- and ALOHA-layout HDF5 episodes of insert, extract, \
        pull, push and twist with contact spikes. Beside the data: labels.jsonl (one event per line, \
        computed from the true signals by the rules of EVENTS.md) and manifest.json (seed and every \
        parameter). The same flags give byte-identical files.
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case driving, robot }
    enum Layout: String, ExpressibleByArgument, CaseIterable { case reassemble, aloha, both }
    enum Sensors: String, ExpressibleByArgument, CaseIterable { case clean, noisy, coarse }

    @Option(help: "driving or robot.")
    var kind: Kind

    @Option(help: "Random seed: the same seed and flags give the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "Driving: length of each file, e.g. 90s, 30m, 2h.", transform: parseDuration)
    var duration: Double = 90

    @Option(help: "Driving: number of files.")
    var files: Int = 1

    @Option(help: "Robot: number of episodes.")
    var episodes: Int = 4

    @Option(help: "Density of rare events, 0 to 1.")
    var rareRate: Double = 0.5

    @Option(help: "Robot: reassemble, aloha or both (alternating).")
    var layout: Layout = .both

    @Option(help: "zstd level of MCAP chunks and HDF5 datasets (1 is fastest to write; scans read any level at the same speed).")
    var zstdLevel: Int32 = 1

    @Flag(help: "Driving: add a 10 Hz roof lidar topic (PointCloud2, 256 KiB a sweep), as real logs carry.")
    var lidar = false

    @Option(help: "clean (default); noisy: IMU vibration (σ 0.9 m/s²), track noise (0.2 m, 0.2 m/s), a precipitation sensor blipping 0.2–0.6 mm/h in dry air, visibility ±10 %, F/T bias drift (0.02 N/s, 0.01 N·m/s); coarse: driving IMU at 25 Hz and speed at 10 Hz, 3 % of messages dropped, stamps off by up to ±10 ms; robot (REASSEMBLE layout) F/T at 100 Hz, pose at 20 Hz, gripper at 10 Hz, 2 % of rows dropped, stamps off by up to ±2 ms. Labels stay those of the true state.")
    var sensors: Sensors = .clean

    @Option(help: ArgumentHelp("""
        How the archive stores its signals, with a profile.toml beside it that maps them \
        (scan with --profile OUT/profile.toml). Driving: yaw-rad (tracks with a scalar yaw), \
        yaw-deg-cw (heading in degrees, clockwise), radar (no heading, positions from the front \
        bumper, velocities relative to the ego), kmh (speed in km/h). Robot, reassemble layout: \
        force-flipped (the wrench the tool applies: pressing reads +z), tool-axis-x (approach \
        along x). Labels do not change.
        """, valueName: "standard|" + SynthConventions.allCases.dropFirst().map(\.rawValue).joined(separator: "|")))
    var conventions: String = "standard"

    @Option(help: "Write one SVG per event class, plotting the key signals around one instance, into this directory.")
    var preview: String?

    func validate() throws {
        guard files >= 1, episodes >= 1 else { throw ValidationError("--files and --episodes must be at least 1") }
        guard (0...1).contains(rareRate) else { throw ValidationError("--rare-rate must be between 0 and 1") }
        guard duration >= 20 else { throw ValidationError("--duration must be at least 20s") }
        guard let c = SynthConventions(rawValue: conventions) else {
            throw ValidationError("--conventions '\(conventions)' is not one of \(SynthConventions.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let k = c.kind, k.rawValue != kind.rawValue {
            throw ValidationError("--conventions \(conventions) is for --kind \(k.rawValue)")
        }
        if c.kind == .robot && layout != .reassemble {
            throw ValidationError("--conventions \(conventions) rewrites the REASSEMBLE layout: add --layout reassemble")
        }
    }

    mutating func execute() throws -> Outcome {
        var o = SynthJob.Options()
        o.kind = kind == .driving ? .driving : .robot
        o.seed = seed
        o.out = out
        o.duration = duration
        o.files = files
        o.episodes = episodes
        o.rareRate = rareRate
        o.layout = SynthJob.Options.RobotLayout(rawValue: layout.rawValue)!
        o.preview = preview
        o.zstdLevel = zstdLevel
        o.lidar = lidar
        o.sensors = SynthJob.Options.Sensors(rawValue: sensors.rawValue) ?? .clean
        o.conventions = SynthConventions(rawValue: conventions) ?? .standard
        o.baseProfile = BuiltinProfiles.text[kind == .driving ? "synth-driving" : "reassemble"]
        let summary: SynthJob.Summary
        do {
            summary = try SynthJob.run(o) { line in FileHandle.standardError.write(Data("synth: \(line)\n".utf8)) }
        } catch { throw CLIFailure(error) }
        let counts = summary.labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("\(summary.files.count) files, \(summary.bytes) bytes in \(String(format: "%.1f", summary.seconds)) s; events: \(counts)")
        if o.conventions != .standard { print("profile: \(out)/profile.toml (scan with --profile \(out)/profile.toml)") }
        return .success
    }
}

/// Parses `90s`, `30m`, `2h` or plain seconds.
func parseDuration(_ text: String) throws -> Double {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
    if let u = text.last, let scale = units[u], let v = Double(text.dropLast()), v > 0 { return v * scale }
    if let v = Double(text), v > 0 { return v }
    throw ValidationError("'\(text)' is not a duration: use 90s, 30m or 2h")
}
