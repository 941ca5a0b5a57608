import Foundation

/// A strict reader for the TOML that profiles are written in (TOML 1.0 without dates):
/// tables, arrays of tables, dotted and quoted keys, basic/literal/multi-line strings,
/// integers (decimal, hex, octal, binary), floats, booleans, arrays and inline tables.
///
/// Written for hostile text: every input gives a value or a `TOMLReader.SyntaxError` with
/// line and column, never a trap or an abort (the C++ parser it replaces aborted on its own
/// assertions for text such as `[Û`). Nesting is limited to `maxDepth`; the result is made
/// of `[String: Any]`, `[Any]`, `String`, `Int64`, `Double` and `Bool`, ready for
/// `JSONSerialization`.
struct TOMLReader {
    struct SyntaxError: Error, CustomStringConvertible {
        /// Byte offset; `line` and `column` (1-based, in characters) are filled in by `parse`.
        var offset: Int, message: String
        var line = 0, column = 0
        var description: String { "line \(line), column \(column): \(message)" }
    }

    static let maxDepth = 64

    private let s: [UInt8]
    private var i = 0
    private var root: [String: Any] = [:]
    /// The table that `key = value` lines go to, as a path from the root.
    private var current: [PathStep] = []
    /// Tables defined by a header, and tables closed to further keys (inline tables, values).
    private var defined: Set<String> = []
    private var sealed: Set<String> = []

    enum PathStep { case key(String), last(String) }   // `last`: the newest element of an array of tables

    /// Parses `text` into its root table.
    static func parse(_ text: String) throws(SyntaxError) -> [String: Any] {
        let bytes = Array(text.utf8)
        var r = TOMLReader(s: bytes)
        do throws(SyntaxError) {
            try r.document()
        } catch {
            var e = error
            let p = min(e.offset, bytes.count)
            var line = 1, start = 0
            for k in 0..<p where bytes[k] == 0x0A { line += 1; start = k + 1 }
            e.line = line
            e.column = String(decoding: bytes[start..<p], as: UTF8.self).count + 1
            throw e
        }
        return r.root
    }

    private init(s: [UInt8]) { self.s = s }

    // MARK: Positions and errors

    private func fail(_ message: String, at pos: Int? = nil) -> SyntaxError {
        SyntaxError(offset: pos ?? i, message: message)
    }

    private var atEnd: Bool { i >= s.count }
    private func peek(_ k: Int = 0) -> UInt8? { i + k < s.count ? s[i + k] : nil }

    private mutating func skipSpaces() { while let c = peek(), c == 0x20 || c == 0x09 { i += 1 } }

    /// Spaces, then a comment, then the end of the line (or of the text).
    private mutating func endOfLine() throws(SyntaxError) {
        skipSpaces()
        if peek() == 0x23 { try comment() }
        if atEnd { return }
        if peek() == 0x0D && peek(1) == 0x0A { i += 2; return }
        guard peek() == 0x0A else { throw fail("expected the end of the line, found \(describe(peek()))") }
        i += 1
    }

    private mutating func comment() throws(SyntaxError) {
        while let c = peek(), c != 0x0A {
            if c < 0x20 && c != 0x09 && !(c == 0x0D && peek(1) == 0x0A) { throw fail("control character in a comment") }
            i += 1
        }
    }

    private func describe(_ c: UInt8?) -> String {
        guard let c else { return "the end of the text" }
        if c >= 0x21 && c < 0x7F { return "'\(Character(UnicodeScalar(c)))'" }
        return String(format: "byte 0x%02X", c)
    }

    // MARK: Document

    private mutating func document() throws(SyntaxError) {
        guard String(validating: s, as: UTF8.self) != nil else {
            throw fail("the text is not valid UTF-8", at: 0)
        }
        while !atEnd {
            skipSpaces()
            guard let c = peek() else { break }
            switch c {
            case 0x0A, 0x0D, 0x23: try endOfLine()
            case 0x5B:   // [
                if peek(1) == 0x5B { try arrayTableHeader() } else { try tableHeader() }
                try endOfLine()
            default:
                try keyValue(into: current)
                try endOfLine()
            }
        }
    }

    private mutating func tableHeader() throws(SyntaxError) {
        let at = i
        i += 1
        skipSpaces()
        let key = try dottedKey()
        skipSpaces()
        guard peek() == 0x5D else { throw fail("expected ']' to close the table header") }
        i += 1
        let name = key.joined(separator: "\u{0}")
        guard !defined.contains(name) else { throw fail("table [\(key.joined(separator: "."))] is defined twice", at: at) }
        defined.insert(name)
        current = try resolveTable(key, at: at)
    }

