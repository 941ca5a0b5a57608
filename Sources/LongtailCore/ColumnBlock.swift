/// A block of numeric columns, column-major, with a fixed row capacity.
///
/// Decoders fill one row per message; when the block is full the caller hands it on
/// (to feature kernels, a writer) and `reset()`s it. Rows stay in a cache-sized block
/// instead of growing arrays, so memory is bounded and hot loops see contiguous columns.
public final class ColumnBlock {
    /// Column names, in column order.
    public let names: [String]
    /// Rows the block can hold.
    public let capacity: Int
    /// Rows filled so far.
    @inlinable public var count: Int { filled.pointee }
    /// The row counter lives in its own allocation rather than a stored `var`: class
    /// stored properties pay a dynamic exclusivity check on every write, once per message.
    /// (Visible to inlined code: `count` and `commitRow` are inlined into other modules' decoders.)
    @usableFromInline let filled: UnsafeMutablePointer<Int>
    /// Timestamps (nanoseconds) of each row.
    public let timestamps: UnsafeMutablePointer<Int64>
    /// The values, column-major: column `c`, row `r` is at `storage[c * capacity + r]`.
    /// Decoders write rows straight into it and then call `commitRow`.
    public let storage: UnsafeMutablePointer<Double>

    /// Creates a block for `names.count` columns of `capacity` rows.
    public init(names: [String], capacity: Int = 4096) {
        precondition(capacity > 0)
        self.names = names
        self.capacity = capacity
        storage = .allocate(capacity: max(1, names.count * capacity))
        storage.initialize(repeating: .nan, count: max(1, names.count * capacity))
        timestamps = .allocate(capacity: capacity)
        timestamps.initialize(repeating: 0, count: capacity)
        filled = .allocate(capacity: 1)
        filled.initialize(to: 0)
    }

    deinit {
        storage.deallocate()
        timestamps.deallocate()
        filled.deallocate()
    }

    /// True when no more rows fit.
    @inlinable public var isFull: Bool { count == capacity }

    /// Pointer to the start of column `index`; rows `0..<count` are valid.
    @inlinable public func column(_ index: Int) -> UnsafeMutablePointer<Double> {
        storage + index * capacity
    }

    /// Column `index` as a buffer of the filled rows.
    public func columnValues(_ index: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: column(index), count: count)
    }

    /// Stores one value of the row being filled (row `count`).
    @inlinable public func set(_ column: Int, _ value: Double) {
        storage[column * capacity + filled.pointee] = value
    }

    /// Closes the row being filled, stamping it with `timestamp`.
    @inlinable public func commitRow(timestamp: Int64) {
        timestamps[filled.pointee] = timestamp
        filled.pointee += 1
    }

    /// Empties the block for reuse.
    public func reset() { filled.pointee = 0 }
}

/// Columns with a variable number of values per row (ROS sequences such as
/// `position[]` or `objects[*].pose.position.x`).
///
/// Storage is one growable buffer per column behind a fixed pointer: appends touch no
/// Swift array (no uniqueness or exclusivity checks per value), which matters when a
/// message carries dozens of sequence values.
public final class RaggedColumns {
    /// Column names, in column order.
    public let names: [String]

    struct Column {
        var values: UnsafeMutablePointer<Double>
        var count = 0, capacity: Int
        /// End index in `values` of each committed row.
        var ends: UnsafeMutablePointer<Int>
        var rows = 0, rowCapacity: Int

        init() {
            capacity = 16; rowCapacity = 4
            values = .allocate(capacity: capacity); ends = .allocate(capacity: rowCapacity)
        }

        /// Doubles `p`'s allocation, keeping its first `used` elements.
        static func doubled<T>(_ p: inout UnsafeMutablePointer<T>, used: Int, capacity: inout Int) {
            let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            grown.update(from: p, count: used)
            p.deallocate()
            p = grown; capacity *= 2
        }

        mutating func append(_ v: Double) {
            if count == capacity { Self.doubled(&values, used: count, capacity: &capacity) }
            values[count] = v
            count += 1
        }

        mutating func append(littleEndianDoubles source: UnsafeRawPointer, count n: Int) {
            while count + n > capacity { Self.doubled(&values, used: count, capacity: &capacity) }
            #if _endian(little)
            UnsafeMutableRawPointer(values + count).copyMemory(from: source, byteCount: n * 8)
            #else
            for k in 0..<n { values[count + k] = Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))) }
            #endif
            count += n
        }

        mutating func commitRow() {
            if rows == rowCapacity { Self.doubled(&ends, used: rows, capacity: &rowCapacity) }
            ends[rows] = count
            rows += 1
        }
    }

    private let columns: UnsafeMutablePointer<Column>

    /// Creates empty columns.
    public init(names: [String]) {
        self.names = names
        columns = .allocate(capacity: max(1, names.count))
        for i in names.indices { (columns + i).initialize(to: Column()) }
    }

    deinit {
        for i in names.indices { columns[i].values.deallocate(); columns[i].ends.deallocate() }
        columns.deinitialize(count: names.count)
        columns.deallocate()
    }

    /// Appends one value to column `index` for the row being filled.
    @inline(__always) public func append(_ index: Int, _ value: Double) { columns[index].append(value) }

    /// Appends `count` little-endian IEEE doubles stored back to back at `source` (a packed
    /// run in a payload, unaligned) to column `index` for the row being filled.
    @inline(__always) public func append(_ index: Int, littleEndianDoubles source: UnsafeRawPointer, count: Int) {
        columns[index].append(littleEndianDoubles: source, count: count)
    }

    /// Closes the row being filled.
    public func commitRow() {
        for i in names.indices { columns[i].commitRow() }
    }

    /// The values of column `index` in row `row`; valid until the next append or reset.
    public func row(_ row: Int, column index: Int) -> UnsafeBufferPointer<Double> {
        let c = columns[index]
        precondition(row < c.rows, "row \(row) not committed")
        let start = row == 0 ? 0 : c.ends[row - 1]
        return UnsafeBufferPointer(start: c.values + start, count: c.ends[row] - start)
    }

    /// Rows committed so far.
    public var rows: Int { names.isEmpty ? 0 : columns[0].rows }

    /// Empties the columns for reuse, keeping their capacity.
    public func reset() {
        for i in names.indices { columns[i].count = 0; columns[i].rows = 0 }
    }
}
