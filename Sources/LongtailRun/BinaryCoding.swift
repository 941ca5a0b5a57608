/// Little-endian binary writing and bounds-checked reading for the per-file results
/// (`FileResult`) a batch keeps on disk between scanning and finishing.
#if canImport(Glibc)
import Glibc
#endif

/// Little-endian binary writing into memory, or through a 1 MiB buffer into a file
/// (float arrays then go to the file straight from their storage).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []
    private let file: UnsafeMutablePointer<FILE>?
    /// A write to the file came up short.
    private(set) var failed = false

    init() { file = nil }
    init(file: UnsafeMutablePointer<FILE>) { self.file = file; bytes.reserveCapacity(1 << 20) }

    /// Sends what is buffered to the file.
    mutating func flush() {
        guard let file, !bytes.isEmpty else { return }
        if bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) != bytes.count { failed = true }
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func int(_ v: Int64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
        if file != nil && bytes.count >= 1 << 20 { flush() }
    }
    mutating func int(_ v: Int) { int(Int64(v)) }
    mutating func double(_ v: Double) { int(Int64(bitPattern: v.bitPattern)) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ s: String) { let u = Array(s.utf8); int(u.count); bytes.append(contentsOf: u) }
    mutating func strings(_ s: [String]) { int(s.count); for x in s { string(x) } }
    mutating func doubles(_ v: [Double]) { int(v.count); for x in v { double(x) } }
    mutating func floats(_ v: [Float]) {
        int(v.count)
        #if _endian(little)
        if let file {
            flush()
            if v.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) != v.count * 4 { failed = true }
            return
        }
        #endif
        v.withUnsafeBufferPointer { b in
            for x in b { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
    }
}

/// Reading past the end or a length that cannot be: the file is damaged (or not ours).
struct BinaryFormatError: Error, CustomStringConvertible {
    var offset: Int
    var what: String
    var description: String { "damaged result file at byte \(offset): \(what)" }
}

struct BinaryReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private mutating func take(_ n: Int, _ what: String) throws(BinaryFormatError) -> Int {
        guard n >= 0, bytes.count - position >= n else { throw BinaryFormatError(offset: position, what: "\(what) runs past the end") }
        defer { position += n }
        return position
    }

    mutating func int() throws(BinaryFormatError) -> Int64 {
        let at = try take(8, "an integer")
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
        return Int64(bitPattern: v)
    }
    mutating func count(_ what: String) throws(BinaryFormatError) -> Int {
        let n = try int()
        guard n >= 0, n <= Int64(bytes.count) else { throw BinaryFormatError(offset: position - 8, what: "\(what) count \(n)") }
        return Int(n)
    }
    mutating func double() throws(BinaryFormatError) -> Double { Double(bitPattern: UInt64(bitPattern: try int())) }
    mutating func bool() throws(BinaryFormatError) -> Bool { bytes[try take(1, "a flag")] != 0 }
    mutating func string() throws(BinaryFormatError) -> String {
        let n = try count("string")
        let at = try take(n, "a string")
        return String(decoding: bytes[at..<(at + n)], as: UTF8.self)
    }
    mutating func strings() throws(BinaryFormatError) -> [String] { try list("strings") { (r) throws(BinaryFormatError) in try r.string() } }
    mutating func doubles() throws(BinaryFormatError) -> [Double] { try list("doubles") { (r) throws(BinaryFormatError) in try r.double() } }
    /// A count, then that many elements read by `element`.
    private mutating func list<T>(_ what: String, _ element: (inout BinaryReader) throws(BinaryFormatError) -> T) throws(BinaryFormatError) -> [T] {
        let n = try count(what)
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try element(&self)) }
        return out
    }
    mutating func floats() throws(BinaryFormatError) -> [Float] {
        let n = try count("floats")
        let at = try take(n * 4, "floats")
        return [Float](unsafeUninitializedCapacity: n) { buf, filled in
            for i in 0..<n {
                let p = at + 4 * i
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                buf[i] = Float(bitPattern: bits)
            }
            filled = n
        }
    }
}
