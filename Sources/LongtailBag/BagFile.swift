#if canImport(Glibc)
import Glibc
#endif

/// A bag on disk, read with `pread` into buffers the reader reuses: memory stays bounded by
/// the largest record (a chunk), whatever the file size.
final class BagFile {
    let path: String
    let size: UInt64
    private let fd: Int32

    init(path: String) throws(BagError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BagError(.io(operation: "open", errno: errno), offset: 0, file: path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw BagError(.io(operation: "stat", errno: e), offset: 0, file: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw BagError(.io(operation: "open (not a regular file)", errno: EINVAL), offset: 0, file: path)
        }
        size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    /// Reads `count` bytes at `offset` into `buffer` (grown to fit, never beyond what the file holds).
    func read(_ count: Int, at offset: UInt64, into buffer: inout [UInt8], what: String) throws(BagError) {
        guard offset <= size, UInt64(count) <= size - offset else {
            throw BagError(.truncated(what: what, needed: UInt64(count), available: offset <= size ? size - offset : 0), offset: offset, file: path)
        }
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BagError(.io(operation: "read", errno: errno), offset: offset, file: path)
            }
            if n == 0 { throw BagError(.truncated(what: what, needed: UInt64(count), available: UInt64(done)), offset: offset, file: path) }
            done += n
        }
    }

    /// The little-endian uint32 at `offset`.
    func uint32(at offset: UInt64, what: String, scratch: inout [UInt8]) throws(BagError) -> UInt32 {
        try read(4, at: offset, into: &scratch, what: what)
        return scratch.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
    }
}
