/// How a message's fields are laid out on the wire.
public enum MessageWire: String, Sendable {
    /// ROS 2's CDR (XCDR1 or plain XCDR2, either byte order): a 4-byte encapsulation
    /// header, primitives aligned to their size, NUL-terminated strings, empty messages as
    /// one byte.
    case cdr
    /// ROS 1 serialization: little-endian, no header, no alignment, strings and sequences
    /// prefixed by a uint32 length (strings without a NUL), empty messages as no bytes.
    case ros1
}

/// A message schema (ROS 2 `ros2msg` or ROS 1 `ros1msg`) compiled once into index-linked
/// layouts, so decoding a message does no name lookups or parsing. `wire` says how the
/// payloads are serialized (CDR or ROS 1).
public final class CDRPlan: Sendable {
    /// Base kind of a field after resolution.
    enum Base: Sendable {
        case primitive(ROS2Primitive)
        case string
        case wstring
        case structure(Int)
    }

    struct Field: Sendable {
        let name: String
        let base: Base
        let array: ROS2ArrayKind
    }

    struct Layout: Sendable {
        let name: String
        let fields: [Field]
    }

    /// Layouts by index; index 0 is the root message.
    let layouts: [Layout]
    /// The schema's name.
    public let schemaName: String
    /// How payloads are serialized.
    public let wire: MessageWire

    /// Compiles `schema` for payloads serialized as `wire`.
    /// - Throws: `ROS2SchemaError` for recursive definitions.
    public init(schema: ROS2Schema, schemaName: String, wire: MessageWire = .cdr) throws(ROS2SchemaError) {
        self.schemaName = schemaName
        self.wire = wire
        var indexOf: [String: Int] = [:]
        var order: [String] = []
        var visiting: Set<String> = []
        func visit(_ name: String, depth: Int) throws(ROS2SchemaError) {
            // A type met again while its own fields are being visited contains itself: a
            // message of infinite size. Checked before the "already compiled" shortcut,
            // which would otherwise let the cycle through.
            if visiting.contains(name) {
                throw ROS2SchemaError(schema: schemaName, line: 0, detail: "recursive definition of \(name)")
            }
            // Decoders recurse once per level: a hostile schema must not exhaust the stack.
            guard depth <= Self.maxDepth else {
                throw ROS2SchemaError(schema: schemaName, line: 0, detail: "types nested more than \(Self.maxDepth) deep (at \(name))")
            }
            if indexOf[name] != nil { return }
            visiting.insert(name)
            indexOf[name] = order.count
            order.append(name)
            for f in schema.definitions[name]!.fields {
                if case .complex(let ref) = f.type { try visit(ref, depth: depth + 1) }
            }
            visiting.remove(name)
        }
        try visit(schema.rootName, depth: 0)
        layouts = order.map { name in
            let def = schema.definitions[name]!
            return Layout(name: name, fields: def.fields.map { f in
                let base: Base
                switch f.type {
                case .primitive(let p): base = .primitive(p)
                case .string: base = .string
                case .wstring: base = .wstring
                case .complex(let ref): base = .structure(indexOf[ref]!)
                }
                return Field(name: f.name, base: base, array: f.array)
            })
        }
        // Fixed arrays multiply: every fixed-size value of a message becomes a column or a
        // loop iteration, so their total is bounded before anything is allocated for them.
        var leaves = [Int?](repeating: nil, count: layouts.count)
        func count(_ i: Int) -> Int {   // depth ≤ maxDepth, checked above
            if let known = leaves[i] { return known }
            var total = 0
            for f in layouts[i].fields {
                var n = 1
                if case .structure(let s) = f.base { n = max(1, count(s)) }
                if case .fixed(let k) = f.array {
                    let (p, o) = n.multipliedReportingOverflow(by: max(0, k))
                    n = o ? Int.max : p
                }
                let (sum, o) = total.addingReportingOverflow(n)
                total = o ? Int.max : sum
            }
            leaves[i] = total
            return total
        }
        for i in layouts.indices where count(i) > Self.maxFixedValues {
            throw ROS2SchemaError(schema: schemaName, line: 0,
                                  detail: "\(layouts[i].name) holds more than \(Self.maxFixedValues) fixed-size values (fixed arrays too large)")
        }
    }

    /// The deepest nesting of message types a schema may have (ROS messages use under 10).
    public static let maxDepth = 100
    /// The most fixed-size values (fixed-array elements included) one message type may hold.
    public static let maxFixedValues = 1 << 16

    /// Parses and compiles a `ros2msg` schema in one step.
    /// - Throws: `ROS2SchemaError`.
    public convenience init(ros2msgNamed name: String, text: String) throws(ROS2SchemaError) {
        try self.init(schema: ROS2Schema.parse(name: name, text: text), schemaName: name)
    }

