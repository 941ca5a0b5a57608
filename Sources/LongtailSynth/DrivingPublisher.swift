import LongtailMCAP

#if canImport(Glibc)
import Glibc
#endif

/// Publishes the simulated world as an Autoware-style ROS 2 MCAP: noisy, biased sensors at
/// their rates, with dropped messages, timestamp jitter and per-topic latency (so log times
/// arrive out of order across topics).
struct DrivingPublisher {
    struct Topics {
        var velocity: UInt16 = 0, steering: UInt16 = 0, control: UInt16 = 0, imu: UInt16 = 0
        var objects: UInt16 = 0, weather: UInt16 = 0
    }

    static let topicNames: [(String, String, String)] = [
        ("/vehicle/status/velocity_status", "autoware_vehicle_msgs/msg/VelocityReport", AutowareSchemas.velocityReport),
        ("/vehicle/status/steering_status", "autoware_vehicle_msgs/msg/SteeringReport", AutowareSchemas.steeringReport),
        ("/vehicle/status/control_mode", "autoware_vehicle_msgs/msg/ControlModeReport", AutowareSchemas.controlModeReport),
        ("/sensing/imu/imu_data", "sensor_msgs/msg/Imu", AutowareSchemas.imu),
        ("/perception/object_recognition/tracking/objects", "autoware_perception_msgs/msg/TrackedObjects", AutowareSchemas.trackedObjects),
        ("/vehicle/status/weather", "longtail_msgs/msg/WeatherReport", AutowareSchemas.weatherReport),
    ]

    let writer: MCAPWriter
    let t0: UInt64
    private var topics = Topics()
    private var rng: SynthRandom
    private var e = CDREncoder(capacity: 4096)
    private var sequence = [UInt32](repeating: 0, count: 6)
    // Per-file sensor errors.
    private let accelBias: (Double, Double, Double)
    private let gyroBias: Double
    private let dropRate: Double
    private var lidar: LidarPublisher?
    private var lidarSequence: UInt32 = 0
    /// The `noisy` preset's faults, from a stream of their own (clean files stay byte-identical).
    private var faults: SynthRandom?
    private var blipUntil = -1.0, blipValue = 0.0

    /// How tracks and speed are stored (`--conventions`).
    private let conventions: SynthConventions

    /// The `coarse` preset: IMU at 25 Hz and speed at 10 Hz, 3 % of messages dropped, header
    /// stamps off their tick by up to ±10 ms (its own random stream).
    private var coarse: SynthRandom?
    private let imuEvery: Int, velocityEvery: Int

    init(writer: MCAPWriter, t0: UInt64, seed: UInt64, file: Int, lidar withLidar: Bool = false, noisy: Bool = false,
         coarse isCoarse: Bool = false, conventions: SynthConventions = .standard) throws {
        self.conventions = conventions
        if isCoarse { coarse = SynthRandom(seed: seed, stream: 8_000_009 &* UInt64(file + 1)) }
        imuEvery = isCoarse ? 4 : 1
        velocityEvery = isCoarse ? 10 : 2
        if noisy { faults = SynthRandom(seed: seed, stream: 7_000_003 &* UInt64(file + 1)) }
        self.writer = writer
        self.t0 = t0
        var r = SynthRandom(seed: seed, stream: 1_000_003 &* UInt64(file + 1))
        accelBias = (r.gauss() * 0.04, r.gauss() * 0.04, r.gauss() * 0.05)
        gyroBias = r.gauss() * 0.002
        dropRate = isCoarse ? 0.03 : 0.003
        rng = r
        try writer.start(profile: "ros2", library: "longtail synth")
        var ids: [UInt16] = []
        for (topic, name, text) in Self.topicNames {
            if conventions.tracks && topic.hasPrefix("/perception/") {
                let s = try writer.addSchema(name: "longtail_msgs/msg/Tracks", encoding: "ros2msg", data: Array(conventions.tracksSchema.utf8))
                ids.append(try writer.addChannel(topic: SynthConventions.tracksTopic, messageEncoding: "cdr", schemaID: s))
                continue
            }
            let s = try writer.addSchema(name: name, encoding: "ros2msg", data: Array(text.utf8))
            ids.append(try writer.addChannel(topic: topic, messageEncoding: "cdr", schemaID: s))
        }
        topics = Topics(velocity: ids[0], steering: ids[1], control: ids[2], imu: ids[3], objects: ids[4], weather: ids[5])
        if withLidar { lidar = try LidarPublisher(writer: writer, seed: seed &+ UInt64(file)) }
    }

    private mutating func send(_ channel: UInt16, stampNs: UInt64, latencyMs: ClosedRange<Double>) throws {
        let latency = UInt64(rng.uniform(latencyMs) * 1e6)
        sequence[Int(channel)] &+= 1
        try writer.addMessage(channelID: channel, sequence: sequence[Int(channel)], logTime: stampNs + latency,
                              publishTime: stampNs + latency / 2, data: e.bytes)
    }

