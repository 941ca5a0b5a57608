import LongtailCore

/// Extracts every numeric field of a CDR message straight into columns.
///
/// Compiled once per schema from a `CDRPlan`: nested messages are flattened, runs of
/// same-typed consecutive fields (such as the 37 float64 of an Imu after its header)
/// become one aligned block copy, and strings are skipped by their length. Scalar and
/// fixed-array fields go to a `ColumnBlock` row; fields under a sequence go to
/// `RaggedColumns`. No per-message schema work happens.
public final class CDRColumnExtractor {
    enum Op {
        /// `count` consecutive primitives into scalar columns `slot..<slot+count`.
        case run(ROS2Primitive, slot: Int, count: Int)
        /// `count` consecutive primitives appended to ragged columns `column..<column+count`.
        case raggedRun(ROS2Primitive, column: Int, count: Int)
        /// `count` consecutive primitives nobody asked for: aligned and stepped over.
        case skipRun(ROS2Primitive, count: Int)
        /// A sequence of primitives nobody asked for.
        case skipSequence(ROS2Primitive)
        case skipStrings(count: Int)
        case skipWStrings(count: Int)
        /// The single padding byte of an empty message.
        case skipByte
        /// A sequence of primitives into ragged column `column`.
        case sequence(ROS2Primitive, column: Int)
        case sequenceOfStrings
        case sequenceOfWStrings
        /// A sequence of messages, each decoded by sub-program `program`.
        case sequenceOfStructs(program: Int, minSize: Int)
    }

    /// Names of the scalar columns (one value per message), e.g. `angular_velocity.x`.
    public let scalarNames: [String]
    /// Names of the ragged columns (values under sequences), e.g. `position[*]`.
    public let raggedNames: [String]
    /// All programs' ops in one stable allocation (ops hold no references), so the hot
    /// loop reads them without retain/release or array bounds checks.
    let ops: UnsafeMutableBufferPointer<Op>
    /// Each program's range in `ops`; program 0 is the root message.
    let ranges: [Range<Int>]
    /// How payloads are serialized (the plan's).
    let wire: MessageWire

    /// Compiles the extractor for `plan`. With `keeping`, only the fields it accepts (by
    /// column name, e.g. `twist.linear.x` or `objects[*].shape.dimensions.x`) become
    /// columns; the others are stepped over without being converted.
    public init(plan: CDRPlan, keeping: ((String) -> Bool)? = nil) {
        wire = plan.wire
        var builder = Builder(plan: plan)
        builder.keep = keeping
        let root = builder.compile(layout: 0, prefix: "", ragged: false)
        builder.programs[0] = root
        scalarNames = builder.scalarNames
        raggedNames = builder.raggedNames
        let flat = builder.programs.flatMap { $0 }
        ops = .allocate(capacity: max(1, flat.count))
        _ = ops.initialize(from: flat)
        var r: [Range<Int>] = []
        var at = 0
        for p in builder.programs { r.append(at..<(at + p.count)); at += p.count }
        ranges = r
    }

    deinit { ops.deallocate() }

    /// Decodes one payload, writing one row of `block` (and of `ragged`, when given).
    /// The row is committed with `timestamp`.
    /// - Throws: `CDRError` when the payload does not fit the schema; the row is not committed.
    public func extract(_ payload: UnsafeRawBufferPointer, timestamp: Int64, into block: ColumnBlock,
                        ragged: RaggedColumns? = nil) throws(CDRError) {
        let filled = block.count
        precondition(filled < block.capacity, "ColumnBlock is full: hand it on and reset it first")
        var c = try CDRCursor(payload: payload, wire: wire)
        let row = RowWriter(storage: block.storage + filled, stride: block.capacity)
        try run(0, &c, row, ragged)
        block.commitRow(timestamp: timestamp)
        ragged?.commitRow()
    }

    /// Where one row's values go: column `c` of this row is at `storage[c * stride]`.
    struct RowWriter {
        let storage: UnsafeMutablePointer<Double>
        let stride: Int
    }

