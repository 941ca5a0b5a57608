extension CDRPlan {
    /// Decodes one payload (CDR with its encapsulation header, or ROS 1, as `wire` says)
    /// into a `DecodedValue` tree.
    /// - Throws: `CDRError` with the payload offset when the bytes do not fit the schema.
    public func decode(_ payload: UnsafeRawBufferPointer) throws(CDRError) -> DecodedValue {
        var cursor = try CDRCursor(payload: payload, wire: wire)
        let value = try decodeStruct(0, &cursor)
        if wire == .ros1 && cursor.position != payload.count {
            throw CDRError(offset: cursor.position, detail: "\(payload.count - cursor.position) bytes left after the message")
        }
        return value
    }

    /// Decodes one CDR payload from an array.
    public func decode(_ payload: [UInt8]) throws(CDRError) -> DecodedValue {
        var result: Result<DecodedValue, CDRError> = .failure(CDRError(offset: 0, detail: "empty"))
        payload.withUnsafeBytes { b in result = Result { () throws(CDRError) in try decode(b) } }
        return try result.get()
    }

    private func decodeStruct(_ index: Int, _ c: inout CDRCursor) throws(CDRError) -> DecodedValue {
        let layout = layouts[index]
        if layout.fields.isEmpty {
            // ROS 2 gives empty messages one uint8 member so they have a size on the wire.
            if wire == .cdr { _ = try c.load(UInt8.self) }
            return .object([])
        }
        var out: [DecodedField] = []
        out.reserveCapacity(layout.fields.count)
        for field in layout.fields {
            out.append(DecodedField(name: field.name, value: try decodeField(field, &c)))
        }
        return .object(out)
    }

    private func decodeField(_ field: Field, _ c: inout CDRCursor) throws(CDRError) -> DecodedValue {
        let n: Int
        switch field.array {
        case .none: return try decodeOne(field.base, &c)
        case .fixed(let k): n = k
        case .bounded, .unbounded: n = try c.count(minSize: minimumSize(field.base))
        }
        if case .primitive(let p) = field.base, p.isByteLike {
            try c.check(n)
            let bytes = Array(UnsafeRawBufferPointer(rebasing: c.base[c.position..<(c.position + n)]))
            c.position += n
            return .bytes(bytes)
        }
        var items: [DecodedValue] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try decodeOne(field.base, &c)) }
        return .array(items)
    }

    private func minimumSize(_ base: Base) -> Int {
        switch base {
        case .primitive(let p): p.size
        case .string, .wstring: 4
        case .structure: wire == .cdr ? 1 : 0
        }
    }

    private func decodeOne(_ base: Base, _ c: inout CDRCursor) throws(CDRError) -> DecodedValue {
        switch base {
        case .primitive(let p): return try Self.decodePrimitive(p, &c)
        case .string: return .string(try c.string())
        case .wstring: return .string(try c.wstring())
        case .structure(let i): return try decodeStruct(i, &c)
        }
    }

    static func decodePrimitive(_ p: ROS2Primitive, _ c: inout CDRCursor) throws(CDRError) -> DecodedValue {
        switch p {
        case .bool: return .bool(try c.load(UInt8.self) != 0)
        case .byte, .char, .uint8: return .uint(UInt64(try c.load(UInt8.self)))
        case .int8: return .int(Int64(try c.load(Int8.self)))
        case .int16: return .int(Int64(try c.load(Int16.self)))
        case .uint16: return .uint(UInt64(try c.load(UInt16.self)))
        case .int32: return .int(Int64(try c.load(Int32.self)))
        case .uint32: return .uint(UInt64(try c.load(UInt32.self)))
        case .int64: return .int(try c.load(Int64.self))
        case .uint64: return .uint(try c.load(UInt64.self))
        case .float32: return .float32(Float(bitPattern: try c.load(UInt32.self)))
        case .float64: return .float64(Double(bitPattern: try c.load(UInt64.self)))
        }
    }
}