    private mutating func arrayTableHeader() throws(SyntaxError) {
        let at = i
        i += 2
        skipSpaces()
        let key = try dottedKey()
        skipSpaces()
        guard peek() == 0x5D, peek(1) == 0x5D else { throw fail("expected ']]' to close the array-of-tables header") }
        i += 2
        var path = try resolveTable(Array(key.dropLast()), at: at)
        let last = key.last!
        let sealedHere = sealed.contains(pathName(path) + "\u{0}" + last)
        let notArray = fail("'\(last)' is not an array of tables", at: at)
        try modify(path, at: at) { (t) throws(SyntaxError) in
            if t[last] == nil { t[last] = [Any]() }
            guard var list = t[last] as? [Any], !sealedHere else { throw notArray }
            list.append([String: Any]())
            t[last] = list
        }
        path.append(.last(last))
        current = path
        // Subtables of this element may be defined again for the next element.
        let prefix = key.joined(separator: "\u{0}") + "\u{0}"
        defined = defined.filter { !$0.hasPrefix(prefix) }
    }

    /// The path of table `key`, creating the tables on the way (through the last element of
    /// an array of tables, as TOML says).
    private mutating func resolveTable(_ key: [String], at: Int) throws(SyntaxError) -> [PathStep] {
        var path: [PathStep] = []
        for k in key {
            var step = PathStep.key(k)
            let sealedHere = sealed.contains(pathName(path) + "\u{0}" + k)
            let notTable = fail("'\(k)' is already a value, not a table", at: at)
            try modify(path, at: at) { (t) throws(SyntaxError) in
                if t[k] == nil { t[k] = [String: Any]() }
                if t[k] is [Any] && !sealedHere { step = .last(k); return }
                guard t[k] is [String: Any], !sealedHere else { throw notTable }
            }
            path.append(step)
        }
        return path
    }

    private func pathName(_ path: [PathStep]) -> String {
        path.map { step -> String in switch step { case .key(let k), .last(let k): k } }.joined(separator: "\u{0}")
    }

    /// Applies `body` to the table at `path`.
    private mutating func modify(_ path: [PathStep], at: Int, _ body: (inout [String: Any]) throws(SyntaxError) -> Void) throws(SyntaxError) {
        let broken = fail("the table path \(pathName(path).replacingOccurrences(of: "\u{0}", with: ".")) does not lead to a table", at: at)
        func go(_ t: inout [String: Any], _ rest: ArraySlice<PathStep>) throws(SyntaxError) {
            guard let step = rest.first else { try body(&t); return }
            switch step {
            case .key(let k):
                guard var sub = t[k] as? [String: Any] else { throw broken }
                t[k] = nil   // unique while modified (no copy of the subtree)
                defer { t[k] = sub }
                try go(&sub, rest.dropFirst())
            case .last(let k):
                guard var list = t[k] as? [Any], var sub = list.last as? [String: Any] else { throw broken }
                t[k] = nil
                list.removeLast()
                defer { list.append(sub); t[k] = list }
                try go(&sub, rest.dropFirst())
            }
        }
        var r = root
        root = [:]
        defer { root = r }
        try go(&r, path[...])
    }

    // MARK: Keys

    private mutating func dottedKey() throws(SyntaxError) -> [String] {
        var parts = [try simpleKey()]
        while true {
            skipSpaces()
            guard peek() == 0x2E else { return parts }
            i += 1
            skipSpaces()
            parts.append(try simpleKey())
            if parts.count > Self.maxDepth { throw fail("a key with more than \(Self.maxDepth) parts") }
        }
    }

    private mutating func simpleKey() throws(SyntaxError) -> String {
        guard let c = peek() else { throw fail("expected a key, found the end of the text") }
        if c == 0x22 { return try basicString() }
        if c == 0x27 { return try literalString() }
        let start = i
        while let c = peek(), Self.isBare(c) { i += 1 }
        guard i > start else { throw fail("expected a key, found \(describe(peek()))") }
        return String(decoding: s[start..<i], as: UTF8.self)
    }

