import LongtailMCAP
import LongtailSupport

#if canImport(Glibc)
import Glibc
#endif

/// `longtail synth`: realistic driving (MCAP) or robot (HDF5) archives with exact ground truth.
public enum SynthJob {
    /// What to generate.
    public struct Options: Sendable {
        public enum Kind: String, Sendable, CaseIterable { case driving, robot }
        public enum RobotLayout: String, Sendable, CaseIterable { case reassemble, aloha, both }
        public var kind: Kind = .driving
        public var seed: UInt64 = 1
        public var out: String = "synth"
        /// Driving: seconds per file.
        public var duration: Double = 90
        /// Driving: number of files.
        public var files = 1
        /// Robot: number of episodes.
        public var episodes = 4
        /// How densely rare events are packed, 0…1 (gaps between scenes shrink as it grows).
        public var rareRate = 0.5
        /// Robot: which layout(s) to write.
        public var layout: RobotLayout = .both
        /// Chunk compression level (zstd) for both formats.
        public var zstdLevel: Int32 = 1
        /// Driving: add a 10 Hz roof lidar (PointCloud2, 256 KiB a sweep) that no detector reads.
        public var lidar = false
        /// Where to write one SVG per event class, if anywhere.
        public var preview: String?
        /// How the sensors behave: `clean` (the default: modest noise and bias) or `noisy`
        /// (issue 16's faults: IMU vibration σ ≈ 0.9 m/s², track noise 0.2 m / 0.2 m/s, a
        /// precipitation sensor blipping 0.2–0.6 mm/h in dry air, visibility ±10 %, F/T bias
        /// drift of 0.02 N/s and 0.01 N·m/s). Labels stay those of the noise-free state.
        public var sensors: Sensors = .clean
        /// `coarse`: slow, gappy, jittery sensors (driving: IMU at 25 Hz, speed at 10 Hz, 3 %
        /// of messages dropped, stamps off by up to ±10 ms; robot, REASSEMBLE layout: F/T at
        /// 100 Hz, pose at 20 Hz, gripper at 10 Hz, 2 % of rows dropped, stamps off by up to
        /// ±2 ms).
        public enum Sensors: String, Sendable, CaseIterable { case clean, noisy, coarse }
        /// How the archive stores what it stores (`SynthConventions`): heading fields, units,
        /// force signs and axes. Anything but `standard` writes `profile.toml` beside the
        /// data: `baseProfile` (the built-in profile of the standard layout) with the
        /// convention's changes.
        public var conventions: SynthConventions = .standard
        public var baseProfile: String?
        public init() {}
    }

    /// What a run produced.
    public struct Summary: Sendable {
        public var files: [String] = []
        public var bytes: UInt64 = 0
        public var labels: [String: Int] = [:]
        public var seconds = 0.0
    }

    /// Runs the generator. `progress` receives one line per file.
    /// - Throws: errors from the writers, naming the file.
    public static func run(_ o: Options, progress: (String) -> Void = { _ in }) throws -> Summary {
        try AtomicFile.makeDirectory(o.out)
        let start = Clock.monotonicSeconds()
        var summary = Summary()
        var labels: [GroundTruthLabel] = []
        switch o.kind {
        case .driving:
            for f in 0..<o.files {
                let name = String(format: "drive-%03d.mcap", f)
                let (bytes, fileLabels) = try generateDrivingFile(o, index: f, name: name)
                summary.files.append(name)
                summary.bytes += bytes
                labels += fileLabels
                progress("\(name): \(Formatting.bytes(bytes)), \(fileLabels.count) events")
            }
        case .robot:
            for ep in 0..<o.episodes {
                let layout: Options.RobotLayout = o.layout == .both ? (ep % 2 == 0 ? .reassemble : .aloha) : o.layout
                let name = String(format: "episode-%03d-%@.h5", ep, layout.rawValue)
                let (bytes, epLabels) = try RobotGenerator.generate(o, index: ep, layout: layout, path: o.out + "/" + name, name: name)
                summary.files.append(name)
                summary.bytes += bytes
                labels += epLabels
                progress("\(name): \(Formatting.bytes(bytes)), \(epLabels.count) events")
            }
        }
        for l in labels { summary.labels[l.event, default: 0] += 1 }
        try AtomicFile.write(o.out + "/labels.jsonl", labels.map { $0.jsonLine + "\n" }.joined())
        try AtomicFile.write(o.out + "/manifest.json", manifest(o, summary))
        if o.conventions != .standard, let base = o.baseProfile {
            try AtomicFile.write(o.out + "/profile.toml", o.conventions.profile(base: base))
        }
        if let preview = o.preview {
            try AtomicFile.makeDirectory(preview)
            try SVGPreview.write(options: o, labels: labels, to: preview)
        }
        summary.seconds = Clock.monotonicSeconds() - start
        return summary
    }

