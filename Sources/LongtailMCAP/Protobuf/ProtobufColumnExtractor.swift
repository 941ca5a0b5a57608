import LongtailCore

/// Reads named numeric fields of protobuf payloads straight into columns, without building
/// a tree: the field paths (`header.stamp.sec`, `effort[3]`, `objects[*].pose.x`) are
/// compiled once into a trie of field numbers over the plan's layouts, and each payload is
/// walked once, stepping over every field no path needs. Values follow the tree decoder's
/// rules: a scalar without presence in a message that is there reads its default (0) when
/// absent; anything under an absent message, or a field with presence that is not set,
/// reads NaN. Time parts answer to `sec`/`seconds` and `nanosec`/`nanos`.
public final class ProtobufColumnExtractor {
    /// A numeric field a path ends at.
    struct Leaf {
        var column: Int
        var kind: ProtobufPlan.Kind
        /// `a[k]`: the element wanted; -1 for a singular field or `[*]`.
        var element: Int
        var ragged: Bool
        var presence: Bool
        var repeated: Bool
    }

    /// What a field number leads to in one message context.
    final class Node {
        var leaves: [Int: [Leaf]] = [:]
        /// Nested messages: field number → (child node, element index or -1, every element `[*]`).
        var children: [Int: [(node: Node, element: Int, each: Bool)]] = [:]
        /// Columns to reset to 0 on entering this message (scalars without presence).
        var defaults: [Int] = []
        /// Whether some ragged leaf lies at or below this node.
        var hasRagged = false
    }

    public let scalarNames: [String]
    public let raggedNames: [String]
    private let root = Node()
    private let plan: ProtobufPlan

    /// An extractor for `fields`; nil when a path does not exist in the schema (the mapping
    /// then reports the field as missing).
    public init(plan: ProtobufPlan, fields: [String]) {
        self.plan = plan
        let unique = Array(Set(fields)).sorted()
        var scalars: [String] = [], ragged: [String] = []
        var nodes: [String: Node] = ["": root]
        for name in unique {
            guard let steps = Self.resolve(name, plan) else { continue }
            let isRagged = name.contains("[*]")
            let column = isRagged ? ragged.count : scalars.count
            if isRagged { ragged.append(name) } else { scalars.append(name) }
            var node = root, key = "", each = false
            if isRagged { root.hasRagged = true }
            for (k, s) in steps.enumerated() {
                if k == steps.count - 1 {
                    node.leaves[s.number, default: []].append(Leaf(column: column, kind: s.kind, element: s.element, ragged: isRagged,
                                                                    presence: s.presence, repeated: s.repeated))
                    if !s.presence && s.element < 0 && !s.repeated && !isRagged && !each { node.defaults.append(column) }
                } else {
                    key += ".\(s.number)[\(s.element)\(s.each ? "*" : "")]"
                    if let existing = nodes[key] { node = existing } else {
                        let child = Node()
                        node.children[s.number, default: []].append((child, s.element, s.each))
                        nodes[key] = child
                        node = child
                    }
                    if isRagged { node.hasRagged = true }
                    if s.each { each = true }
                }
            }
        }
        scalarNames = scalars
        raggedNames = ragged
    }

    struct Step { var number: Int; var kind: ProtobufPlan.Kind; var repeated: Bool; var element: Int; var each: Bool; var presence: Bool }

