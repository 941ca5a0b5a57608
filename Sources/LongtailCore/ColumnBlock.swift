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
    @inline(__always) public var count: Int { filled.pointee }
    /// The row counter lives in its own allocation rather than a stored `var`: class
    /// stored properties pay a dynamic exclusivity check on every write, once per message.
    private let filled: UnsafeMutablePointer<Int>
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
    @inline(__always) public var isFull: Bool { count == capacity }

    /// Pointer to the start of column `index`; rows `0..<count` are valid.
    @inline(__always) public func column(_ index: Int) -> UnsafeMutablePointer<Double> {
        storage + index * capacity
    }

    /// Column `index` as a buffer of the filled rows.
    public func columnValues(_ index: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: column(index), count: count)
    }

    /// Stores one value of the row being filled (row `count`).
    @inline(__always) public func set(_ column: Int, _ value: Double) {
        storage[column * capacity + filled.pointee] = value
    }

    /// Closes the row being filled, stamping it with `timestamp`.
    @inline(__always) public func commitRow(timestamp: Int64) {
        timestamps[filled.pointee] = timestamp
        filled.pointee += 1
    }

    /// Empties the block for reuse.
    public func reset() { filled.pointee = 0 }
}

/// Columns with a variable number of values per row (ROS sequences such as
/// `position[]` or `objects[*].pose.position.x`).
public final class RaggedColumns {
    /// Column names, in column order.
    public let names: [String]
    /// Values of each column, all rows concatenated.
    public private(set) var values: [[Double]]
    /// For each column, the end index in `values` of each committed row.
    public private(set) var rowEnds: [[Int]]

    /// Creates empty columns.
    public init(names: [String]) {
        self.names = names
        values = Array(repeating: [], count: names.count)
        rowEnds = Array(repeating: [], count: names.count)
    }

    /// Appends one value to column `index` for the row being filled.
    @inline(__always) public func append(_ index: Int, _ value: Double) { values[index].append(value) }

    /// Closes the row being filled.
    public func commitRow() {
        for i in rowEnds.indices { rowEnds[i].append(values[i].count) }
    }

    /// The values of column `index` in row `row`.
    public func row(_ row: Int, column index: Int) -> ArraySlice<Double> {
        let end = rowEnds[index][row]
        let start = row == 0 ? 0 : rowEnds[index][row - 1]
        return values[index][start..<end]
    }

    /// Empties the columns for reuse, keeping their capacity.
    public func reset() {
        // Through buffer pointers: one access to each outer array, not one per column.
        values.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i].removeAll(keepingCapacity: true) } }
        rowEnds.withUnsafeMutableBufferPointer { r in for i in r.indices { r[i].removeAll(keepingCapacity: true) } }
    }
}