    /// The time origin of driving file `index` (files follow each other with an hour between).
    static func drivingT0(_ o: Options, index: Int) -> UInt64 {
        1_700_000_000_000_000_000 + UInt64(index) * UInt64((o.duration + 3600).rounded()) * 1_000_000_000
    }

    static func generateDrivingFile(_ o: Options, index: Int, name: String) throws -> (UInt64, [GroundTruthLabel]) {
        let path = o.out + "/" + name
        let sink = try FileSink(path: path)
        var options = MCAPWriterOptions()
        options.compression = .zstd(level: o.zstdLevel)
        let writer = MCAPWriter(sink: sink, options: options)
        let t0 = drivingT0(o, index: index)
        var sim = DrivingSimulation(seed: o.seed, file: index, duration: o.duration, rareRate: o.rareRate)
        var labeler = DrivingLabeler(source: name, t0: Int64(t0))
        var publisher = try DrivingPublisher(writer: writer, t0: t0, seed: o.seed, file: index, lidar: o.lidar, noisy: o.sensors == .noisy,
                                             coarse: o.sensors == .coarse, conventions: o.conventions)
        let ticks = Int((o.duration / DrivingSimulation.dt).rounded())
        var last = DrivingTick()
        for n in 1...ticks {
            last = sim.step()
            labeler.feed(last)
            try publisher.publish(last, tickIndex: n)
        }
        try writer.finish()
        try sink.close()
        let size = (try? FileSource(path: path).size) ?? 0
        return (size, labeler.finish(at: last.t))
    }

    static func manifest(_ o: Options, _ s: Summary) -> String {
        var j = JSONText()
        j.raw("{\n  ")
        j.key("generator", first: true); j.string("longtail synth")
        j.raw(",\n  "); j.key("format_version", first: true); j.raw("1")
        j.raw(",\n  "); j.key("kind", first: true); j.string(o.kind.rawValue)
        j.raw(",\n  "); j.key("seed", first: true); j.raw(String(o.seed))
        j.raw(",\n  "); j.key("parameters", first: true); j.raw("{")
        j.key("duration_s", first: true); j.double(o.duration)
        j.key("files"); j.raw(String(o.files))
        j.key("episodes"); j.raw(String(o.episodes))
        j.key("rare_rate"); j.double(o.rareRate)
        j.key("layout"); j.string(o.layout.rawValue)
        j.key("zstd_level"); j.raw(String(o.zstdLevel))
        if o.lidar { j.key("lidar"); j.raw("true") }
        if o.sensors != .clean { j.key("sensors"); j.string(o.sensors.rawValue) }
        if o.conventions != .standard { j.key("conventions"); j.string(o.conventions.rawValue) }
        j.key("tick_hz"); j.raw("100")
        j.key("ego_front_m"); j.double(DrivingSimulation.egoFront)
        j.key("wheel_base_m"); j.double(DrivingSimulation.wheelBase)
        j.raw("}")
        j.raw(",\n  "); j.key("files", first: true); j.raw("[")
        for (i, f) in s.files.enumerated() { if i > 0 { j.raw(", ") }; j.string(f) }
        j.raw("]")
        j.raw(",\n  "); j.key("event_counts", first: true); j.raw("{")
        for (i, (k, v)) in s.labels.sorted(by: { $0.key < $1.key }).enumerated() { j.key(k, first: i == 0); j.raw(String(v)) }
        j.raw("}\n}\n")
        return j.text
    }
}
