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

    /// A node compiled for the walk: every property a constant (no run-time exclusivity
    /// checks), field number → slot through a dense table, each slot's leaves and children
    /// as ranges of flat buffers (no array retained per field).
    final class Compiled {
        let dense: UnsafeMutableBufferPointer<Int32>
        let sparse: [Int: Int32]
        /// Per slot: its field number, and its ranges in `leaves` and `children`.
        let numbers: [Int]
        let leafRange: UnsafeMutableBufferPointer<(start: Int32, count: Int32)>
        let childRange: UnsafeMutableBufferPointer<(start: Int32, count: Int32)>
        let leaves: UnsafeMutableBufferPointer<Leaf>
        /// The nested messages, owned here and read through `childTable` (unretained: the walk
        /// retained and released a node for every nested message it entered).
        let children: [(node: Compiled, element: Int, each: Bool)]
        let childTable: UnsafeMutableBufferPointer<Child>
        /// Per slot, the common cases decided once: `Op.rowDouble` (one singular double into
        /// a row's column), `Op.raggedDoubles` (one `[*]` double field, packed, straight
        /// into its ragged column), `Op.general` otherwise; and the column they write.
        let ops: UnsafeMutableBufferPointer<(op: Op, column: Int32)>
        let defaults: UnsafeMutableBufferPointer<Int>
        let hasRagged: Bool
        var slots: Int { numbers.count }

        init(_ n: Node) {
            let numbers = Set(n.leaves.keys).union(n.children.keys).sorted()
            let maxDense = min(numbers.last ?? 0, 1023)
            dense = .allocate(capacity: maxDense + 1)
            dense.initialize(repeating: -1)
            var sparse: [Int: Int32] = [:]
            var fill: [Int] = []
            var flatLeaves: [Leaf] = [], flatChildren: [(node: Compiled, element: Int, each: Bool)] = []
            leafRange = .allocate(capacity: max(1, numbers.count))
            childRange = .allocate(capacity: max(1, numbers.count))
            for (k, number) in numbers.enumerated() {
                if number <= maxDense { dense[number] = Int32(k) } else { sparse[number] = Int32(k) }
                let l = n.leaves[number] ?? [], c = n.children[number] ?? []
                if l.contains(where: { $0.ragged }) || c.contains(where: { $0.node.hasRagged }) { fill.append(k) }
                leafRange[k] = (Int32(flatLeaves.count), Int32(l.count))
                childRange[k] = (Int32(flatChildren.count), Int32(c.count))
                flatLeaves += l
                flatChildren += c.map { (Compiled($0.node), $0.element, $0.each) }
            }
            self.sparse = sparse
            self.numbers = numbers
            leaves = .allocate(capacity: max(1, flatLeaves.count))
            _ = leaves.initialize(from: flatLeaves)
            children = flatChildren
            childTable = .allocate(capacity: max(1, flatChildren.count))
            ops = .allocate(capacity: max(1, numbers.count))
            for k in numbers.indices {
                let r = leafRange[k]
                ops[k] = (.general, -1)
                guard r.count == 1, childRange[k].count == 0 else { continue }
                let leaf = flatLeaves[Int(r.start)]
                guard leaf.kind == .double, leaf.element < 0 else { continue }
                if !leaf.ragged && !leaf.repeated { ops[k] = (.rowDouble, Int32(leaf.column)) }
                if leaf.ragged && leaf.repeated { ops[k] = (.raggedDoubles, Int32(leaf.column)) }
            }
            for (k, c) in flatChildren.enumerated() { childTable[k] = Child(node: Unmanaged.passUnretained(c.node), element: c.element, each: c.each) }
            defaults = .allocate(capacity: max(1, n.defaults.count))
            _ = defaults.initialize(from: n.defaults)
            hasRagged = n.hasRagged
            defaultCount = n.defaults.count
            needsSeen = n.hasRagged || flatLeaves.contains { $0.element >= 0 } || flatChildren.contains { $0.element >= 0 }
            fillSlots = fill
        }

        /// The slots `fillMissing` looks at: those with a ragged leaf or a child holding one.
        let fillSlots: [Int]

        /// Whether the walk needs the elements met per slot (`a[k]`, or what a message with
        /// ragged columns lacked); a plain vector or time stamp does not, and skips the reset.
        let needsSeen: Bool

        let defaultCount: Int

        deinit {
            dense.deallocate(); leafRange.deallocate(); childRange.deallocate(); leaves.deallocate(); defaults.deallocate()
            childTable.deallocate(); ops.deallocate()
        }

        @inline(__always) func slot(_ number: Int) -> Int {
            number >= 0 && number < dense.count ? Int(dense[number]) : Int(sparse[number] ?? -1)
        }
    }

    /// What a slot's field does, decided when the paths are compiled.
    enum Op: UInt8 { case general, rowDouble, raggedDoubles }

    /// A nested message's node in a `Compiled` table, with the element it is wanted at.
    struct Child {
        var node: Unmanaged<Compiled>
        var element: Int
        var each: Bool
    }

    public let scalarNames: [String]
    public let raggedNames: [String]
    private let compiled: Compiled
    private let plan: ProtobufPlan
    /// Per nesting depth, the elements met per slot of the message being walked there (one
    /// region a depth: a walk at depth d only ever uses region d). Not shared across threads.
    private let seenStorage: UnsafeMutablePointer<Int32>
    private let maxSlots: Int

    /// An extractor for `fields`; nil when a path does not exist in the schema (the mapping
    /// then reports the field as missing).
    public init(plan: ProtobufPlan, fields: [String]) {
        self.plan = plan
        let unique = Array(Set(fields)).sorted()
        var scalars: [String] = [], ragged: [String] = []
        let root = Node()
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
        compiled = Compiled(root)
        func widest(_ c: Compiled) -> Int { c.children.reduce(c.slots) { max($0, widest($1.node)) } }
        maxSlots = max(1, widest(compiled))
        seenStorage = .allocate(capacity: maxSlots * (ProtobufPlan.maxDepth + 1))
        seenStorage.initialize(repeating: 0, count: maxSlots * (ProtobufPlan.maxDepth + 1))
    }

    deinit { seenStorage.deallocate() }

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
            try walk(compiled, &r, end: payload.count, depth: 0, row: row, stride: block.capacity, ragged: ragged)
        } catch {
            throw CDRError(offset: error.offset, detail: "protobuf: \(error.detail)")
        }
        block.commitRow(timestamp: timestamp)
        ragged?.commitRow()
    }

    private func walk(_ node: Compiled, _ r: inout ProtobufReader, end: Int, depth: Int, row: UnsafeMutablePointer<Double>,
                      stride: Int, ragged: RaggedColumns?) throws(ProtobufError) {
        guard depth < ProtobufPlan.maxDepth else { throw ProtobufError(offset: r.position, detail: "messages nested deeper than \(ProtobufPlan.maxDepth)") }
        for k in 0..<node.defaultCount { row[node.defaults[k] * stride] = 0 }
        // Elements met per wanted field (for `a[k]` and what the message lacked).
        let seen = UnsafeMutableBufferPointer(start: seenStorage + depth * maxSlots, count: node.slots)
        if node.needsSeen { seen.update(repeating: 0) }
        try fields(node, &r, end: end, depth: depth, row: row, stride: stride, ragged: ragged, seen: seen)
        if node.hasRagged, let ragged { Self.fillMissing(node, seen: seen, ragged) }
    }

    @inline(__always)
    private func fields(_ node: Compiled, _ r: inout ProtobufReader, end: Int, depth: Int, row: UnsafeMutablePointer<Double>,
                        stride: Int, ragged: RaggedColumns?, seen: UnsafeMutableBufferPointer<Int32>) throws(ProtobufError) {
        while r.position < end {
            let at = r.position
            let key = try r.varint(end: end)
            let number = Int(truncatingIfNeeded: key >> 3), wire = Int(key & 7)
            let slot = node.slot(number)
            if slot < 0 { try r.skip(wire: wire, end: end, at: at); continue }
            let op = node.ops[slot]
            if op.op == .rowDouble && wire == 1 {
                row[Int(op.column) * stride] = Double(bitPattern: try r.fixed64(end: end))
                seen[slot] &+= 1
                continue
            }
            if op.op == .raggedDoubles && wire == 2, let ragged {
                let n = try r.length(end: end)
                guard n % 8 == 0 else { throw ProtobufError(offset: r.position, detail: "packed doubles of \(n) bytes") }
                ragged.append(Int(op.column), littleEndianDoubles: r.base.baseAddress! + r.position, count: n / 8)
                seen[slot] &+= Int32(n / 8)
                r.position += n
                continue
            }
            let lr = node.leafRange[slot]
            if lr.count > 0 {
                let leaves = UnsafeMutableBufferPointer(rebasing: node.leaves[Int(lr.start)..<Int(lr.start + lr.count)])
                let kind = leaves[0].kind
                if wire == 2 && kind.packable {   // packed run
                    let n = try r.length(end: end)
                    let stop = r.position + n
                    if kind == .double && leaves.count == 1 && leaves[0].ragged && leaves[0].element < 0, let ragged {
                        // The common packed run (covariances, point lists): doubles straight into the column.
                        guard n % 8 == 0 else { throw ProtobufError(offset: r.position, detail: "packed doubles of \(n) bytes") }
                        ragged.append(leaves[0].column, littleEndianDoubles: r.base.baseAddress! + r.position, count: n / 8)
                        seen[slot] &+= Int32(n / 8)
                        r.position = stop
                        continue
                    }
                    while r.position < stop {
                        let v = try Self.number(kind, &r, end: stop, at: r.position)
                        store(leaves, v, index: Int(seen[slot]), row, stride, ragged)
                        seen[slot] &+= 1
                    }
                } else {
                    guard wire == ProtobufPlan.wireType(kind) else {
                        throw ProtobufError(offset: at, detail: "field \(number) has wire type \(wire), expected \(ProtobufPlan.wireType(kind))")
                    }
                    let v = try Self.number(kind, &r, end: end, at: at)
                    store(leaves, v, index: Int(seen[slot]), row, stride, ragged)
                    seen[slot] &+= 1
                }
            } else {
                guard wire == 2 else { throw ProtobufError(offset: at, detail: "field \(number) has wire type \(wire), expected 2") }
                let n = try r.length(end: end)
                let start = r.position, index = Int(seen[slot])
                seen[slot] &+= 1
                let cr = node.childRange[slot]
                for k in Int(cr.start)..<Int(cr.start + cr.count) {
                    let child = node.childTable[k]
                    guard child.each || child.element < 0 || child.element == index else { continue }
                    r.position = start
                    var failure: ProtobufError?
                    child.node._withUnsafeGuaranteedRef { c in
                        do throws(ProtobufError) {
                            try walk(c, &r, end: start + n, depth: depth + 1, row: row, stride: stride, ragged: ragged)
                        } catch { failure = error }
                    }
                    if let failure { throw failure }
                }
                r.position = start + n
            }
        }
    }

    /// The ragged values the tree decoder gives for what one message lacks: a scalar without
    /// presence reads its default, one with presence NaN; `a[k]` past the elements met NaN;
    /// a missing message NaN for each ragged column below it; a missing repeated field
    /// nothing (it is an empty array).
    static func fillMissing(_ node: Compiled, seen: UnsafeMutableBufferPointer<Int32>, _ ragged: RaggedColumns) {
        for slot in node.fillSlots {
            let met = Int(seen[slot])
            let lr = node.leafRange[slot], cr = node.childRange[slot]
            for leaf in node.leaves[Int(lr.start)..<Int(lr.start + lr.count)] where leaf.ragged {
                if leaf.element >= 0 {
                    if met <= leaf.element { ragged.append(leaf.column, .nan) }
                } else if !leaf.repeated && met == 0 {
                    ragged.append(leaf.column, leaf.presence ? .nan : 0)
                }
            }
            for k in Int(cr.start)..<Int(cr.start + cr.count) {
                let child = node.childTable[k]
                child.node._withUnsafeGuaranteedRef { c in
                    guard c.hasRagged && !child.each, child.element >= 0 ? met <= child.element : met == 0 else { return }
                    appendNaN(c, ragged)
                }
            }
        }
    }

    /// One NaN for every ragged column at or below `node` (the path stopped above it).
    static func appendNaN(_ node: Compiled, _ ragged: RaggedColumns) {
        for leaf in node.leaves.prefix(node.leafRange.prefix(node.slots).reduce(0) { $0 + Int($1.count) }) where leaf.ragged {
            ragged.append(leaf.column, .nan)
        }
        for child in node.children where child.node.hasRagged { appendNaN(child.node, ragged) }
    }

    @inline(__always)
    private func store(_ leaves: UnsafeMutableBufferPointer<Leaf>, _ v: Double,
                       index: Int, _ row: UnsafeMutablePointer<Double>, _ stride: Int, _ ragged: RaggedColumns?) {
        for leaf in leaves {
            if leaf.ragged { ragged?.append(leaf.column, v) } else if leaf.element < 0 || leaf.element == index { row[leaf.column * stride] = v }
        }
    }

    /// A scalar as a number (strings and bytes are stepped over: NaN).
    @inline(__always)
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