    private func run(_ program: Int, _ c: inout CDRCursor, _ row: RowWriter,
                     _ ragged: RaggedColumns?) throws(CDRError) {
        for index in ranges[program] {
            switch ops[index] {
            case .run(let p, let slot, let count):
                c.align(p.size)
                try c.check(p.size * count)
                let start = c.base.baseAddress! + c.position
                var out = row.storage + slot * row.stride
                if p == .float64 && !c.bigEndian {
                    for i in 0..<count {
                        out.pointee = Double(bitPattern: UInt64(littleEndian: (start + i * 8).loadUnaligned(as: UInt64.self)))
                        out += row.stride
                    }
                } else {
                    let big = c.bigEndian
                    for i in 0..<count {
                        out.pointee = Self.value(p, start + i * p.size, big)
                        out += row.stride
                    }
                }
                c.position += p.size * count
            case .raggedRun(let p, let column, let count):
                c.align(p.size)
                try c.check(p.size * count)
                let start = c.base.baseAddress! + c.position
                for i in 0..<count { ragged?.append(column + i, Self.value(p, start + i * p.size, c.bigEndian)) }
                c.position += p.size * count
            case .skipRun(let p, let count):
                c.align(p.size)
                try c.check(p.size * count)
                c.position += p.size * count
            case .skipSequence(let p):
                let n = try c.count(minSize: p.size)
                if n == 0 { continue }
                c.align(p.size)
                try c.check(p.size * n)
                c.position += p.size * n
            case .skipStrings(let count):
                for _ in 0..<count {
                    let n = Int(try c.load(UInt32.self))
                    try c.check(n)
                    c.position += n
                }
            case .skipWStrings(let count):
                for _ in 0..<count {
                    let n = try c.count(minSize: 4)
                    try c.check(4 * n)
                    c.position += 4 * n
                }
            case .skipByte:
                try c.check(1)
                c.position += 1
            case .sequence(let p, let column):
                let n = try c.count(minSize: p.size)
                if n == 0 { continue }  // no element, so no alignment padding either
                c.align(p.size)
                try c.check(p.size * n)
                let start = c.base.baseAddress! + c.position
                for i in 0..<n { ragged?.append(column, Self.value(p, start + i * p.size, c.bigEndian)) }
                c.position += p.size * n
            case .sequenceOfStrings:
                let n = try c.count(minSize: 4)
                for _ in 0..<n {
                    let len = Int(try c.load(UInt32.self))
                    try c.check(len)
                    c.position += len
                }
            case .sequenceOfWStrings:
                let n = try c.count(minSize: 4)
                for _ in 0..<n {
                    let len = try c.count(minSize: 4)
                    c.position += 4 * len
                }
            case .sequenceOfStructs(let sub, let minSize):
                let n = try c.count(minSize: minSize)
                for _ in 0..<n { try run(sub, &c, row, ragged) }
            }
        }
    }