    /// A path as field steps through the layouts, nil when some part does not exist.
    static func resolve(_ path: String, _ plan: ProtobufPlan) -> [Step]? {
        var layout = 0
        var steps: [Step] = []
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        for (k, part) in parts.enumerated() {
            var name = Substring(part), element = -1, each = false
            if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
                if inner == "*" { each = true } else { element = Int(inner) ?? -2 }
                name = name[..<open]
            }
            guard element >= -1 else { return nil }
            let aliases: [String] = switch name {
            case "sec": ["sec", "seconds", "secs"]
            case "nanosec": ["nanosec", "nanos", "nsec", "nsecs"]
            default: [String(name)]
            }
            guard let field = plan.layouts[layout].fields.first(where: { aliases.contains($0.name) }) else { return nil }
            if element >= 0 || each { guard field.repeated else { return nil } }
            steps.append(Step(number: field.number, kind: field.kind, repeated: field.repeated, element: element, each: each,
                              presence: field.hasPresence))
            if case .message(let sub) = field.kind {
                guard k < parts.count - 1 else { return nil }   // a message is not a number
                layout = sub
            } else if k < parts.count - 1 {
                return nil
            }
        }
        return steps
    }

    /// Decodes one payload into a row of `block` (and of `ragged`).
    /// - Throws: `CDRError` (the payload error of every extractor) naming the protobuf error.
    public func extract(_ payload: UnsafeRawBufferPointer, timestamp: Int64, into block: ColumnBlock,
                        ragged: RaggedColumns? = nil) throws(CDRError) {
        precondition(block.count < block.capacity, "ColumnBlock is full: hand it on and reset it first")
        let row = block.storage + block.count
        for c in 0..<scalarNames.count { row[c * block.capacity] = .nan }
        var r = ProtobufReader(base: payload, position: 0)
        do throws(ProtobufError) {
            try walk(root, &r, end: payload.count, depth: 0, row: row, stride: block.capacity, ragged: ragged)
        } catch {
            throw CDRError(offset: error.offset, detail: "protobuf: \(error.detail)")
        }
        block.commitRow(timestamp: timestamp)
        ragged?.commitRow()
    }

    private func walk(_ node: Node, _ r: inout ProtobufReader, end: Int, depth: Int, row: UnsafeMutablePointer<Double>,
                      stride: Int, ragged: RaggedColumns?) throws(ProtobufError) {
        guard depth < ProtobufPlan.maxDepth else { throw ProtobufError(offset: r.position, detail: "messages nested deeper than \(ProtobufPlan.maxDepth)") }
        for c in node.defaults { row[c * stride] = 0 }
        var seen: [Int: Int] = [:]   // field number → elements met (for `a[k]`)
        defer { if node.hasRagged, let ragged { Self.fillMissing(node, seen: seen, ragged) } }
        while r.position < end {
            let at = r.position
            let key = try r.varint(end: end)
            let number = Int(key >> 3), wire = Int(key & 7)
            if let leaves = node.leaves[number] {
                let kind = leaves[0].kind
                if wire == 2 && kind.packable {   // packed run
                    let n = try r.length(end: end)
                    let stop = r.position + n
                    while r.position < stop {
                        let v = try Self.number(kind, &r, end: stop, at: r.position)
                        store(leaves, v, index: seen[number, default: 0], row, stride, ragged)
                        seen[number, default: 0] += 1
                    }
                } else {
                    guard wire == ProtobufPlan.wireType(kind) else {
                        throw ProtobufError(offset: at, detail: "field \(number) has wire type \(wire), expected \(ProtobufPlan.wireType(kind))")
                    }
                    let v = try Self.number(kind, &r, end: end, at: at)
                    store(leaves, v, index: seen[number, default: 0], row, stride, ragged)
                    seen[number, default: 0] += 1
                }
            } else if let children = node.children[number] {
                guard wire == 2 else { throw ProtobufError(offset: at, detail: "field \(number) has wire type \(wire), expected 2") }
                let n = try r.length(end: end)
                let start = r.position, index = seen[number, default: 0]
                seen[number] = index + 1
                for child in children where child.each || child.element < 0 || child.element == index {
                    r.position = start
                    try walk(child.node, &r, end: start + n, depth: depth + 1, row: row, stride: stride, ragged: ragged)
                }
                r.position = start + n
            } else {
                try r.skip(wire: wire, end: end, at: at)
            }
        }
    }

    /// The ragged values the tree decoder gives for what one message lacks: a scalar without
    /// presence reads its default, one with presence NaN; `a[k]` past the elements met NaN;
    /// a missing message NaN for each ragged column below it; a missing repeated field
    /// nothing (it is an empty array).
    static func fillMissing(_ node: Node, seen: [Int: Int], _ ragged: RaggedColumns) {
        for (number, leaves) in node.leaves {
            let met = seen[number, default: 0]
            for leaf in leaves where leaf.ragged {
                if leaf.element >= 0 {
                    if met <= leaf.element { ragged.append(leaf.column, .nan) }
                } else if !leaf.repeated && met == 0 {
                    ragged.append(leaf.column, leaf.presence ? .nan : 0)
                }
            }
        }
        for (number, children) in node.children {
            let met = seen[number, default: 0]
            for child in children where child.node.hasRagged && !child.each {
                if child.element >= 0 ? met <= child.element : met == 0 { appendNaN(child.node, ragged) }
            }
        }
    }

    /// One NaN for every ragged column at or below `node` (the path stopped above it).
    static func appendNaN(_ node: Node, _ ragged: RaggedColumns) {
        for leaves in node.leaves.values { for leaf in leaves where leaf.ragged { ragged.append(leaf.column, .nan) } }
        for children in node.children.values { for child in children where child.node.hasRagged { appendNaN(child.node, ragged) } }
    }

    @inline(__always)
    private func store(_ leaves: [Leaf], _ v: Double,
                       index: Int, _ row: UnsafeMutablePointer<Double>, _ stride: Int, _ ragged: RaggedColumns?) {
        for leaf in leaves {
            if leaf.ragged { ragged?.append(leaf.column, v) } else if leaf.element < 0 || leaf.element == index { row[leaf.column * stride] = v }
        }
    }

    /// A scalar as a number (strings and bytes are stepped over: NaN).
    static func number(_ kind: ProtobufPlan.Kind, _ r: inout ProtobufReader, end: Int, at: Int) throws(ProtobufError) -> Double {
        switch kind {
        case .double: return Double(bitPattern: try r.fixed64(end: end))
        case .float: return Double(Float(bitPattern: try r.fixed32(end: end)))
        case .fixed64: return Double(try r.fixed64(end: end))
        case .sfixed64: return Double(Int64(bitPattern: try r.fixed64(end: end)))
        case .fixed32: return Double(try r.fixed32(end: end))
        case .sfixed32: return Double(Int32(bitPattern: try r.fixed32(end: end)))
        case .int64: return Double(Int64(bitPattern: try r.varint(end: end)))
        case .uint64: return Double(try r.varint(end: end))
        case .int32, .enumeration: return Double(Int32(truncatingIfNeeded: try r.varint(end: end)))
        case .uint32: return Double(UInt32(truncatingIfNeeded: try r.varint(end: end)))
        case .sint32:
            let v = UInt32(truncatingIfNeeded: try r.varint(end: end))
            return Double(Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
        case .sint64:
            let v = try r.varint(end: end)
            return Double(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
        case .bool: return try r.varint(end: end) != 0 ? 1 : 0
        case .string, .bytes:
            r.position += try r.length(end: end)
            return .nan
        case .message: throw ProtobufError(offset: at, detail: "a message where a number was expected")
        }
    }

    /// Every numeric leaf path of the plan's root message (arrays as `[*]`), for extractors
    /// that take everything (the decode benchmark). Recursive types stop at `depth`.
    public static func allPaths(_ plan: ProtobufPlan, depth: Int = 8) -> [String] {
        var out: [String] = []
        func walk(_ layout: Int, _ prefix: String, _ d: Int) {
            guard d < depth else { return }
            for f in plan.layouts[layout].fields {
                let name = prefix + f.name + (f.repeated ? "[*]" : "")
                switch f.kind {
                case .message(let sub): if !plan.layouts[sub].isMapEntry { walk(sub, name + ".", d + 1) }
                case .string, .bytes: break
                default: out.append(name)
                }
            }
        }
        walk(0, "", 0)
        return out
    }
}
