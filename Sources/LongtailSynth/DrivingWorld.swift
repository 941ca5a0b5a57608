#if canImport(Glibc)
import Glibc
#endif

/// The true (noise-free) state of the driving world at one 100 Hz tick. Labels are
/// computed from these values by the rules of EVENTS.md; sensors publish noisy copies.
struct DrivingTick {
    var n = 0                      // tick index (100 Hz); time is derived from it, never accumulated
    var t: Double = 0              // seconds since file start
    var v: Double = 15             // ego speed, m/s
    var a: Double = 0              // longitudinal acceleration, m/s²
    var jerk: Double = 0           // d a / dt
    var yawRate: Double = 0        // rad/s
    var lateralJerk: Double = 0    // d(v·r)/dt
    var heading: Double = 0
    var x: Double = 0, y: Double = 0
    var autonomous = true
    var actors: [Actor] = []
    var weather = Weather()

    var lateralAccel: Double { v * yawRate }
}

/// Another road user, in the ego frame (x forward from the rear axle, y left).
struct Actor {
    var id: UInt8
    var cls: AutowareSchemas.ObjectClass
    var x: Double
    var y: Double
    /// Velocity over ground, in the ego frame's axes.
    var vx: Double
    var vy: Double
    /// Heading relative to ego, radians (π = oncoming).
    var heading: Double = 0
    var length: Double
    var width: Double

    /// Gap from the ego's front bumper to the actor's nearest end, along x.
    func gap(egoFront: Double) -> Double { x - egoFront - length / 2 }
}

/// Weather and road state (changes at 1 Hz).
struct Weather {
    var precipitation: Double = 0   // mm/h
    var wiper: UInt8 = 0            // 0 off … 3 high
    var temperature: Double = 15    // °C
    var visibility: Double = 10_000 // m
    var abs = false, esc = false, tcs = false
}

/// Scripted scenes: each drives the ego controls and owns its actors for a while.
enum SceneKind: String, CaseIterable, Sendable {
    // events
    case hardBrake, harshAcceleration, highLateralAccel, highJerk, swerve, disengagement
    case lowTTC, cutIn, pedestrianCrossing, vruClose, wrongWay
    // distractors (close to a threshold, never over it)
    case mildBrake, gentleTurn, sidewalkPedestrian, adjacentTraffic, safeLead, cruise

    var isEvent: Bool {
        switch self {
        case .mildBrake, .gentleTurn, .sidewalkPedestrian, .adjacentTraffic, .safeLead, .cruise: false
        default: true
        }
    }
}

/// One scheduled scene with its random parameters.
struct Scene {
    var kind: SceneKind
    var start: Double
    var duration: Double
    /// Scene parameters: magnitude, hold time, ... (meaning per kind).
    var p: [Double]
}

/// Weather episodes last minutes.
enum WeatherKind: String, CaseIterable, Sendable {
    case heavyRain, snow, fog, mist, icyRoad
    case drizzle, haze   // distractors
}

struct WeatherEpisode {
    var kind: WeatherKind
    var start: Double
    var duration: Double
    var p: [Double]
}
