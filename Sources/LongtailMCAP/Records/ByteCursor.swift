/// A bounds-checked little-endian cursor over borrowed bytes, used to parse record bodies.
///
/// Every read checks the remaining length first and throws `FieldError` instead of trapping,
/// so a malformed length can never read past the buffer or allocate from a bogus size.
struct ByteCursor {
    let base: UnsafeRawBufferPointer
    var position: Int = 0

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var remaining: Int { base.count - position }

    struct FieldError: Error { var detail: String }

    @inline(__always)
    mutating func need(_ n: Int) throws(FieldError) {
        if n < 0 || n > remaining {
            throw FieldError(detail: "needs \(n) bytes at body offset \(position), \(remaining) remain")
        }
    }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(FieldError) -> T {
        try need(MemoryLayout<T>.size)
        let v = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func u8() throws(FieldError) -> UInt8 { try read(UInt8.self) }
    mutating func u16() throws(FieldError) -> UInt16 { try read(UInt16.self) }
    mutating func u32() throws(FieldError) -> UInt32 { try read(UInt32.self) }
    mutating func u64() throws(FieldError) -> UInt64 { try read(UInt64.self) }

    /// A length that must fit in what remains; checked before any allocation.
    mutating func length<T: FixedWidthInteger>(_: T.Type) throws(FieldError) -> Int {
        let n = try read(T.self)
        guard UInt64(n) <= UInt64(remaining) else {
            throw FieldError(detail: "length \(n) exceeds the \(remaining) bytes left in the record")
        }
        return Int(n)
    }

    mutating func bytesView(count: Int) throws(FieldError) -> UnsafeRawBufferPointer {
        try need(count)
        let v = UnsafeRawBufferPointer(rebasing: base[position..<(position + count)])
        position += count
        return v
    }

    mutating func string() throws(FieldError) -> String {
        let n = try length(UInt32.self)
        let v = try bytesView(count: n)
        return String(decoding: v, as: UTF8.self)
    }

    mutating func bytes32() throws(FieldError) -> [UInt8] {
        let n = try length(UInt32.self)
        return Array(try bytesView(count: n))
    }

    mutating func bytes64() throws(FieldError) -> [UInt8] {
        let n = try length(UInt64.self)
        return Array(try bytesView(count: n))
    }

    mutating func rest() -> UnsafeRawBufferPointer {
        let v = UnsafeRawBufferPointer(rebasing: base[position...])
        position = base.count
        return v
    }

    /// A `Map<String, String>`: uint32 byte length, then key/value pairs.
    mutating func stringMap() throws(FieldError) -> [(String, String)] {
        let n = try length(UInt32.self)
        var sub = ByteCursor(try bytesView(count: n))
        var out: [(String, String)] = []
        while sub.remaining > 0 {
            let k = try sub.string()
            let v = try sub.string()
            out.append((k, v))
        }
        return out
    }

    /// A `Map<uint16, uint64>`.
    mutating func u16u64Map() throws(FieldError) -> [(UInt16, UInt64)] {
        let n = try length(UInt32.self)
        var sub = ByteCursor(try bytesView(count: n))
        var out: [(UInt16, UInt64)] = []
        out.reserveCapacity(n / 10)
        while sub.remaining > 0 {
            let k = try sub.u16()
            let v = try sub.u64()
            out.append((k, v))
        }
        return out
    }
}