    /// Rounds to a sensor's resolution: real sensors report quantized values, which is also
    /// what lets their logs compress.
    @inline(__always) func quantize(_ v: Double, _ step: Double) -> Double { (v / step).rounded() * step }
    /// A 16-bit ±8 g accelerometer: 1/4096 g per count.
    @inline(__always) func accel(_ v: Double) -> Double { quantize(v, 9.80665 / 4096) }
    /// A 16-bit ±500 °/s gyroscope: 1/65.5 °/s per count.
    @inline(__always) func gyro(_ v: Double) -> Double { quantize(v, Double.pi / 180 / 65.5) }

    /// A header stamp's error (ns) under the `coarse` preset: up to ±10 ms; 0 otherwise.
    private mutating func stampError() -> Double { coarse == nil ? 0 : coarse!.uniform(-10_000_000...10_000_000) }

    /// Extra noise of the `noisy` preset (0 for clean sensors).
    private mutating func extra(_ sigma: Double) -> Double { faults == nil ? 0 : faults!.gauss() * sigma }

    /// The precipitation a `noisy` sensor reads: in dry air, blips of 0.2–0.6 mm/h lasting
    /// 1–2 s a few times a minute; in rain or snow the true rate ± 5 %.
    private mutating func precipitationReading(_ truth: Double, second: Double) -> Double {
        guard faults != nil else { return truth }
        if truth > 0.1 { return max(0, truth * (1 + extra(0.05))) }
        if second > blipUntil && faults!.chance(0.08) {
            blipUntil = second + (faults!.chance(0.5) ? 0 : 1)
            blipValue = faults!.uniform(0.2...0.6)
        }
        return second <= blipUntil ? blipValue : 0
    }

    /// Publishes what is due at this tick (tick index `n`, 100 Hz).
    mutating func publish(_ s: DrivingTick, tickIndex n: Int) throws {
        let stamp = t0 + UInt64((s.t * 1e9).rounded())
        // IMU, 100 Hz (x forward, y left, z up): specific force includes gravity on z.
        if n % imuEvery == 0, !rng.chance(dropRate) {
            let jitter = UInt64(max(0, rng.noise() * 150_000 + 300_000))
            let imuStamp = coarse == nil ? stamp + jitter : UInt64(max(0, Double(stamp + jitter) + stampError()))
            e.reset()
            e.time(nanoseconds: imuStamp); e.string("imu_link")
            e.float64(0); e.float64(0); e.float64(sin(s.heading / 2)); e.float64(cos(s.heading / 2))
            for i in 0..<9 { e.float64(i % 4 == 0 ? 1e-4 : 0) }
            e.float64(gyro(rng.noise() * 0.003)); e.float64(gyro(rng.noise() * 0.003))
            e.float64(gyro(s.yawRate + gyroBias + rng.noise() * 0.003 + extra(0.002)))
            for i in 0..<9 { e.float64(i % 4 == 0 ? 1e-5 : 0) }
            e.float64(accel(s.a + accelBias.0 + rng.noise() * 0.05 + extra(0.9)))
            e.float64(accel(s.lateralAccel + accelBias.1 + rng.noise() * 0.05 + extra(0.9)))
            e.float64(accel(9.80665 + accelBias.2 + rng.noise() * 0.05))
            for i in 0..<9 { e.float64(i % 4 == 0 ? 2.5e-3 : 0) }
            try send(topics.imu, stampNs: imuStamp, latencyMs: 0.5...2.5)
        }
        if n % velocityEvery == 0 {
            if !rng.chance(dropRate) {
                e.reset()
                e.time(nanoseconds: coarse == nil ? stamp : UInt64(max(0, Double(stamp) + stampError()))); e.string("base_link")
                let speed = Float(quantize(s.v + rng.noise() * 0.02, 0.01))
                e.float32(conventions == .kmh ? speed * 3.6 : speed)
                e.float32(Float(quantize(rng.noise() * 0.01, 0.01)))
                e.float32(Float(quantize(s.yawRate + rng.noise() * 0.002, 0.001)))
                try send(topics.velocity, stampNs: stamp, latencyMs: 1...6)
            }
            if !rng.chance(dropRate) {
                e.reset()
                e.time(nanoseconds: stamp)
                let steer = s.v > 0.5 ? atan(s.yawRate * DrivingSimulation.wheelBase / s.v) : 0
                e.float32(Float(quantize(steer + rng.noise() * 0.001, 0.0005)))
                try send(topics.steering, stampNs: stamp, latencyMs: 1...6)
            }
        }
        if n % 10 == 0 {
            e.reset()
            e.time(nanoseconds: stamp); e.uint8(s.autonomous ? 1 : 4)
            try send(topics.control, stampNs: stamp, latencyMs: 1...4)
            e.reset()
            e.time(nanoseconds: stamp); e.string("base_link")
            e.sequenceLength(s.actors.count)
            for a in s.actors { if conventions.tracks { encodeTrack(a, egoSpeed: s.v) } else { encode(a) } }
            try send(topics.objects, stampNs: stamp, latencyMs: 30...60)
        }
        if n % 10 == 5, lidar != nil {
            let bytes = lidar!.sweep(stampNs: stamp, egoX: s.x)
            lidarSequence &+= 1
            try writer.addMessage(channelID: lidar!.channel, sequence: lidarSequence, logTime: stamp + 8_000_000,
                                  publishTime: stamp + 4_000_000, data: bytes)
        }
        if n % 100 == 0 {
            let w = s.weather
            e.reset()
            e.time(nanoseconds: stamp); e.string("base_link")
            let precipitation = precipitationReading(w.precipitation, second: s.t.rounded(.down))
            let visibility = w.visibility * (1 + extra(0.1)), temperature = w.temperature + extra(0.2)
            e.float32(Float(precipitation)); e.uint8(w.wiper); e.float32(Float(temperature))
            e.float32(Float(visibility)); e.bool(w.abs); e.bool(w.esc); e.bool(w.tcs)
            try send(topics.weather, stampNs: stamp, latencyMs: 2...8)
        }
    }

