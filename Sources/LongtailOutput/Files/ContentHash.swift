#if canImport(Glibc)
import Glibc
#endif
import CDeflate
import CISAL
import LongtailSupport

/// A file's content hash: CRC-32 and Adler-32 of every byte (ISA-L, libdeflate), as 16 hex digits.
/// Segment ids derive from it, so they do not depend on where the file lies or which shard
/// scanned it.
public enum ContentHash {
    /// - Throws: `AtomicFile.Failure` naming the file when it cannot be read.
    public static func of(file path: String) throws(AtomicFile.Failure) -> String {
        guard let f = fopen(path, "rb") else { throw AtomicFile.Failure(path: path, operation: "open", errno: errno) }
        defer { fclose(f) }
        var crc: UInt32 = 0, adler: UInt32 = 1
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer, 1, size, f)
            if n == 0 { break }
            crc = crc32_gzip_refl(crc, buffer.assumingMemoryBound(to: UInt8.self), UInt64(n))
            adler = libdeflate_adler32(adler, buffer, n)
        }
        guard ferror(f) == 0 else { throw AtomicFile.Failure(path: path, operation: "read", errno: errno) }
        return hex(crc) + hex(adler)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    /// The id prefix of a source: the file's hash, mixed with the episode path for HDF5
    /// files that hold several (FNV-1a), 10 hex digits.
    public static func sourceKey(hash: String, source: SourceID) -> String {
        guard let episode = source.episode else { return String(hash.prefix(10)) }
        return String(FNV1a.hex(FNV1a.hash(hash + "#" + episode)).prefix(10))
    }
}
