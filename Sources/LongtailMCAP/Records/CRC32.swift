import CDeflate

/// CRC-32 (ISO-HDLC, the zlib polynomial), the checksum MCAP uses everywhere.
/// Computed by libdeflate, which selects a carry-less-multiply kernel at run time.
public enum CRC32 {
    /// The CRC of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues a running CRC with more bytes.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return crc }
        return libdeflate_crc32(crc, p, bytes.count)
    }

    /// The CRC of an array of bytes.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
