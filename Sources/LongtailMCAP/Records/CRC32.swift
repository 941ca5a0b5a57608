import CZlib

/// CRC-32 (ISO-HDLC, as zlib computes it), the checksum MCAP uses everywhere.
public enum CRC32 {
    /// The CRC of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues a running CRC with more bytes.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return crc }
        var c = UInt(crc)
        var left = bytes.count
        // zlib takes a uInt length; feed huge buffers in 1 GiB pieces.
        while left > 0 {
            let n = min(left, 1 << 30)
            c = crc32(c, p, uInt(n))
            p += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: c)
    }

    /// The CRC of an array of bytes.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