    /// Parses and compiles a ROS 1 `ros1msg` definition (as a bag's connection or an MCAP
    /// `ros1msg` schema holds it) for ROS 1 serialized payloads.
    /// - Throws: `ROS2SchemaError`.
    public convenience init(ros1msgNamed name: String, text: String) throws(ROS2SchemaError) {
        try self.init(schema: ROS2Schema.parse(name: name, text: text, dialect: .ros1), schemaName: name, wire: .ros1)
    }
}

/// A CDR payload could not be decoded.
public struct CDRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset within the message payload.
    public var offset: Int
    public var detail: String
    public var description: String { "CDR decoding failed at payload byte \(offset): \(detail)" }
}

/// The wire-level state of one payload: byte order, alignment rule and position.
struct CDRCursor {
    let base: UnsafeRawBufferPointer
    var position: Int
    let bigEndian: Bool
    /// XCDR1 aligns 8-byte primitives to 8; XCDR2 caps alignment at 4; ROS 1 does not align (1).
    let maxAlign: Int
    /// Where alignment counts from (after CDR's encapsulation header; 0 for ROS 1).
    let origin: Int
    /// Strings end in a NUL counted in their length (CDR), or not (ROS 1).
    let nulTerminated: Bool

    /// A cursor at the start of a payload serialized as `wire`.
    init(payload: UnsafeRawBufferPointer, wire: MessageWire) throws(CDRError) {
        switch wire {
        case .cdr: try self.init(payload: payload)
        case .ros1: self.init(ros1: payload)
        }
    }

    /// A ROS 1 payload: little-endian from byte 0, nothing aligned.
    init(ros1 payload: UnsafeRawBufferPointer) {
        base = payload
        position = 0
        bigEndian = false
        maxAlign = 1
        origin = 0
        nulTerminated = false
    }

    /// Reads the 4-byte encapsulation header and positions after it.
    init(payload: UnsafeRawBufferPointer) throws(CDRError) {
        guard payload.count >= 4 else { throw CDRError(offset: 0, detail: "payload shorter than the 4-byte encapsulation header") }
        base = payload
        position = 4
        origin = 4
        nulTerminated = true
        switch payload[1] {
        case 0x00: bigEndian = true; maxAlign = 8        // CDR_BE
        case 0x01: bigEndian = false; maxAlign = 8       // CDR_LE
        case 0x06: bigEndian = true; maxAlign = 4        // CDR2_BE (plain)
        case 0x07: bigEndian = false; maxAlign = 4       // CDR2_LE (plain)
        default:
            throw CDRError(offset: 1, detail: "unsupported encapsulation kind 0x\(String(payload[1], radix: 16)) (supported: CDR and plain CDR2, either byte order)")
        }
    }

    @inline(__always)
    mutating func align(_ size: Int) {
        let a = size < maxAlign ? size : maxAlign
        if a > 1 { position = origin + ((position - origin + a - 1) & ~(a - 1)) }
    }

    @inline(__always)
    func check(_ n: Int) throws(CDRError) {
        if n < 0 || position + n > base.count {
            throw CDRError(offset: position, detail: "needs \(n) bytes, \(max(0, base.count - position)) remain")
        }
    }

    @inline(__always)
    mutating func load<T: FixedWidthInteger>(_: T.Type) throws(CDRError) -> T {
        align(MemoryLayout<T>.size)
        try check(MemoryLayout<T>.size)
        let raw = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    /// A sequence length, checked against the bytes left (each element takes at least `minSize`).
    mutating func count(minSize: Int) throws(CDRError) -> Int {
        let at = position
        let n = Int(try load(UInt32.self))
        if n * max(minSize, 1) > base.count - position {
            throw CDRError(offset: at, detail: "sequence length \(n) exceeds the \(base.count - position) bytes left")
        }
        return n
    }

    mutating func string() throws(CDRError) -> String {
        let at = position
        let n = Int(try load(UInt32.self))
        if n == 0 { return "" }
        try check(n)
        var end = position + n
        if !nulTerminated {
            // ROS 1: the length counts the bytes, no terminator.
        } else if base[end - 1] == 0 { end -= 1 } else {
            throw CDRError(offset: at, detail: "string of length \(n) lacks its terminating NUL")
        }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: base[position..<end]), as: UTF8.self)
        position += n
        return s
    }

    /// A wide string: a count of characters, each a 4-byte code point (Fast-DDS's encoding).
    mutating func wstring() throws(CDRError) -> String {
        let n = try count(minSize: 4)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<n {
            let v = try load(UInt32.self)
            if let s = Unicode.Scalar(v) { scalars.append(s) }
        }
        return String(scalars)
    }
}
