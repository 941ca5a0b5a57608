#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file opened for positional reads (`pread(2)`), shared by the readers.
public final class FileSource: @unchecked Sendable {
    /// The path it was opened with, used in error messages.
    public let path: String
    /// The file's size in bytes when opened.
    public let size: UInt64
    private let fd: Int32

    /// Opens `path` read-only.
    /// - Throws: `MCAPError.io` naming the path when it cannot be opened or stat'ed.
    public init(path: String) throws(MCAPError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MCAPError(.io(operation: "open", errno: errno), offset: 0, file: path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw MCAPError(.io(operation: "fstat", errno: e), offset: 0, file: path)
        }
        self.fd = fd
        self.size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (0 at end of file).
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(MCAPError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw MCAPError(.io(operation: "pread", errno: errno), offset: offset, file: path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset` into a new array.
    /// - Throws: `.truncated` when the file ends first.
    public func readExactly(at offset: UInt64, count: Int) throws(MCAPError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var result: Result<Int, MCAPError> = .success(0)
        out.withUnsafeMutableBytes { b in result = Result { () throws(MCAPError) in try read(at: offset, into: b) } }
        let n = try result.get()
        guard n == count else {
            throw MCAPError(.truncated(needed: UInt64(count), available: UInt64(n)), offset: offset, file: path)
        }
        return out
    }
}

extension MCAPStreamReader {
    /// Streams a whole file through a new reader, calling `body` for every record.
    ///
    /// Reads in `readSize` pieces straight into the reader's buffer; memory stays bounded
    /// by the largest record plus one read. Errors carry the file's path.
    /// - Throws: the first `MCAPError` from the file or from `body`.
    public static func forEachRecord(
        inFile path: String, options: MCAPReadOptions = MCAPReadOptions(), readSize: Int = 1 << 20,
        _ body: (RawRecord) throws(MCAPError) -> Void
    ) throws(MCAPError) {
        do {
            let source = try FileSource(path: path)
            var opts = options
            opts.totalSize = source.size
            let reader = MCAPStreamReader(options: opts)
            var offset: UInt64 = 0
            while true {
                while let record = try reader.next() {
                    try body(record)
                    try reader.drainChunk(body)
                }
                if reader.isFinished { return }
                let n = try reader.appendDirect(upTo: readSize) { (buf) throws(MCAPError) -> Int in
                    let n = try source.read(at: offset, into: buf)
                    options.onRead?(offset, UnsafeRawBufferPointer(rebasing: buf[0..<n]))
                    return n
                }
                if n == 0 { try reader.finish(); return }
                offset += UInt64(n)
            }
        } catch {
            var e = error
            if e.file == nil { e.file = path }
            throw e
        }
    }
}

extension FileSource {
    /// Reads the magic and the Header record at the start of the file.
    /// - Throws: `MCAPError` for a bad magic, a first record that is not a Header, or a short file.
    public func readHeader() throws(MCAPError) -> Header {
        let start = try readExactly(at: 0, count: min(Int(size), 17))
        guard start.count >= 8, Array(start[0..<8]) == mcapMagic else {
            throw MCAPError(.badMagic(found: Array(start.prefix(8))), offset: 0, file: path)
        }
        guard start.count == 17 else {
            throw MCAPError(.truncated(needed: 9, available: UInt64(start.count - 8)), offset: 8, file: path)
        }
        let length = start.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 9, as: UInt64.self)) }
        guard start[8] == Opcode.header else {
            throw MCAPError(.unexpectedRecord(opcode: start[8], context: "where the Header record must be"), offset: 8, file: path)
        }
        guard length <= size - 17 else {
            throw MCAPError(.lengthExceedsFile(length: length, remaining: size - 17), offset: 8, file: path)
        }
        let body = try readExactly(at: 17, count: Int(length))
        let record = try withBytes(body) { (b) throws(MCAPError) in try Record.parse(opcode: Opcode.header, body: b, offset: 8) }
        guard case .header(let h) = record else { fatalError("unreachable: parsed a Header opcode") }
        return h
    }
}
