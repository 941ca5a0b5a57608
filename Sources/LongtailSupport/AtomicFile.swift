#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files written whole under a temporary name and renamed into place, so a reader or a
/// kill sees the old file or the new one, never half of one; and whole files read back.
public enum AtomicFile {
    /// A file that could not be written or read, with the operation and the OS's reason.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var operation: String
        public var errno: Int32
        public init(path: String, operation: String, errno: Int32) { self.path = path; self.operation = operation; self.errno = errno }
        public var description: String { "\(path): \(operation) failed: \(String(cString: strerror(errno)))" }
    }

    /// A temporary name beside `path`, unique to this call: two threads writing the same
    /// file at once cannot trip over each other's temporary file.
    public static func temporaryName(for path: String) -> String {
        path + ".partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    /// Writes `text` to `path` atomically.
    public static func write(_ path: String, _ text: String) throws(Failure) {
        try write(path, Array(text.utf8))
    }

    /// Writes `bytes` to `path` atomically (straight from the array, no copy).
    public static func write(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        try write(path) { (f) -> Bool in bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) } == bytes.count }
    }

    /// Streams a file through `body` (which returns false when a write came up short),
    /// then renames it into place; on any failure the temporary file is removed.
    public static func write(_ path: String, _ body: (UnsafeMutablePointer<FILE>) -> Bool) throws(Failure) {
        let tmp = temporaryName(for: path)
        guard let f = fopen(tmp, "wb") else { throw Failure(path: path, operation: "create", errno: errno) }
        let ok = body(f)
        let err = errno
        guard fclose(f) == 0, ok else { let e = ok ? errno : err; unlink(tmp); throw Failure(path: path, operation: "write", errno: e) }
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw Failure(path: path, operation: "rename into place", errno: e)
        }
    }

    /// A whole file as bytes, read straight into the array; nil when it cannot be read.
    public static func readBytes(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        guard fseeko(f, 0, SEEK_END) == 0 else { return nil }
        let size = Int(ftello(f))
        guard size >= 0, fseeko(f, 0, SEEK_SET) == 0 else { return nil }
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, filled in
            filled = size == 0 ? 0 : fread(buf.baseAddress, 1, size, f)
            ok = filled == size
        }
        return ok ? bytes : nil
    }

    /// Creates `path` and its parents (like `mkdir -p`).
    public static func makeDirectory(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Failure(path: prefix, operation: "mkdir", errno: errno)
            }
        }
    }
}

/// A file's size and modification time, from `stat`.
public struct FileStatus: Sendable, Equatable {
    public var size: Int64
    /// Nanoseconds since the epoch.
    public var modifiedNs: Int64

    /// (0, 0) when the file cannot be read.
    public init(_ path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { size = 0; modifiedNs = 0; return }
        size = Int64(st.st_size)
        modifiedNs = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}

/// A text file written line by line through a buffer, under a temporary name renamed into
/// place by `close()`: outputs of any size never sit whole in memory, and a killed run
/// leaves the old file.
public final class LineFile {
    public let path: String
    private let temporary: String
    private var file: UnsafeMutablePointer<FILE>?
    private var buffer: [UInt8] = []

    public init(_ path: String) throws(AtomicFile.Failure) {
        self.path = path
        temporary = AtomicFile.temporaryName(for: path)
        guard let f = fopen(temporary, "wb") else { throw AtomicFile.Failure(path: path, operation: "create", errno: errno) }
        file = f
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if let file { fclose(file); unlink(temporary) }
    }

    /// Appends `s` and a newline.
    public func line(_ s: String) throws(AtomicFile.Failure) {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends `bytes` (UTF-8 text) and a newline.
    public func line(_ bytes: [UInt8]) throws(AtomicFile.Failure) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(AtomicFile.Failure) {
        guard let file else { return }
        let n = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == buffer.count else { throw AtomicFile.Failure(path: path, operation: "write", errno: errno) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and renames the file into place.
    public func close() throws(AtomicFile.Failure) {
        try flush()
        guard let f = file else { return }
        file = nil
        guard fclose(f) == 0 else { let e = errno; unlink(temporary); throw AtomicFile.Failure(path: path, operation: "write", errno: e) }
        guard rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw AtomicFile.Failure(path: path, operation: "rename into place", errno: e)
        }
    }
}
