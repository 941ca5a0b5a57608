#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
