/// FNV-1a (64 bit): the one non-cryptographic hash Longtail uses to place files in shards,
/// name result files and mix episode paths into source keys. Stable across machines and runs.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf29ce484222325

    /// The hash of a string's UTF-8 bytes.
    public static func hash(_ s: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// `v` as `width` lowercase hex digits, zero-padded.
    public static func hex(_ v: UInt64, width: Int = 16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
