#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a writer's bytes go.
public protocol MCAPByteSink: AnyObject {
    /// Appends bytes.
    /// - Throws: `MCAPError.io` when the bytes cannot be written.
    func write(_ bytes: UnsafeRawBufferPointer) throws(MCAPError)
}

/// Collects written bytes in memory (tests, small clips).
public final class MemorySink: MCAPByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) { self.bytes.append(contentsOf: bytes) }
}

/// Writes to a file through a 1 MiB buffer.
///
/// The file is written under a temporary name beside the target and renamed into place
/// by `close()`, so a killed run never leaves half a file at `path`.
public final class FileSink: MCAPByteSink {
    public let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var written: UInt64 = 0

    /// Creates (truncates) the temporary file beside `path`.
    /// - Throws: `MCAPError.io` naming the path.
    public init(path: String) throws(MCAPError) {
        self.path = path
        temporaryPath = path + ".partial-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MCAPError(.io(operation: "open for writing", errno: errno), offset: 0, file: path) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd); unlink(temporaryPath) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        if buffer.count + bytes.count > (1 << 20) { try flush() }
        if bytes.count >= (1 << 20) { try writeAll(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    private func flush() throws(MCAPError) {
        var result: Result<Void, MCAPError> = .success(())
        buffer.withUnsafeBytes { b in result = Result { () throws(MCAPError) in try writeAll(b) } }
        try result.get()
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw MCAPError(.io(operation: "write", errno: errno), offset: written, file: path)
            }
            done += n
            written += UInt64(n)
        }
    }

    /// Flushes, closes and renames the file into place.
    /// - Throws: `MCAPError.io` naming the path.
    public func close() throws(MCAPError) {
        try flush()
        guard fd >= 0 else { return }
        if Glibc.close(fd) != 0 { throw MCAPError(.io(operation: "close", errno: errno), offset: written, file: path) }
        fd = -1
        if rename(temporaryPath, path) != 0 {
            throw MCAPError(.io(operation: "rename into place", errno: errno), offset: written, file: path)
        }
    }
}
