/// float32 → float16 conversion for whole arrays, bit for bit what `Float16(_: Float)`
/// gives (round to nearest even; overflow to ±inf; NaN quieted with its payload's top bits),
/// without a library call per value: the default x86-64 build has no F16C instructions, so
/// `Float16(x)` calls compiler-rt's `__truncsfhf2`, 10 % of writing the pretraining tier.
/// The loop body is branch-free integer arithmetic that the compiler vectorises.
public enum HalfFloat {
    /// The float16 bit pattern of `x`.
    @inline(__always)
    public static func bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        let sign = UInt16(truncatingIfNeeded: (u >> 16) & 0x8000)
        let a = u & 0x7FFF_FFFF
        // Normal results: rebias the exponent (127 → 15), round the 13 dropped mantissa
        // bits to nearest even; a carry out of the mantissa steps the exponent (to inf at the top).
        let odd = (a >> 13) & 1
        let normal = (a &- ((127 - 15) << 23) &+ 0xFFF &+ odd) >> 13
        // Subnormal results (|x| < 2⁻¹⁴): x + 0.5 puts the float16 subnormal's bits, rounded to
        // nearest even by the float32 addition itself, in the low mantissa bits.
        let magic = Float(bitPattern: UInt32(126) << 23)   // 0.5
        let sub = (Float(bitPattern: a) + magic).bitPattern &- magic.bitPattern
        // Overflow (|x| ≥ 65520 rounds past the largest float16) and inf/NaN.
        let inf: UInt32 = 0x7C00
        let nan = 0x7E00 | ((a & 0x3F_FFFF) >> 13)
        var r = a < (113 << 23) ? sub : normal
        r = a >= (143 << 23) ? inf : r   // 2¹⁶ and above: inf (below that, rounding reaches inf itself)
        r = a > 0x7F80_0000 ? nan : r
        return sign | UInt16(truncatingIfNeeded: r)
    }

    /// `values` as float16, each exactly `Float16(value)`.
    public static func convert(_ values: [Float]) -> [Float16] {
        [Float16](unsafeUninitializedCapacity: values.count) { out, count in
            values.withUnsafeBufferPointer { src in
                for i in src.indices { out[i] = Float16(bitPattern: bits(src[i])) }
            }
            count = values.count
        }
    }
}