    /// One `longtail_msgs/Track` in the convention's layout. It draws the same noise, in the
    /// same order, as `encode` does, so every convention carries the same world and labels.
    private mutating func encodeTrack(_ a: Actor, egoSpeed: Double) {
        _ = rng.uniform(); _ = rng.uniform()   // existence and class probabilities
        let x = a.x + rng.noise() * 0.05 + extra(0.2), y = a.y + rng.noise() * 0.05 + extra(0.2)
        let nx = rng.noise() * 0.05 + extra(0.2), ny = rng.noise() * 0.05 + extra(0.2)
        let radar = conventions == .radar
        e.uint32(UInt32(a.id)); e.uint8(a.cls.rawValue)
        e.float64(quantize(radar ? x - DrivingSimulation.egoFront : x, 0.01)); e.float64(quantize(y, 0.01))
        e.float64(quantize(a.vx - (radar ? egoSpeed : 0) + nx, 0.01)); e.float64(quantize(a.vy + ny, 0.01))
        switch conventions {
        case .yawRad: e.float64(remainder(a.heading, 2 * .pi))
        case .yawDegCW: e.float64(-remainder(a.heading, 2 * .pi) * 180 / .pi)
        default: break
        }
        e.float64(a.length); e.float64(a.width)
    }

    /// One `TrackedObject`: pose in base_link, twist in the object's own frame (Autoware's convention).
    private mutating func encode(_ a: Actor) {
        var uuid = [UInt8](repeating: 0, count: 16)
        uuid[0] = a.id
        uuid[15] = 0x4C
        for b in uuid { e.uint8(b) }
        e.float32(Float(0.9 + 0.1 * rng.uniform()))
        e.sequenceLength(1); e.uint8(a.cls.rawValue); e.float32(Float(0.8 + 0.19 * rng.uniform()))
        // pose_with_covariance
        e.float64(quantize(a.x + rng.noise() * 0.05 + extra(0.2), 0.01)); e.float64(quantize(a.y + rng.noise() * 0.05 + extra(0.2), 0.01)); e.float64(0)
        e.float64(0); e.float64(0); e.float64(sin(a.heading / 2)); e.float64(cos(a.heading / 2))
        for i in 0..<36 { e.float64(i % 7 == 0 ? 0.05 : 0) }
        e.uint8(2)
        // twist_with_covariance, object frame
        let ch = cos(a.heading), sh = sin(a.heading)
        e.float64(quantize(a.vx * ch + a.vy * sh + rng.noise() * 0.05 + extra(0.2), 0.01))
        e.float64(quantize(-a.vx * sh + a.vy * ch + rng.noise() * 0.05 + extra(0.2), 0.01)); e.float64(0)
        e.float64(0); e.float64(0); e.float64(0)
        for i in 0..<36 { e.float64(i % 7 == 0 ? 0.1 : 0) }
        // acceleration_with_covariance
        for _ in 0..<6 { e.float64(0) }
        for _ in 0..<36 { e.float64(0) }
        e.bool((a.vx * a.vx + a.vy * a.vy) < 0.04)
        // shape: bounding box, no footprint
        e.uint8(0); e.sequenceLength(0)
        e.float64(a.length); e.float64(a.width); e.float64(a.cls == .pedestrian ? 1.7 : 1.6)
    }
}
