/// The primitive types of ROS 2 message definitions.
public enum ROS2Primitive: String, Sendable, CaseIterable {
    case bool, byte, char, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Size in bytes on the wire (and its natural CDR alignment).
    public var size: Int {
        switch self {
        case .bool, .byte, .char, .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// True for the byte-like types whose arrays are printed as integer arrays.
    public var isByteLike: Bool { self == .byte || self == .uint8 || self == .char }
}

/// The element type of a field.
public enum ROS2FieldType: Sendable, Equatable {
    case primitive(ROS2Primitive)
    /// `string`, optionally bounded (`string<=N`).
    case string(bound: Int?)
    /// `wstring`, optionally bounded.
    case wstring(bound: Int?)
    /// A nested message, by its normalised name `pkg/Name`.
    case complex(String)
}

/// Whether and how a field is an array.
public enum ROS2ArrayKind: Sendable, Equatable {
    case none
    case fixed(Int)
    case bounded(Int)
    case unbounded
}

/// One field of a message definition.
public struct ROS2Field: Sendable, Equatable {
    public var name: String
    public var type: ROS2FieldType
    public var array: ROS2ArrayKind
    /// The default value's source text, when the definition gives one.
    public var defaultValue: String?
}

/// One constant of a message definition (`TYPE NAME=VALUE`).
public struct ROS2Constant: Sendable, Equatable {
    public var name: String
    public var type: ROS2FieldType
    public var value: String
}

/// A parsed message definition.
public struct ROS2MessageDefinition: Sendable, Equatable {
    /// Normalised name, `pkg/Name` (the `/msg/` part is dropped).
    public var name: String
    public var fields: [ROS2Field]
    public var constants: [ROS2Constant]
}

/// A schema failed to parse or to resolve.
public struct ROS2SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema's name as the channel gives it.
    public var schema: String
    /// 1-based line in the schema text, 0 when not tied to a line.
    public var line: Int
    public var detail: String

    public var description: String {
        line > 0 ? "schema \(schema), line \(line): \(detail)" : "schema \(schema): \(detail)"
    }
}

/// A `ros2msg` schema: the root definition and every dependency after `====` / `MSG:` lines.
public struct ROS2Schema: Sendable {
    /// The root message's normalised name.
    public var rootName: String
    /// Every definition by normalised name, the root included.
    public var definitions: [String: ROS2MessageDefinition]

    /// The root definition.
    public var root: ROS2MessageDefinition { definitions[rootName]! }

    /// Normalises `pkg/msg/Name` (and `pkg/srv/Name`, `pkg/action/Name`) to `pkg/Name`.
    public static func normalize(_ name: String) -> String {
        let parts = name.split(separator: "/")
        if parts.count == 3 { return "\(parts[0])/\(parts[2])" }
        return name
    }

    /// Definitions every ROS 2 schema may use without including them.
    static let builtins: [String: ROS2MessageDefinition] = [
        "builtin_interfaces/Time": ROS2MessageDefinition(
            name: "builtin_interfaces/Time",
            fields: [ROS2Field(name: "sec", type: .primitive(.int32), array: .none),
                     ROS2Field(name: "nanosec", type: .primitive(.uint32), array: .none)], constants: []),
        "builtin_interfaces/Duration": ROS2MessageDefinition(
            name: "builtin_interfaces/Duration",
            fields: [ROS2Field(name: "sec", type: .primitive(.int32), array: .none),
                     ROS2Field(name: "nanosec", type: .primitive(.uint32), array: .none)], constants: []),
    ]
}
