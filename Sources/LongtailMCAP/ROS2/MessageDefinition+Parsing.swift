extension ROS2Schema {
    /// Parses a `ros2msg` schema text (the root definition, then each dependency after a
    /// line of `=` and a `MSG: pkg/Name` header).
    ///
    /// - Parameters:
    ///   - name: the schema's name (`pkg/msg/Name`).
    ///   - text: the schema's data as text.
    ///   - dialect: `.ros2` (`ros2msg`) or `.ros1` (`ros1msg`: `time` and `duration` are
    ///     ROS 1's unsigned/signed `sec`/`nanosec` pairs, `byte` is int8 and `char` uint8).
    /// - Throws: `ROS2SchemaError` naming the line, for bad syntax or an unknown type.
    public static func parse(name: String, text: String, dialect: Dialect = .ros2) throws(ROS2SchemaError) -> ROS2Schema {
        let rootName = normalize(name)
        var definitions: [String: ROS2MessageDefinition] = [:]
        var current = ROS2MessageDefinition(name: rootName, fields: [], constants: [])
        var expectingHeader = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = stripComment(String(rawLine)).trimmingWhitespace()
            if line.isEmpty { continue }
            if line.allSatisfy({ $0 == "=" }) && line.count >= 3 {
                definitions[current.name] = current
                expectingHeader = true
                continue
            }
            if expectingHeader {
                guard line.hasPrefix("MSG:") else {
                    throw ROS2SchemaError(schema: name, line: lineNumber, detail: "expected 'MSG: pkg/Name' after separator, found '\(line)'")
                }
                let depName = normalize(String(line.dropFirst(4)).trimmingWhitespace())
                current = ROS2MessageDefinition(name: depName, fields: [], constants: [])
                expectingHeader = false
                continue
            }
            try parseLine(line, into: &current, schema: name, line: lineNumber, dialect: dialect)
        }
        definitions[current.name] = current
        for (k, v) in (dialect == .ros1 ? ros1Builtins : builtins) where definitions[k] == nil { definitions[k] = v }
        let schema = ROS2Schema(rootName: rootName, definitions: definitions)
        try schema.resolveReferences(schemaName: name)
        return schema
    }

    private static func parseLine(_ line: String, into def: inout ROS2MessageDefinition,
                                  schema: String, line number: Int, dialect: Dialect) throws(ROS2SchemaError) {
        guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            throw ROS2SchemaError(schema: schema, line: number, detail: "expected 'TYPE NAME', found '\(line)'")
        }
        let typeText = String(line[..<space])
        let rest = String(line[space...]).trimmingWhitespace()
        let (type, array) = try parseType(typeText, package: packageOf(def.name), schema: schema, line: number, dialect: dialect)
        // A constant: NAME=VALUE, where NAME is a bare identifier.
        if let eq = rest.firstIndex(of: "=") {
            let lhs = String(rest[..<eq]).trimmingWhitespace()
            if !lhs.isEmpty && lhs.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                var value = String(rest[rest.index(after: eq)...]).trimmingWhitespace()
                if case .string = type { value = unquote(value) }
                def.constants.append(ROS2Constant(name: lhs, type: type, value: value))
                return
            }
        }
        let nameEnd = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
        let fieldName = String(rest[..<nameEnd])
        guard let first = fieldName.first, first.isLetter,
              fieldName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ROS2SchemaError(schema: schema, line: number, detail: "invalid field name '\(fieldName)'")
        }
        let defaultText = String(rest[nameEnd...]).trimmingWhitespace()
        def.fields.append(ROS2Field(name: fieldName, type: type, array: array,
                                    defaultValue: defaultText.isEmpty ? nil : defaultText))
    }

    static func parseType(_ text: String, package: String, schema: String,
                          line: Int, dialect: Dialect = .ros2) throws(ROS2SchemaError) -> (ROS2FieldType, ROS2ArrayKind) {
        var base = text
        var array = ROS2ArrayKind.none
        if let open = text.firstIndex(of: "[") {
            guard text.hasSuffix("]") else {
                throw ROS2SchemaError(schema: schema, line: line, detail: "unterminated array in type '\(text)'")
            }
            base = String(text[..<open])
            let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            if inner.isEmpty {
                array = .unbounded
            } else if inner.hasPrefix("<=") {
                guard let n = Int(inner.dropFirst(2)), n >= 0 else {
                    throw ROS2SchemaError(schema: schema, line: line, detail: "bad array bound in '\(text)'")
                }
                array = .bounded(n)
            } else {
                guard let n = Int(inner), n >= 0 else {
                    throw ROS2SchemaError(schema: schema, line: line, detail: "bad array size in '\(text)'")
                }
                array = .fixed(n)
            }
        }
        var bound: Int?
        if let lt = base.firstIndex(of: "<") {
            let after = base[base.index(after: lt)...]
            guard after.first == "=", let n = Int(after.dropFirst()) else {
                throw ROS2SchemaError(schema: schema, line: line, detail: "bad string bound in '\(text)'")
            }
            bound = n
            base = String(base[..<lt])
        }
        switch (base, dialect) {
        case ("string", _): return (.string(bound: bound), array)
        case ("wstring", .ros2): return (.wstring(bound: bound), array)
        case ("time", .ros2): return (.complex("builtin_interfaces/Time"), array)
        case ("duration", .ros2): return (.complex("builtin_interfaces/Duration"), array)
        case ("time", .ros1): return (.complex(ros1Time), array)
        case ("duration", .ros1): return (.complex(ros1Duration), array)
        case ("byte", .ros1): return (.primitive(.int8), array)     // ROS 1's deprecated aliases
        case ("char", .ros1): return (.primitive(.uint8), array)
        default: break
        }
        if bound != nil {
            throw ROS2SchemaError(schema: schema, line: line, detail: "only strings take a '<=' bound: '\(text)'")
        }
        if let p = ROS2Primitive(rawValue: base) { return (.primitive(p), array) }
        guard !base.isEmpty, base.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "/" }) else {
            throw ROS2SchemaError(schema: schema, line: line, detail: "invalid type '\(text)'")
        }
        if base.contains("/") { return (.complex(normalize(base)), array) }
        if base == "Header" { return (.complex("std_msgs/Header"), array) }
        return (.complex("\(package)/\(base)"), array)
    }

    /// Which message-definition language a schema is written in.
    public enum Dialect: Sendable { case ros2, ros1 }

    static let ros1Time = "ros1/time", ros1Duration = "ros1/duration"

    /// ROS 1's built-in time types: seconds and nanoseconds, named as ROS 2 names them (as
    /// the `rosbags` package does), so one field path (`header.stamp.sec`) reads both.
    static let ros1Builtins: [String: ROS2MessageDefinition] = [
        ros1Time: ROS2MessageDefinition(name: ros1Time, fields: [ROS2Field(name: "sec", type: .primitive(.uint32), array: .none),
                                                                 ROS2Field(name: "nanosec", type: .primitive(.uint32), array: .none)],
                                        constants: []),
        ros1Duration: ROS2MessageDefinition(name: ros1Duration, fields: [ROS2Field(name: "sec", type: .primitive(.int32), array: .none),
                                                                         ROS2Field(name: "nanosec", type: .primitive(.int32), array: .none)],
                                            constants: []),
    ]

    /// Checks every complex type resolves (a bare `Header` was already read as
    /// `std_msgs/Header` when its field was parsed).
    private func resolveReferences(schemaName: String) throws(ROS2SchemaError) {
        for def in definitions.values {
            for i in def.fields.indices {
                guard case .complex(let ref) = def.fields[i].type else { continue }
                if definitions[ref] != nil { continue }
                throw ROS2SchemaError(schema: schemaName, line: 0,
                                      detail: "type '\(ref)' used by field '\(def.fields[i].name)' of \(def.name) is not defined")
            }
        }
    }

    private static func packageOf(_ name: String) -> String {
        name.split(separator: "/").first.map(String.init) ?? ""
    }

    /// Removes a `#` comment, leaving `#` inside quoted strings alone.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var escaped = false
        for i in line.indices {
            let ch = line[i]
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if let q = quote { if ch == q { quote = nil }; continue }
            if ch == "\"" || ch == "'" { quote = ch; continue }
            if ch == "#" { return String(line[..<i]) }
        }
        return line
    }

    static func unquote(_ s: String) -> String {
        guard s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" else { return s }
        return String(s.dropFirst().dropLast())
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