    @inline(__always)
    static func value(_ p: ROS2Primitive, _ at: UnsafeRawPointer, _ big: Bool) -> Double {
        switch p {
        case .float64:
            let raw = at.loadUnaligned(as: UInt64.self)
            return Double(bitPattern: big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
        case .float32:
            let raw = at.loadUnaligned(as: UInt32.self)
            return Double(Float(bitPattern: big ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)))
        case .int32:
            let raw = at.loadUnaligned(as: Int32.self)
            return Double(big ? Int32(bigEndian: raw) : Int32(littleEndian: raw))
        case .uint32:
            let raw = at.loadUnaligned(as: UInt32.self)
            return Double(big ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
        case .int64:
            let raw = at.loadUnaligned(as: Int64.self)
            return Double(big ? Int64(bigEndian: raw) : Int64(littleEndian: raw))
        case .uint64:
            let raw = at.loadUnaligned(as: UInt64.self)
            return Double(big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
        case .int16:
            let raw = at.loadUnaligned(as: Int16.self)
            return Double(big ? Int16(bigEndian: raw) : Int16(littleEndian: raw))
        case .uint16:
            let raw = at.loadUnaligned(as: UInt16.self)
            return Double(big ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw))
        case .int8: return Double(at.load(as: Int8.self))
        case .bool: return at.load(as: UInt8.self) != 0 ? 1 : 0
        case .byte, .char, .uint8: return Double(at.load(as: UInt8.self))
        }
    }

    /// Flattens layouts into programs.
    private struct Builder {
        let plan: CDRPlan
        var scalarNames: [String] = []
        var raggedNames: [String] = []
        var programs: [[Op]] = [[]]
        var keep: ((String) -> Bool)?

        init(plan: CDRPlan) { self.plan = plan }

        mutating func emitPrimitives(_ p: ROS2Primitive, names: [String], ragged: Bool, into ops: inout [Op]) {
            if let keep, names.contains(where: { !keep($0) }) {
                // Split into kept and skipped stretches, in order.
                var i = 0
                while i < names.count {
                    let kept = keep(names[i])
                    var j = i + 1
                    while j < names.count && keep(names[j]) == kept { j += 1 }
                    if kept {
                        let saved = self.keep
                        self.keep = nil
                        emitPrimitives(p, names: Array(names[i..<j]), ragged: ragged, into: &ops)
                        self.keep = saved
                    } else if case .skipRun(let q, let n)? = ops.last, q == p {
                        ops[ops.count - 1] = .skipRun(p, count: n + j - i)
                    } else {
                        ops.append(.skipRun(p, count: j - i))
                    }
                    i = j
                }
                return
            }
            if ragged {
                let col = raggedNames.count
                raggedNames += names
                if case .raggedRun(let q, let c0, let n)? = ops.last, q == p, c0 + n == col {
                    ops[ops.count - 1] = .raggedRun(p, column: c0, count: n + names.count)
                } else {
                    ops.append(.raggedRun(p, column: col, count: names.count))
                }
            } else {
                let slot = scalarNames.count
                scalarNames += names
                if case .run(let q, let s0, let n)? = ops.last, q == p, s0 + n == slot {
                    ops[ops.count - 1] = .run(p, slot: s0, count: n + names.count)
                } else {
                    ops.append(.run(p, slot: slot, count: names.count))
                }
            }
        }

        mutating func compile(layout index: Int, prefix: String, ragged: Bool) -> [Op] {
            var ops: [Op] = []
            let layout = plan.layouts[index]
            if layout.fields.isEmpty {   // CDR gives an empty message one byte; ROS 1 none
                if plan.wire == .cdr { ops.append(.skipByte) }
                return ops
            }
            for f in layout.fields {
                let name = prefix + f.name
                switch f.array {
                case .none:
                    switch f.base {
                    case .primitive(let p): emitPrimitives(p, names: [name], ragged: ragged, into: &ops)
                    case .string: ops.append(.skipStrings(count: 1))
                    case .wstring: ops.append(.skipWStrings(count: 1))
                    case .structure(let s): ops += compile(layout: s, prefix: name + ".", ragged: ragged)
                    }
                case .fixed(let n):
                    switch f.base {
                    case .primitive(let p):
                        emitPrimitives(p, names: (0..<n).map { "\(name)[\($0)]" }, ragged: ragged, into: &ops)
                    case .string: ops.append(.skipStrings(count: n))
                    case .wstring: ops.append(.skipWStrings(count: n))
                    case .structure(let s):
                        for i in 0..<n { ops += compile(layout: s, prefix: "\(name)[\(i)].", ragged: ragged) }
                    }
                case .bounded, .unbounded:
                    switch f.base {
                    case .primitive(let p):
                        if let keep, !keep("\(name)[*]") {
                            ops.append(.skipSequence(p))
                        } else {
                            ops.append(.sequence(p, column: raggedNames.count))
                            raggedNames.append("\(name)[*]")
                        }
                    case .string: ops.append(.sequenceOfStrings)
                    case .wstring: ops.append(.sequenceOfWStrings)
                    case .structure(let s):
                        let program = programs.count
                        programs.append([])
                        programs[program] = compile(layout: s, prefix: "\(name)[*].", ragged: true)
                        ops.append(.sequenceOfStructs(program: program, minSize: plan.wire == .cdr ? 1 : 0))
                    }
                }
            }
            return ops
        }
    }
}
