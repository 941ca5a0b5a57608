import Testing
import LongtailCore

/// `HalfFloat` against the standard library's `Float16(_: Float)` (the reference): every
/// exponent with the mantissa patterns where rounding decides (ties, one below, one above,
/// carries into the exponent), NaN payloads, and a stride through all 2³² patterns. (The
/// whole 2³² range was compared once in a release build: 0 differences.)
@Suite struct HalfFloatTests {
    func check(_ u: UInt32) -> Bool {
        let x = Float(bitPattern: u)
        return HalfFloat.bits(x) == Float16(x).bitPattern
    }

    @Test func roundingBoundariesOfEveryExponent() {
        var wrong: [UInt32] = []
        let lows: [UInt32] = [0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x2FFF, 0x3000, 0x3001, 0x7F_E000, 0x7F_EFFF,
                              0x7F_F000, 0x7F_F001, 0x7F_FFFF, 0x40_0000, 0x40_1000, 0x3F_F000]
        for sign: UInt32 in [0, 0x8000_0000] {
            for exponent: UInt32 in 0...255 {
                for low in lows where !check(sign | exponent << 23 | low) { wrong.append(sign | exponent << 23 | low) }
            }
        }
        #expect(wrong.isEmpty, "first differing patterns: \(wrong.prefix(5).map { String($0, radix: 16) })")
    }

    @Test func specialValues() {
        for x: Float in [0, -0, .infinity, -.infinity, .nan, -.nan, .signalingNaN, 65504, 65519.99, 65520, 65536, 1e-8, -1e-8,
                         Float(Float16.leastNonzeroMagnitude), Float(Float16.leastNormalMagnitude), .greatestFiniteMagnitude] {
            #expect(HalfFloat.bits(x) == Float16(x).bitPattern, "\(x)")
        }
        #expect(HalfFloat.convert([1, 2.5, -3]) == [1, 2.5, -3])
    }

    @Test func strideThroughEveryPattern() {
        var wrong = 0
        var u: UInt64 = 0
        while u <= 0xFFFF_FFFF {
            if !check(UInt32(u)) { wrong += 1 }
            u += 4093   // prime: every residue of the low bits is visited
        }
        #expect(wrong == 0)
    }
}
