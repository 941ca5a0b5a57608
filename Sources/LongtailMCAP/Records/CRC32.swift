import CISAL

/// CRC-32 (ISO-HDLC, the zlib polynomial), the checksum MCAP uses everywhere.
/// Computed by Intel ISA-L, which selects a carry-less-multiply kernel (AVX-512 where the
/// CPU has it) at run time.
public enum CRC32 {
    /// The CRC of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues a running CRC with more bytes.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return crc }
        return crc32_gzip_refl(crc, p.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// The CRC of an array of bytes.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
