#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes mapped read-only for the checks that walk HDF5 structures before libhdf5 does.
enum MappedFile {
    /// Calls `body` with the file's bytes; nil when the file cannot be mapped (or is empty).
    static func with<T>(path: String, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return nil }
        let count = Int(st.st_size)
        guard let map = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, count) }
        return body(UnsafeRawBufferPointer(start: map, count: count))
    }
}
