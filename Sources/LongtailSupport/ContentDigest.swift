import CDeflate
import CISAL

/// A file's content hash built as its bytes go by: CRC-32 (ISA-L) and Adler-32 (libdeflate)
/// of every byte, as 16 hex digits. A scan that reads the whole file front to back feeds it
/// (`update`), so the hash costs no second read; a reader that skips or stops early leaves it
/// incomplete (`hex(ifCovering:)` is nil) and the file is hashed on its own.
public final class ContentDigest: @unchecked Sendable {
    private var crc: UInt32 = 0, adler: UInt32 = 1
    /// Bytes taken so far, all from offset 0 on without a gap.
    public private(set) var bytes: UInt64 = 0
    private var broken = false

    public init() {}

    /// Takes the bytes read at `offset`. Bytes that do not continue the ones before (a
    /// re-read, a skip) leave the digest incomplete for good.
    public func update(at offset: UInt64, _ b: UnsafeRawBufferPointer) {
        guard !broken, let base = b.baseAddress, !b.isEmpty else { return }
        guard offset == bytes else { broken = true; return }
        crc = crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(b.count))
        adler = libdeflate_adler32(adler, base, b.count)
        bytes += UInt64(b.count)
    }

    /// The hash, when exactly `size` bytes were taken in order; nil otherwise.
    public func hex(ifCovering size: Int64) -> String? {
        guard !broken, size >= 0, bytes == UInt64(size) else { return nil }
        return Self.hex(crc) + Self.hex(adler)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
