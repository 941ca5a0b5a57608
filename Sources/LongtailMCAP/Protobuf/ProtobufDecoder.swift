/// A protobuf payload could not be decoded.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset within the payload.
    public var offset: Int
    public var detail: String
    public var description: String { "protobuf decoding failed at payload byte \(offset): \(detail)" }
}

extension ProtobufPlan {
    /// Messages nested deeper than this are refused (protobuf allows recursive types; a
    /// payload could otherwise nest until the stack runs out).
    public static let maxDepth = 100

    /// Decodes one payload into a `DecodedValue` tree: fields in declaration order; proto3
    /// scalars without presence always (their default when absent), fields with presence
    /// (messages, oneof members, `optional`, proto2) only when set; repeated fields as
    /// arrays, maps as objects keyed by the key's text, enums as numbers, `bytes` as bytes.
    /// Unknown fields are skipped; packed and unpacked repeated scalars both read.
    /// - Throws: `ProtobufError` with the payload offset.
    public func decode(_ payload: UnsafeRawBufferPointer) throws(ProtobufError) -> DecodedValue {
        var r = ProtobufReader(base: payload, position: 0)
        return try decodeMessage(0, &r, end: payload.count, depth: 0)
    }

    private func decodeMessage(_ index: Int, _ r: inout ProtobufReader, end: Int, depth: Int) throws(ProtobufError) -> DecodedValue {
        guard depth < Self.maxDepth else { throw ProtobufError(offset: r.position, detail: "messages nested deeper than \(Self.maxDepth)") }
        let layout = layouts[index]
        var values = [[DecodedValue]](repeating: [], count: layout.fields.count)
        var setOneof: [Int: Int] = [:]   // oneof → the field index set last
        while r.position < end {
            let at = r.position
            let key = try r.varint(end: end)
            let number = Int(key >> 3), wire = Int(key & 7)
            guard number > 0 && number < 1 << 29 else { throw ProtobufError(offset: at, detail: "field number \(key >> 3)") }
            guard let fi = layout.byNumber[number] else { try r.skip(wire: wire, end: end, at: at); continue }
            let field = layout.fields[fi]
            if field.repeated && field.kind.packable && wire == 2 {   // packed
                let n = try r.length(end: end)
                let stop = r.position + n
                while r.position < stop { values[fi].append(try scalar(field.kind, wire: Self.wireType(field.kind), &r, end: stop, at: r.position)) }
            } else {
                guard wire == Self.wireType(field.kind) else {
                    throw ProtobufError(offset: at, detail: "field \(field.name) (\(number)) has wire type \(wire), expected \(Self.wireType(field.kind))")
                }
                let v: DecodedValue
                if case .message(let sub) = field.kind {
                    let n = try r.length(end: end)
                    v = try decodeMessage(sub, &r, end: r.position + n, depth: depth + 1)
                } else {
                    v = try scalar(field.kind, wire: wire, &r, end: end, at: at)
                }
                if field.repeated { values[fi].append(v) } else { values[fi] = [v] }
            }
            if let o = field.oneof {
                if let previous = setOneof[o], previous != fi { values[previous] = [] }
                setOneof[o] = fi
            }
        }
        var out: [DecodedField] = []
        out.reserveCapacity(layout.fields.count)
        for (fi, field) in layout.fields.enumerated() {
            if field.repeated {
                if case .message(let sub) = field.kind, layouts[sub].isMapEntry {
                    out.append(DecodedField(name: field.name, value: .object(values[fi].map(Self.mapEntry))))
                } else {
                    out.append(DecodedField(name: field.name, value: .array(values[fi])))
                }
            } else if let v = values[fi].last {
                out.append(DecodedField(name: field.name, value: v))
            } else if !field.hasPresence {
                out.append(DecodedField(name: field.name, value: Self.defaultValue(field.kind)))
            }
        }
        return .object(out)
    }

    /// A map entry (`key`, `value`) as one object field named by the key's text.
    static func mapEntry(_ entry: DecodedValue) -> DecodedField {
        guard case .object(let f) = entry else { return DecodedField(name: "", value: .null) }
        let key = f.first { $0.name == "key" }?.value ?? .string("")
        let name: String = switch key {
        case .string(let s): s
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .bool(let b): b ? "true" : "false"
        default: ""
        }
        return DecodedField(name: name, value: f.first { $0.name == "value" }?.value ?? .null)
    }

    static func wireType(_ kind: Kind) -> Int {
        switch kind {
        case .double, .fixed64, .sfixed64: 1
        case .float, .fixed32, .sfixed32: 5
        case .string, .bytes, .message: 2
        default: 0
        }
    }

