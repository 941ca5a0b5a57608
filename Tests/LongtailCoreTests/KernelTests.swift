import Testing
@testable import LongtailCore

/// SIMD kernels against their scalar references on random inputs of every length 0…1000,
/// with NaNs and infinities sprinkled in (and windows without them).
@Suite struct KernelTests {
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) }
        mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    }

    static func input(_ n: Int, _ rng: inout Rng, special: Bool) -> [Float] {
        (0..<n).map { _ in
            let u = rng.uniform()
            if special && u < 0.02 { return .nan }
            if special && u < 0.025 { return rng.uniform() < 0.5 ? .infinity : -.infinity }
            return (rng.uniform() - 0.5) * 20 + (u < 0.5 ? 9.81 : 0)
        }
    }

    static func close(_ a: Double, _ b: Double, scale: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= 1e-5 * max(abs(a), abs(b), scale, 1e-30)
    }

    @Test(arguments: [false, true])
    func statsMatchTheScalarReference(special: Bool) {
        var rng = Rng(s: special ? 11 : 7)
        for n in 0...1000 {
            let x = Self.input(n, &rng, special: special)
            x.withUnsafeBufferPointer { b in
                let fast = Kernels.stats(b), slow = Kernels.Scalar.stats(b)
                let scale = fast.energy.isFinite ? fast.energy.squareRoot() : 1
                let ok = fast.count == slow.count && fast.missing == slow.missing
                    && (fast.min == slow.min || (fast.min.isNaN && slow.min.isNaN))
                    && (fast.max == slow.max || (fast.max.isNaN && slow.max.isNaN))
                    && Self.close(fast.mean, slow.mean, scale: scale) && Self.close(fast.std, slow.std, scale: scale)
                    && Self.close(fast.energy, slow.energy, scale: scale)
                #expect(ok, "n=\(n) special=\(special): \(fast) vs \(slow)")
            }
        }
    }

    /// Windows as the segment builder computes them: sums of hop-long blocks merged.
    @Test(arguments: [false, true])
    func mergedBlockSumsMatchTheScalarReference(special: Bool) {
        var rng = Rng(s: special ? 13 : 17)
        for n in 0...600 {
            let x = Self.input(n, &rng, special: special)
            let cuts = [0, n / 3, n / 2, n].sorted()
            x.withUnsafeBufferPointer { b in
                var merged = StatsAccumulator()
                for k in 0..<3 { merged.merge(Kernels.accumulate(UnsafeBufferPointer(rebasing: b[cuts[k]..<cuts[k + 1]]))) }
                let fast = merged.stats, slow = Kernels.Scalar.stats(b)
                let scale = fast.energy.isFinite ? fast.energy.squareRoot() : 1
                let ok = fast.count == slow.count && fast.missing == slow.missing
                    && (fast.min == slow.min || (fast.min.isNaN && slow.min.isNaN))
                    && (fast.max == slow.max || (fast.max.isNaN && slow.max.isNaN))
                    && Self.close(fast.mean, slow.mean, scale: scale) && Self.close(fast.std, slow.std, scale: scale)
                    && Self.close(fast.energy, slow.energy, scale: scale)
                #expect(ok, "n=\(n) special=\(special): \(fast) vs \(slow)")
            }
        }
    }

    @Test func differencesRunsCrossingsMatch() {
        var rng = Rng(s: 3)
        for n in 0...1000 {
            let x = Self.input(n, &rng, special: n % 3 == 0)
            x.withUnsafeBufferPointer { b in
                var out = [Float](repeating: 0, count: max(0, n - 1))
                let written = out.withUnsafeMutableBufferPointer { Kernels.diff(b, into: $0) }
                let ref = Kernels.Scalar.diff(b)
                let same = written == ref.count && zip(out, ref).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "diff n=\(n)")
                for (t, above) in [(Float(4), true), (Float(-3), false), (Float(9.81), true)] {
                    let f = Kernels.runs(b, threshold: t, above: above), s = Kernels.Scalar.runs(b, threshold: t, above: above)
                    #expect(f.count == s.count && f.longest == s.longest, "runs n=\(n) t=\(t)")
                }
                #expect(Kernels.zeroCrossings(b) == Kernels.Scalar.zeroCrossings(b), "crossings n=\(n)")
            }
        }
    }

    @Test func percentilesAreWithinOneBinOfExact() {
        var rng = Rng(s: 5)
        for n in stride(from: 1, through: 1000, by: 7) {
            let x = Self.input(n, &rng, special: true)
            let finite = x.filter(\.isFinite).sorted()
            x.withUnsafeBufferPointer { b in
                let ps = [0.0, 0.05, 0.5, 0.95, 1.0]
                let got = Kernels.percentiles(b, ps)
                guard let lo = finite.first, let hi = finite.last else {
                    let allNaN = got.allSatisfy { $0.isNaN }
                    #expect(allNaN); return
                }
                for (p, g) in zip(ps, got) {
                    let exact = finite[min(finite.count - 1, max(0, Int((p * Double(finite.count)).rounded(.up)) - 1))]
                    #expect(abs(g - exact) <= (hi - lo) / 256 * 1.001 + 1e-6, "n=\(n) p=\(p): \(g) vs \(exact)")
                }
            }
        }
    }

    @Test func handWorkedExample() {
        let x: [Float] = [1, -2, 3, .nan, 5, 5, 5, -1]
        x.withUnsafeBufferPointer { b in
            let s = Kernels.stats(b)
            #expect(s.count == 7 && s.missing == 1 && s.min == -2 && s.max == 5)
            #expect(abs(s.mean - 16.0 / 7) < 1e-12)
            let r = Kernels.runs(b, threshold: 5, above: true)
            #expect(r.count == 3 && r.longest == 3)
            #expect(Kernels.zeroCrossings(b) == 3)   // 1→−2, −2→3, 5→−1 (the NaN breaks 3→5)
        }
    }
}
