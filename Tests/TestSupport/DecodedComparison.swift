import LongtailMCAP

/// Compares Longtail's decoded values with values another implementation wrote as JSON.
///
/// The expected JSON is read with `JSONMessageDecoder` (Swift's correctly rounded
/// `Double(String)`), not Foundation's `JSONSerialization`, which on Linux misreads some
/// 17-digit floats (it reads -7.8500000000000005 as -7.85).
public enum DecodedComparison {
    /// Parses a JSON file's text.
    public static func parse(_ bytes: [UInt8]) throws -> DecodedValue {
        try bytes.withUnsafeBytes { try JSONMessageDecoder.decode($0) }
    }

    /// The first difference between `mine` and `expected`, or nil. Floats compare exactly
    /// (float32 widened to float64, as Python does); NaN and infinities may appear in
    /// `expected` as the strings "nan", "inf", "-inf"; byte arrays match arrays of integers.
    public static func difference(_ mine: DecodedValue, _ expected: DecodedValue, path: String = "") -> String? {
        switch (mine, expected) {
        case (.object(let a), .object(let b)):
            if a.map(\.name).sorted() != b.map(\.name).sorted() {
                return "\(path): keys \(a.map(\.name)) vs expected \(b.map(\.name))"
            }
            for f in a {
                if let d = difference(f.value, expected[f.name]!, path: path + "." + f.name) { return d }
            }
            return nil
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return "\(path): \(a.count) items, expected \(b.count)" }
            for i in a.indices {
                if let d = difference(a[i], b[i], path: "\(path)[\(i)]") { return d }
            }
            return nil
        case (.bytes(let a), .array(let b)):
            return difference(.array(a.map { .uint(UInt64($0)) }), .array(b), path: path)
        case (.float32(let f), _): return compareFloat(Double(f), expected, path)
        case (.float64(let d), _): return compareFloat(d, expected, path)
        case (.uint(let a), .int(let b)): return b >= 0 && UInt64(b) == a ? nil : "\(path): expected \(b), got \(a)"
        case (.int(let a), .uint(let b)): return a >= 0 && UInt64(a) == b ? nil : "\(path): expected \(b), got \(a)"
        case (.bool(let a), .int(let b)): return (a ? 1 : 0) == b ? nil : "\(path): expected \(b), got \(a)"
        default:
            return mine == expected ? nil : "\(path): expected \(expected), got \(mine)"
        }
    }

    static func compareFloat(_ v: Double, _ expected: DecodedValue, _ path: String) -> String? {
        switch expected {
        case .string(let s):
            let ok = (s == "nan" && v.isNaN) || (s == "inf" && v == .infinity) || (s == "-inf" && v == -.infinity)
            return ok ? nil : "\(path): expected \(s), got \(v)"
        case .float64(let e): return e == v ? nil : "\(path): expected \(e), got \(v)"
        case .int(let e): return Double(e) == v ? nil : "\(path): expected \(e), got \(v)"
        case .uint(let e): return Double(e) == v ? nil : "\(path): expected \(e), got \(v)"
        default: return "\(path): expected \(expected), got \(v)"
        }
    }
}