    static func defaultValue(_ kind: Kind) -> DecodedValue {
        switch kind {
        case .double: .float64(0)
        case .float: .float32(0)
        case .int64, .int32, .sint32, .sint64, .sfixed32, .sfixed64, .enumeration: .int(0)
        case .uint64, .uint32, .fixed32, .fixed64: .uint(0)
        case .bool: .bool(false)
        case .string: .string("")
        case .bytes: .bytes([])
        case .message: .null
        }
    }

    private func scalar(_ kind: Kind, wire: Int, _ r: inout ProtobufReader, end: Int, at: Int) throws(ProtobufError) -> DecodedValue {
        switch kind {
        case .double: return .float64(Double(bitPattern: try r.fixed64(end: end)))
        case .float: return .float32(Float(bitPattern: try r.fixed32(end: end)))
        case .fixed64: return .uint(try r.fixed64(end: end))
        case .sfixed64: return .int(Int64(bitPattern: try r.fixed64(end: end)))
        case .fixed32: return .uint(UInt64(try r.fixed32(end: end)))
        case .sfixed32: return .int(Int64(Int32(bitPattern: try r.fixed32(end: end))))
        case .int64: return .int(Int64(bitPattern: try r.varint(end: end)))
        case .uint64: return .uint(try r.varint(end: end))
        case .int32, .enumeration: return .int(Int64(Int32(truncatingIfNeeded: try r.varint(end: end))))
        case .uint32: return .uint(UInt64(UInt32(truncatingIfNeeded: try r.varint(end: end))))
        case .sint32:
            let v = UInt32(truncatingIfNeeded: try r.varint(end: end))
            return .int(Int64(Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1)))))
        case .sint64:
            let v = try r.varint(end: end)
            return .int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
        case .bool: return .bool(try r.varint(end: end) != 0)
        case .string:
            let n = try r.length(end: end)
            defer { r.position += n }
            return .string(String(decoding: UnsafeRawBufferPointer(rebasing: r.base[r.position..<(r.position + n)]), as: UTF8.self))
        case .bytes:
            let n = try r.length(end: end)
            defer { r.position += n }
            return .bytes(Array(UnsafeRawBufferPointer(rebasing: r.base[r.position..<(r.position + n)])))
        case .message: throw ProtobufError(offset: at, detail: "a message where a scalar was expected")
        }
    }
}

/// The wire-level reader: every length checked against the bytes left before use.
struct ProtobufReader {
    let base: UnsafeRawBufferPointer
    var position: Int

    @inline(__always)
    mutating func varint(end: Int) throws(ProtobufError) -> UInt64 {
        // One byte, the common case for field keys and small values.
        if position < end, base[position] < 0x80 {
            defer { position += 1 }
            return UInt64(base[position])
        }
        return try longVarint(end: end)
    }

    mutating func longVarint(end: Int) throws(ProtobufError) -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw ProtobufError(offset: start, detail: "varint runs past the end") }
            let b = base[position]
            position += 1
            guard shift < 64 else { throw ProtobufError(offset: start, detail: "varint longer than 10 bytes") }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// A length prefix, checked against the bytes left before `end`.
    @inline(__always)
    mutating func length(end: Int) throws(ProtobufError) -> Int {
        let at = position
        let n = try varint(end: end)
        guard n <= UInt64(end - position) else { throw ProtobufError(offset: at, detail: "length \(n) exceeds the \(end - position) bytes left") }
        return Int(n)
    }

    @inline(__always)
    mutating func fixed32(end: Int) throws(ProtobufError) -> UInt32 {
        guard end - position >= 4 else { throw ProtobufError(offset: position, detail: "needs 4 bytes, \(end - position) left") }
        defer { position += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    @inline(__always)
    mutating func fixed64(end: Int) throws(ProtobufError) -> UInt64 {
        guard end - position >= 8 else { throw ProtobufError(offset: position, detail: "needs 8 bytes, \(end - position) left") }
        defer { position += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// Steps over a field Longtail does not know.
    mutating func skip(wire: Int, end: Int, at: Int) throws(ProtobufError) {
        switch wire {
        case 0: _ = try varint(end: end)
        case 1: _ = try fixed64(end: end)
        case 2: position += try length(end: end)
        case 5: _ = try fixed32(end: end)
        default: throw ProtobufError(offset: at, detail: "wire type \(wire) (groups are not supported)")
        }
    }
}
