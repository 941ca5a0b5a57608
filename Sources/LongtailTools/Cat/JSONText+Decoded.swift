import LongtailMCAP
import LongtailSupport

extension JSONText {
    /// Appends any decoded value; byte arrays become arrays of integers.
    public mutating func value(_ v: DecodedValue) {
        switch v {
        case .bool(let b): text.append(b ? "true" : "false")
        case .int(let i): text.append(String(i))
        case .uint(let u): text.append(String(u))
        case .float32(let f): float(f)
        case .float64(let d): double(d)
        case .string(let s): string(s)
        case .bytes(let bytes): integers(bytes)
        case .null: text.append("null")
        case .array(let items):
            text.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { text.append(",") }
                value(item)
            }
            text.append("]")
        case .object(let fields):
            text.append("{")
            for (i, f) in fields.enumerated() {
                if i > 0 { text.append(",") }
                string(f.name)
                text.append(":")
                value(f.value)
            }
            text.append("}")
        }
    }
}