    private static func isBare(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    /// `key = value` into the table at `path`.
    private mutating func keyValue(into path: [PathStep]) throws(SyntaxError) {
        let at = i
        let key = try dottedKey()
        skipSpaces()
        guard peek() == 0x3D else { throw fail("expected '=' after the key '\(key.joined(separator: "."))', found \(describe(peek()))") }
        i += 1
        skipSpaces()
        let value = try self.value(depth: 0)
        var tablePath = path
        if key.count > 1 {
            for k in key.dropLast() {
                let sealedHere = sealed.contains(pathName(tablePath) + "\u{0}" + k)
                let notTable = fail("'\(k)' is already a value, not a table", at: at)
                try modify(tablePath, at: at) { (t) throws(SyntaxError) in
                    if t[k] == nil { t[k] = [String: Any]() }
                    guard t[k] is [String: Any], !sealedHere else { throw notTable }
                }
                tablePath.append(.key(k))
            }
        }
        let last = key.last!
        let full = pathName(tablePath) + "\u{0}" + last
        let twice = fail("the key '\(key.joined(separator: "."))' is given twice", at: at)
        try modify(tablePath, at: at) { (t) throws(SyntaxError) in
            guard t[last] == nil else { throw twice }
            t[last] = value
        }
        if value is [String: Any] || value is [Any] { sealed.insert(full) }
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(SyntaxError) -> Any {
        guard depth < Self.maxDepth else { throw fail("values nested more than \(Self.maxDepth) deep") }
        guard let c = peek() else { throw fail("expected a value, found the end of the text") }
        switch c {
        case 0x22: return peek(1) == 0x22 && peek(2) == 0x22 ? try multilineBasic() : try basicString()
        case 0x27: return peek(1) == 0x27 && peek(2) == 0x27 ? try multilineLiteral() : try literalString()
        case 0x5B: return try array(depth: depth)
        case 0x7B: return try inlineTable(depth: depth)
        case 0x74: try word("true"); return true
        case 0x66: try word("false"); return false
        default: return try number()
        }
    }

    private mutating func word(_ w: String) throws(SyntaxError) {
        let bytes = Array(w.utf8)
        guard i + bytes.count <= s.count, Array(s[i..<(i + bytes.count)]) == bytes else { throw fail("expected a value, found \(describe(peek()))") }
        i += bytes.count
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> [Any] {
        i += 1
        var out: [Any] = []
        while true {
            try blanks()
            if peek() == 0x5D { i += 1; return out }
            out.append(try value(depth: depth + 1))
            try blanks()
            if peek() == 0x2C { i += 1; continue }
            guard peek() == 0x5D else { throw fail("expected ',' or ']' in an array, found \(describe(peek()))") }
            i += 1
            return out
        }
    }

    /// Spaces, newlines and comments inside an array.
    private mutating func blanks() throws(SyntaxError) {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0A { i += 1 } else if c == 0x0D && peek(1) == 0x0A { i += 2 } else if c == 0x23 { try comment() } else { return }
        }
    }

    private mutating func inlineTable(depth: Int) throws(SyntaxError) -> [String: Any] {
        i += 1
        var out: [String: Any] = [:]
        skipSpaces()
        if peek() == 0x7D { i += 1; return out }
        while true {
            skipSpaces()
            let at = i
            let key = try dottedKey()
            skipSpaces()
            guard peek() == 0x3D else { throw fail("expected '=' in an inline table, found \(describe(peek()))") }
            i += 1
            skipSpaces()
            let v = try value(depth: depth + 1)
            guard key.count == 1 else { throw fail("dotted keys in inline tables are not supported in profiles", at: at) }
            guard out[key[0]] == nil else { throw fail("the key '\(key[0])' is given twice", at: at) }
            out[key[0]] = v
            skipSpaces()
            if peek() == 0x2C { i += 1; continue }
            guard peek() == 0x7D else { throw fail("expected ',' or '}' in an inline table, found \(describe(peek()))") }
            i += 1
            return out
        }
    }

    private mutating func basicString() throws(SyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("unterminated string") }
            if c == 0x22 { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == 0x0A || c == 0x0D { throw fail("newline in a one-line string") }
            if c == 0x5C { try escape(into: &out); continue }
            if c < 0x20 && c != 0x09 || c == 0x7F { throw fail("control character in a string") }
            out.append(c)
            i += 1
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(SyntaxError) {
        i += 1
        guard let e = peek() else { throw fail("unterminated escape") }
        i += 1
        switch e {
        case 0x62: out.append(0x08)
        case 0x74: out.append(0x09)
        case 0x6E: out.append(0x0A)
        case 0x66: out.append(0x0C)
        case 0x72: out.append(0x0D)
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x75, 0x55:
            let n = e == 0x75 ? 4 : 8
            guard i + n <= s.count, let v = UInt32(String(decoding: s[i..<(i + n)], as: UTF8.self), radix: 16),
                  let scalar = UnicodeScalar(v) else { throw fail("invalid Unicode escape") }
            i += n
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw fail("invalid escape '\\\(describe(e))'")
        }
    }

    private mutating func literalString() throws(SyntaxError) -> String {
        i += 1
        let start = i
        while let c = peek(), c != 0x27 {
            if c == 0x0A || c == 0x0D { throw fail("newline in a one-line string") }
            if c < 0x20 && c != 0x09 || c == 0x7F { throw fail("control character in a string") }
            i += 1
        }
        guard peek() == 0x27 else { throw fail("unterminated string") }
        let text = String(decoding: s[start..<i], as: UTF8.self)
        i += 1
        return text
    }

    private mutating func multilineBasic() throws(SyntaxError) -> String {
        i += 3
        if peek() == 0x0A { i += 1 } else if peek() == 0x0D && peek(1) == 0x0A { i += 2 }
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("unterminated multi-line string") }
            if c == 0x22 && peek(1) == 0x22 && peek(2) == 0x22 {
                i += 3
                while peek() == 0x22 && out.count < Int.max { out.append(0x22); i += 1 }   // up to two quotes may close it
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0x5C {
                // A line-ending backslash trims the newline and the whitespace after it.
                var k = i + 1
                while k < s.count && (s[k] == 0x20 || s[k] == 0x09) { k += 1 }
                if k < s.count && (s[k] == 0x0A || s[k] == 0x0D) {
                    i = k
                    while let w = peek(), w == 0x20 || w == 0x09 || w == 0x0A || w == 0x0D { i += 1 }
                    continue
                }
                try escape(into: &out)
                continue
            }
            if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D || c == 0x7F { throw fail("control character in a string") }
            out.append(c)
            i += 1
        }
    }

    private mutating func multilineLiteral() throws(SyntaxError) -> String {
        i += 3
        if peek() == 0x0A { i += 1 } else if peek() == 0x0D && peek(1) == 0x0A { i += 2 }
        let start = i
        while i + 2 < s.count && !(s[i] == 0x27 && s[i + 1] == 0x27 && s[i + 2] == 0x27) {
            if s[i] < 0x20 && s[i] != 0x09 && s[i] != 0x0A && s[i] != 0x0D || s[i] == 0x7F { throw fail("control character in a string") }
            i += 1
        }
        guard i + 2 < s.count else { throw fail("unterminated multi-line string") }
        let text = String(decoding: s[start..<i], as: UTF8.self)
        i += 3
        return text
    }

    private mutating func number() throws(SyntaxError) -> Any {
        let start = i
        while let c = peek(), Self.isBare(c) || c == 0x2B || c == 0x2E { i += 1 }
        let raw = String(decoding: s[start..<i], as: UTF8.self)
        guard !raw.isEmpty else { throw fail("expected a value, found \(describe(peek()))") }
        if raw.contains(where: { $0 == ":" }) || (raw.count >= 10 && raw.dropFirst(4).first == "-" && raw.first?.isNumber == true) {
            throw fail("dates and times are not used in profiles", at: start)
        }
        let body = raw.hasPrefix("+") || raw.hasPrefix("-") ? String(raw.dropFirst()) : raw
        let negative = raw.hasPrefix("-")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            guard raw == body, !body.hasSuffix("_"), !body.contains("__"),
                  let v = Int64(body.dropFirst(2).replacingOccurrences(of: "_", with: ""), radix: radix) else {
                throw fail("invalid number '\(raw)'", at: start)
            }
            return v
        }
        if body == "inf" || body == "nan" { throw fail("'\(raw)' is not a number a profile can use", at: start) }
        guard !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__"), !body.contains("_."), !body.contains("._"),
              body.first?.isNumber == true else { throw fail("invalid number '\(raw)'", at: start) }
        let digits = raw.replacingOccurrences(of: "_", with: "")
        if !digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            guard !(body.count > 1 && body.hasPrefix("0")), let v = Int64(digits) else { throw fail("invalid integer '\(raw)'", at: start) }
            return v
        }
        guard let v = Double(digits), v.isFinite, !body.hasPrefix("."), !body.hasSuffix(".") else {
            throw fail("invalid or out-of-range number '\(raw)'", at: start)
        }
        return negative && v == 0 ? -0.0 : v
    }
}
