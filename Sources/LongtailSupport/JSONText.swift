/// Writes JSON text by hand so numbers keep their exact types: integers print as
/// integers, floats as the shortest text that round-trips (float32 as float32), and
/// NaN/±inf as the strings "nan", "inf", "-inf", which JSON cannot otherwise carry.
///
/// The text is built as UTF-8 bytes (`bytes`): JSON lines and catalog rows are written
/// by the hundred thousand, and appending bytes costs a fraction of growing a `String`.
public struct JSONText {
    /// The UTF-8 bytes written so far.
    public var bytes: [UInt8] = []

    /// The text written so far.
    public var text: String {
        get { String(decoding: bytes, as: UTF8.self) }
        set { bytes = Array(newValue.utf8) }
    }

    public init() { bytes.reserveCapacity(512) }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var j = JSONText()
        j.string(s)
        return j.text
    }

    /// Appends a JSON string literal.
    public mutating func string(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { u in
            // Runs without a character to escape are copied whole.
            var start = 0
            for (i, b) in u.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[start..<i]))
                escape(b)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[start...]))
        }
        bytes.append(0x22)
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
        }
    }

    /// Appends a float64 that round-trips exactly.
    public mutating func double(_ v: Double) {
        if v.isNaN { raw("\"nan\"") } else if v.isInfinite { raw(v < 0 ? "\"-inf\"" : "\"inf\"") } else {
            raw(v.description)
        }
    }

    /// Appends a float32 as its shortest float32 text.
    public mutating func float(_ v: Float) {
        if v.isNaN { raw("\"nan\"") } else if v.isInfinite { raw(v < 0 ? "\"-inf\"" : "\"inf\"") } else {
            raw(v.description)
        }
    }

    /// Appends an integer in decimal.
    public mutating func int(_ v: Int64) {
        if v < 0 { bytes.append(0x2D) }
        uint(v.magnitude)
    }

    /// Appends an integer in decimal.
    public mutating func int(_ v: Int) { int(Int64(v)) }

    /// Appends an unsigned integer in decimal.
    public mutating func uint(_ v: UInt64) {
        // At most 20 digits, written from the right into a small buffer.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var x = v, i = 24
            repeat {
                i -= 1
                d[i] = 0x30 + UInt8(truncatingIfNeeded: x % 10)
                x /= 10
            } while x != 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[i...]))
        }
    }

    /// Appends an array of unsigned integers.
    public mutating func integers<C: Collection>(_ values: C) where C.Element == UInt8 {
        bytes.append(0x5B)
        var first = true
        for b in values {
            if !first { bytes.append(0x2C) }
            first = false
            uint(UInt64(b))
        }
        bytes.append(0x5D)
    }

    /// Appends `"key":` (with a leading comma unless `first`).
    public mutating func key(_ k: String, first: Bool = false) {
        if !first { bytes.append(0x2C) }
        string(k)
        bytes.append(0x3A)
    }

    /// Appends raw JSON bytes (another `JSONText`'s, or a key written once and reused).
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// `"key":` as bytes, with a leading comma unless `first`: for keys written on every line.
    public static func keyBytes(_ k: String, first: Bool = false) -> [UInt8] {
        var j = JSONText()
        j.key(k, first: first)
        return j.bytes
    }

    /// Appends raw JSON text.
    public mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }
}
