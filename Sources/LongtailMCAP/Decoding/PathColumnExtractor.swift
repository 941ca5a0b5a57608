import LongtailCore

/// Reads named numeric fields of `json` or `protobuf` payloads into columns, by the same
/// field paths as the CDR extractor (`twist.linear.x`, `effort[3]`, `objects[*].pose.x`), so
/// a profile maps such a channel unchanged. Each payload is decoded into a tree (paths are
/// compiled once). Time fields answer to every spelling of their parts: `.sec` to `secs`
/// and `seconds`, `.nanosec` to `nsec`, `nsecs` and `nanos` (Foxglove's JSON times, ROS 1
/// conversions, `google.protobuf.Timestamp`). Booleans read as 0/1; a missing or
/// non-numeric field is NaN.
public final class PathColumnExtractor {
    /// How payloads become trees.
    public enum Source: Sendable {
        case json
        case protobuf(ProtobufPlan)
    }

    enum Step: Sendable {
        case key([String])   // the name, then its aliases
        case index(Int)
        case each
    }

    /// Fields with one value per message, e.g. `linear_acceleration.x`.
    public let scalarNames: [String]
    /// Fields under an array (`[*]`), e.g. `objects[*].pose.x`.
    public let raggedNames: [String]
    private let scalarPaths: [[Step]]
    private let raggedPaths: [[Step]]

    private let source: Source

    /// An extractor for `fields` (paths as profiles write them).
    public init(fields: [String], source: Source = .json) {
        self.source = source
        let unique = Array(Set(fields)).sorted()
        scalarNames = unique.filter { !$0.contains("[*]") }
        raggedNames = unique.filter { $0.contains("[*]") }
        scalarPaths = scalarNames.map(Self.path)
        raggedPaths = raggedNames.map(Self.path)
    }

    static func path(_ text: String) -> [Step] {
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part), indexes: [Step] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
                indexes.insert(inner == "*" ? .each : .index(Int(inner) ?? -1), at: 0)
                name = name[..<open]
            }
            let key = String(name)
            let aliases: [String] = switch key {
            case "sec": ["secs", "seconds"]
            case "nanosec": ["nsec", "nsecs", "nanos"]
            case "secs": ["sec", "seconds"]
            case "nsecs": ["nanosec", "nsec", "nanos"]
            default: []
            }
            steps.append(.key([key] + aliases))
            steps += indexes
        }
        return steps
    }

    /// Decodes one payload into a row of `block` (and of `ragged`).
    /// - Throws: `CDRError` (the payload error of every extractor) naming the JSON or
    ///   protobuf error.
    public func extract(_ payload: UnsafeRawBufferPointer, timestamp: Int64, into block: ColumnBlock,
                        ragged: RaggedColumns? = nil) throws(CDRError) {
        let value: DecodedValue
        switch source {
        case .json:
            do throws(JSONMessageDecoder.ParseError) { value = try JSONMessageDecoder.decode(payload) } catch {
                throw CDRError(offset: error.offset, detail: "JSON: \(error.detail)")
            }
        case .protobuf(let plan):
            do throws(ProtobufError) { value = try plan.decode(payload) } catch {
                throw CDRError(offset: error.offset, detail: "protobuf: \(error.detail)")
            }
        }
        precondition(block.count < block.capacity, "ColumnBlock is full: hand it on and reset it first")
        let row = block.storage + block.count
        for (c, path) in scalarPaths.enumerated() {
            var out = Double.nan
            Self.visit(value, path[...]) { out = $0 }
            row[c * block.capacity] = out
        }
        block.commitRow(timestamp: timestamp)
        guard let ragged else { return }
        for (c, path) in raggedPaths.enumerated() { Self.visit(value, path[...]) { ragged.append(c, $0) } }
        ragged.commitRow()
    }

    /// Calls `body` with every number `steps` reaches from `v` (one, or one per element under `[*]`).
    static func visit(_ v: DecodedValue, _ steps: ArraySlice<Step>, _ body: (Double) -> Void) {
        guard let step = steps.first else {
            if let d = number(v) { body(d) } else { body(.nan) }
            return
        }
        let rest = steps.dropFirst()
        switch (step, v) {
        case (.key(let names), .object(let fields)):
            for name in names { if let f = fields.first(where: { $0.name == name }) { visit(f.value, rest, body); return } }
            body(.nan)
        case (.index(let i), .array(let items)): if i >= 0 && i < items.count { visit(items[i], rest, body) } else { body(.nan) }
        case (.index(let i), .bytes(let b)): if i >= 0 && i < b.count { visit(.uint(UInt64(b[i])), rest, body) } else { body(.nan) }
        case (.each, .array(let items)): for item in items { visit(item, rest, body) }
        case (.each, .bytes(let b)): for x in b { visit(.uint(UInt64(x)), rest, body) }
        case (.each, _): break
        default: body(.nan)
        }
    }

    static func number(_ v: DecodedValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .uint(let u): Double(u)
        case .float64(let d): d
        case .float32(let f): Double(f)
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }
}
