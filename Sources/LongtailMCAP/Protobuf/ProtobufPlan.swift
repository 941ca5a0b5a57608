import SwiftProtobuf

/// A protobuf schema as MCAP carries it (a serialized `FileDescriptorSet`, the root message
/// by its full name) compiled once into index-linked message layouts, so decoding a message
/// does no name lookups.
public final class ProtobufPlan: Sendable {
    /// What a field holds on the wire and in the decoded tree.
    enum Kind: Sendable, Equatable {
        case double, float, int64, uint64, int32, uint32, sint32, sint64, fixed32, fixed64, sfixed32, sfixed64, bool, enumeration
        case string, bytes
        /// A nested message, by layout index.
        case message(Int)

        /// Whether a repeated field of this kind may be packed (numeric scalars).
        var packable: Bool {
            switch self {
            case .string, .bytes, .message: false
            default: true
            }
        }
    }

    struct Field: Sendable {
        let name: String
        let number: Int
        let kind: Kind
        let repeated: Bool
        /// Index of the oneof it belongs to (only the member that is set is decoded).
        let oneof: Int?
        /// A proto3 `optional` or a proto2 field: absent means absent, not the default.
        let hasPresence: Bool
    }

    struct Layout: Sendable {
        let name: String
        let fields: [Field]
        /// Field number → index in `fields`.
        let byNumber: [Int: Int]
        /// A map's entry type (`key`, `value`): decoded as an object keyed by `key`.
        let isMapEntry: Bool
    }

    /// Layouts by index; index 0 is the root message.
    let layouts: [Layout]
    public let schemaName: String

    /// A schema that cannot be used.
    public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
        public var schema: String
        public var detail: String
        public var description: String { "protobuf schema \(schema): \(detail)" }
    }

    /// Compiles the message `name` (e.g. `foxglove.Imu`, no leading dot) of a serialized
    /// `FileDescriptorSet`.
    /// - Throws: `SchemaError` when the set does not parse, lacks the message or a type a
    ///   field refers to.
    public init(fileDescriptorSet data: [UInt8], messageName name: String) throws(SchemaError) {
        schemaName = name
        let set: Google_Protobuf_FileDescriptorSet
        do { set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data) } catch {
            throw SchemaError(schema: name, detail: "the FileDescriptorSet does not parse (\(error))")
        }
        // Every message and enum of every file, by full name with a leading dot.
        var messages: [String: Google_Protobuf_DescriptorProto] = [:]
        var proto3 = Set<String>()
        var enums = Set<String>()
        func collect(_ m: Google_Protobuf_DescriptorProto, prefix: String, syntax3: Bool) {
            let full = prefix + "." + m.name
            messages[full] = m
            if syntax3 { proto3.insert(full) }
            for e in m.enumType { enums.insert(full + "." + e.name) }
            for n in m.nestedType { collect(n, prefix: full, syntax3: syntax3) }
        }
        for f in set.file {
            let prefix = f.package.isEmpty ? "" : "." + f.package
            for m in f.messageType { collect(m, prefix: prefix, syntax3: f.syntax == "proto3") }
            for e in f.enumType { enums.insert(prefix + "." + e.name) }
        }
        let root = name.hasPrefix(".") ? name : "." + name
        guard messages[root] != nil else {
            throw SchemaError(schema: name, detail: "the FileDescriptorSet defines no message \(name) (it has \(messages.keys.sorted().prefix(8).joined(separator: ", ")))")
        }
        // Layout indexes in discovery order, root first; recursive messages are fine.
        var index: [String: Int] = [root: 0]
        var order = [root]
        var k = 0
        while k < order.count {
            for f in messages[order[k]]!.field where f.type == .message || f.type == .group {
                guard messages[f.typeName] != nil else {
                    throw SchemaError(schema: name, detail: "field \(f.name) of \(order[k].dropFirst()) refers to \(f.typeName.dropFirst()), which the FileDescriptorSet does not define")
                }
                if index[f.typeName] == nil { index[f.typeName] = order.count; order.append(f.typeName) }
            }
            k += 1
        }
        var layouts: [Layout] = []
        for full in order {
            let m = messages[full]!
            var fields: [Field] = []
            for f in m.field {
                if f.type == .enum && !enums.contains(f.typeName) {
                    throw SchemaError(schema: name, detail: "field \(f.name) of \(full.dropFirst()) refers to enum \(f.typeName.dropFirst()), which the FileDescriptorSet does not define")
                }
                guard let kind = Self.kind(f, index: index) else {
                    throw SchemaError(schema: name, detail: "field \(f.name) of \(full.dropFirst()) has a type Longtail does not read (\(f.type))")
                }
                let realOneof = f.hasOneofIndex && !f.proto3Optional
                // Presence: messages, oneof members, proto3 `optional` and every proto2 singular field.
                let presence: Bool
                if case .message = kind { presence = true } else { presence = realOneof || f.proto3Optional || !proto3.contains(full) }
                fields.append(Field(name: f.name, number: Int(f.number), kind: kind, repeated: f.label == .repeated,
                                    oneof: realOneof ? Int(f.oneofIndex) : nil, hasPresence: f.label != .repeated && presence))
            }
            layouts.append(Layout(name: String(full.dropFirst()), fields: fields,
                                  byNumber: Dictionary(fields.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { a, _ in a }),
                                  isMapEntry: m.options.mapEntry))
        }
        self.layouts = layouts
    }

    private static func kind(_ f: Google_Protobuf_FieldDescriptorProto, index: [String: Int]) -> Kind? {
        switch f.type {
        case .double: .double
        case .float: .float
        case .int64: .int64
        case .uint64: .uint64
        case .int32: .int32
        case .uint32: .uint32
        case .sint32: .sint32
        case .sint64: .sint64
        case .fixed32: .fixed32
        case .fixed64: .fixed64
        case .sfixed32: .sfixed32
        case .sfixed64: .sfixed64
        case .bool: .bool
        case .enum: .enumeration
        case .string: .string
        case .bytes: .bytes
        case .message: index[f.typeName].map { .message($0) }
        default: nil   // groups (deprecated proto2)
        }
    }
}
