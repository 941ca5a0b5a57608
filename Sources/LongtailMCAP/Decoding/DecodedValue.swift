/// A decoded message value: the dynamic form used by `cat`, tests and JSON export.
public indirect enum DecodedValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float32(Float)
    case float64(Double)
    case string(String)
    /// Arrays of `byte`, `uint8` and `char`, kept as raw bytes.
    case bytes([UInt8])
    case array([DecodedValue])
    /// A nested message: fields in definition order.
    case object([DecodedField])
    case null

    /// The field named `name`, for objects.
    public subscript(name: String) -> DecodedValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }

    /// The value as a Double, for any numeric case.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }
}

/// One named field of a decoded object.
public struct DecodedField: Sendable, Equatable {
    public var name: String
    public var value: DecodedValue
    public init(name: String, value: DecodedValue) { self.name = name; self.value = value }
}
