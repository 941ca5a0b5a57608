import LongtailMCAP
import LongtailSupport

extension JSONText {
    /// Appends any decoded value; byte arrays become arrays of integers.
    public mutating func value(_ v: DecodedValue) {
        switch v {
        case .bool(let b): raw(b ? "true" : "false")
        case .int(let i): raw(String(i))
        case .uint(let u): raw(String(u))
        case .float32(let f): float(f)
        case .float64(let d): double(d)
        case .string(let s): string(s)
        case .bytes(let bytes): integers(bytes)
        case .null: raw("null")
        case .array(let items):
            raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { raw(",") }
                value(item)
            }
            raw("]")
        case .object(let fields):
            raw("{")
            for (i, f) in fields.enumerated() {
                if i > 0 { raw(",") }
                string(f.name)
                raw(":")
                value(f.value)
            }
            raw("}")
        }
    }
}
