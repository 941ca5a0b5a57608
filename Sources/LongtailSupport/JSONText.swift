/// Writes JSON text by hand so numbers keep their exact types: integers print as
/// integers, floats as the shortest text that round-trips (float32 as float32), and
/// NaN/±inf as the strings "nan", "inf", "-inf", which JSON cannot otherwise carry.
public struct JSONText {
    /// The text written so far.
    public var text = ""

    public init() { text.reserveCapacity(512) }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var j = JSONText()
        j.string(s)
        return j.text
    }

    /// Appends a JSON string literal.
    public mutating func string(_ s: String) {
        text.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - h.count) + h)
            default: text.unicodeScalars.append(u)
            }
        }
        text.append("\"")
    }

    /// Appends a float64 that round-trips exactly.
    public mutating func double(_ v: Double) {
        if v.isNaN { text.append("\"nan\"") } else if v.isInfinite { text.append(v < 0 ? "\"-inf\"" : "\"inf\"") } else {
            text.append(v.description)
        }
    }

    /// Appends a float32 as its shortest float32 text.
    public mutating func float(_ v: Float) {
        if v.isNaN { text.append("\"nan\"") } else if v.isInfinite { text.append(v < 0 ? "\"-inf\"" : "\"inf\"") } else {
            text.append(v.description)
        }
    }

    /// Appends an array of unsigned integers.
    public mutating func integers<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        text.append("[")
        var first = true
        for b in bytes {
            if !first { text.append(",") }
            first = false
            text.append(String(b))
        }
        text.append("]")
    }

    /// Appends `"key":` (with a leading comma unless `first`).
    public mutating func key(_ k: String, first: Bool = false) {
        if !first { text.append(",") }
        string(k)
        text.append(":")
    }

    /// Appends raw JSON text.
    public mutating func raw(_ s: String) { text.append(s) }
}
