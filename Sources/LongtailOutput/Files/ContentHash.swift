#if canImport(Glibc)
import Glibc
#endif
import LongtailSupport

/// A file's content hash: CRC-32 and Adler-32 of every byte (ISA-L, libdeflate), as 16 hex digits.
/// Segment ids derive from it, so they do not depend on where the file lies or which shard
/// scanned it.
public enum ContentHash {
    /// - Throws: `AtomicFile.Failure` naming the file when it cannot be read.
    public static func of(file path: String) throws(AtomicFile.Failure) -> String {
        guard let f = fopen(path, "rb") else { throw AtomicFile.Failure(path: path, operation: "open", errno: errno) }
        defer { fclose(f) }
        let digest = ContentDigest()
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer, 1, size, f)
            if n == 0 { break }
            digest.update(at: digest.bytes, UnsafeRawBufferPointer(start: buffer, count: n))
        }
        guard ferror(f) == 0 else { throw AtomicFile.Failure(path: path, operation: "read", errno: errno) }
        return digest.hex(ifCovering: Int64(digest.bytes)) ?? ""
    }

    /// The id prefix of a source: the file's hash, mixed with the episode path for HDF5
    /// files that hold several (FNV-1a), 10 hex digits.
    public static func sourceKey(hash: String, source: SourceID) -> String {
        guard let episode = source.episode else { return String(hash.prefix(10)) }
        return String(FNV1a.hex(FNV1a.hash(hash + "#" + episode)).prefix(10))
    }
}
