#if canImport(Glibc)
import Glibc
#endif

/// The generator's only source of randomness: SplitMix64, seeded per file, so the same
/// flags give the same bytes on any machine and thread count.
public struct SynthRandom: Sendable {
    private var state: UInt64
    /// Box–Muller makes normals in pairs; the second waits here.
    private var spare: Double?

    /// A stream for `seed`, separated per `stream` (file index, episode index, ...).
    public init(seed: UInt64, stream: UInt64 = 0) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03 &+ 0x2545_F491_4F6C_DD1D
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Standard normal (Box–Muller, both values of each pair used).
    public mutating func gauss() -> Double {
        if let s = spare { spare = nil; return s }
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        let r = sqrt(-2 * log(u1)), a = 2 * Double.pi * u2
        spare = r * sin(a)
        return r * cos(a)
    }

    /// Approximately standard normal, cheaply: the sum of twelve uniforms minus six
    /// (Irwin–Hall; variance 1, tails cut at ±6σ). For per-sample sensor noise, where
    /// millions are drawn and log/sin/cos would dominate the generator's time.
    @inline(__always)
    public mutating func noise() -> Double {
        var s = 0.0
        for _ in 0..<12 { s += Double(next() >> 11) }
        return s / Double(UInt64(1) << 53) - 6
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// An integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// One element of `items`.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}
