import LongtailMCAP

/// Writes the benchmark archive: Imu (100 Hz), Odometry (50 Hz) and WrenchStamped
/// (100 Hz) as ROS 2 CDR in zstd chunks, with noisy random-walk values so that the
/// chunks compress like real sensor data rather than like zeros.
enum Generate {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func gauss() -> Double {
            // Sum of uniforms: cheap, deterministic, roughly normal.
            var s = 0.0
            for _ in 0..<4 { s += Double(next() >> 11) / Double(1 << 53) }
            return (s - 2) * 1.7
        }
    }

    static func run(path: String, megabytes: Int, compression: ChunkCompression) throws {
        let sink = try FileSink(path: path)
        var options = MCAPWriterOptions()
        options.compression = compression
        let writer = MCAPWriter(sink: sink, options: options)
        try writer.start(profile: "ros2", library: "longtail-bench")
        let imuS = try writer.addSchema(name: "sensor_msgs/msg/Imu", encoding: "ros2msg", data: Array(CommonSchemas.imu.utf8))
        let odoS = try writer.addSchema(name: "nav_msgs/msg/Odometry", encoding: "ros2msg", data: Array(CommonSchemas.odometry.utf8))
        let wreS = try writer.addSchema(name: "geometry_msgs/msg/WrenchStamped", encoding: "ros2msg",
                                        data: Array(CommonSchemas.wrenchStamped.utf8))
        let imu = try writer.addChannel(topic: "/imu/data", messageEncoding: "cdr", schemaID: imuS)
        let odo = try writer.addChannel(topic: "/odom", messageEncoding: "cdr", schemaID: odoS)
        let wre = try writer.addChannel(topic: "/wrist/wrench", messageEncoding: "cdr", schemaID: wreS)
        var rng = Rng(state: 42)
        var e = CDREncoder(capacity: 1024)
        var t: UInt64 = 1_700_000_000_000_000_000
        var speed = 10.0, yaw = 0.0, x = 0.0, y = 0.0
        var force = (0.0, 0.0, -5.0)
        var written = 0
        var seq: UInt32 = 0
        let target = megabytes << 20
        while written < target {
            seq &+= 1
            let accel = rng.gauss() * 0.3
            speed = max(0, speed + accel * 0.01)
            let yawRate = rng.gauss() * 0.02
            yaw += yawRate * 0.01
            x += speed * 0.01 * cos(yaw)
            y += speed * 0.01 * sin(yaw)
            // Imu
            e.reset()
            e.time(nanoseconds: t); e.string("imu_link")
            e.float64(0); e.float64(0); e.float64(sin(yaw / 2)); e.float64(cos(yaw / 2))
            for i in 0..<9 { e.float64(i % 4 == 0 ? 1e-4 : 0) }
            e.float64(rng.gauss() * 0.01); e.float64(rng.gauss() * 0.01); e.float64(yawRate + rng.gauss() * 0.005)
            for i in 0..<9 { e.float64(i % 4 == 0 ? 2e-4 : 0) }
            e.float64(accel + rng.gauss() * 0.05); e.float64(speed * yawRate + rng.gauss() * 0.05)
            e.float64(9.81 + rng.gauss() * 0.05)
            for i in 0..<9 { e.float64(i % 4 == 0 ? 4e-3 : 0) }
            try writer.addMessage(channelID: imu, sequence: seq, logTime: t, publishTime: t, data: e.bytes)
            written += e.bytes.count + 31
            // WrenchStamped
            force.0 += rng.gauss() * 0.05; force.1 += rng.gauss() * 0.05; force.2 += rng.gauss() * 0.05
            e.reset()
            e.time(nanoseconds: t); e.string("tool0")
            e.float64(force.0); e.float64(force.1); e.float64(force.2)
            e.float64(rng.gauss() * 0.02); e.float64(rng.gauss() * 0.02); e.float64(rng.gauss() * 0.02)
            try writer.addMessage(channelID: wre, sequence: seq, logTime: t + 1000, publishTime: t + 1000, data: e.bytes)
            written += e.bytes.count + 31
            // Odometry at half rate
            if seq % 2 == 0 {
                e.reset()
                e.time(nanoseconds: t); e.string("odom"); e.string("base_link")
                e.float64(x); e.float64(y); e.float64(0)
                e.float64(0); e.float64(0); e.float64(sin(yaw / 2)); e.float64(cos(yaw / 2))
                for i in 0..<36 { e.float64(i % 7 == 0 ? 0.01 : 0) }
                e.float64(speed); e.float64(0); e.float64(0)
                e.float64(0); e.float64(0); e.float64(yawRate)
                for i in 0..<36 { e.float64(i % 7 == 0 ? 0.02 : 0) }
                try writer.addMessage(channelID: odo, sequence: seq / 2, logTime: t + 2000, publishTime: t + 2000, data: e.bytes)
                written += e.bytes.count + 31
            }
            t += 10_000_000
        }
        try writer.finish()
        try sink.close()
    }
}

#if canImport(Glibc)
import Glibc
#endif
