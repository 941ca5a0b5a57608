import CHDF5
import CZstd

/// The element types Longtail reads numeric datasets into.
public protocol HDF5Real: BinaryFloatingPoint, Sendable {
    /// The HDF5 memory type that converts to this Swift type.
    static var hdf5MemoryType: hid_t { get }
}

extension Float: HDF5Real { public static var hdf5MemoryType: hid_t { lt_h5t_native_float() } }
extension Double: HDF5Real { public static var hdf5MemoryType: hid_t { lt_h5t_native_double() } }

/// A filter in a dataset's pipeline.
public struct HDF5Filter: Sendable, Equatable {
    public var id: Int32
    public var name: String
    /// The filter's client data (for zstd and deflate, the level).
    public var parameters: [UInt32]
}

/// An open dataset: its shape and storage, and reads of numeric values as Float or Double.
public final class HDF5Dataset: @unchecked Sendable {
    public let file: HDF5File
    public let path: String
    let id: hid_t
    /// Dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// The element type's class (`integer`, `float`, `string`, ...).
    public let typeClass: String
    /// Element size in bytes.
    public let elementSize: Int
    /// True for signed integers.
    public let isSigned: Bool
    /// Chunk dimensions, or nil for contiguous/compact storage.
    public let chunkShape: [Int]?
    /// The filter pipeline, in order.
    public let filters: [HDF5Filter]

    init(file: HDF5File, path: String, id: hid_t) throws(HDF5Error) {
        self.file = file
        self.path = path
        self.id = id
        let sid = H5Dget_space(id)
        defer { _ = H5Sclose(sid) }
        let rank = Int(H5Sget_simple_extent_ndims(sid))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        _ = H5Sget_simple_extent_dims(sid, &dims, nil)
        // Dimensions are the file's word: clamped so that no product of them overflows (a
        // declared size is checked against the stored bytes before any read, `checkPlausible`).
        shape = rank == 0 ? [] : dims.prefix(rank).map { Int(Swift.min($0, 1 << 40)) }
        storedBytes = UInt64(H5Dget_storage_size(id))
        let tid = H5Dget_type(id)
        defer { _ = H5Tclose(tid) }
        typeClass = Self.className(H5Tget_class(tid))
        elementSize = H5Tget_size(tid)
        isSigned = H5Tget_class(tid) == H5T_INTEGER && H5Tget_sign(tid) == H5T_SGN_2
        let dcpl = H5Dget_create_plist(id)
        defer { _ = H5Pclose(dcpl) }
        if H5Pget_layout(dcpl) == H5D_CHUNKED {
            var c = [hsize_t](repeating: 0, count: max(rank, 1))
            _ = H5Pget_chunk(dcpl, Int32(rank), &c)
            chunkShape = c.prefix(rank).map { Int($0) }
        } else {
            chunkShape = nil
        }
        var filters: [HDF5Filter] = []
        for i in 0..<max(0, H5Pget_nfilters(dcpl)) {
            var flags: UInt32 = 0
            var nValues = 8
            var values = [UInt32](repeating: 0, count: 8)
            var name = [CChar](repeating: 0, count: 256)
            var config: UInt32 = 0
            let fid = H5Pget_filter2(dcpl, UInt32(i), &flags, &nValues, &values, 256, &name, &config)
            filters.append(HDF5Filter(id: fid, name: String(cString: name), parameters: Array(values.prefix(min(nValues, 8)))))
        }
        self.filters = filters
    }

    deinit { _ = H5Dclose(id) }

    /// Rows: the first dimension (1 for a scalar).
    public var rows: Int { shape.first ?? 1 }
    /// Values per row: the product of the other dimensions (saturating).
    public var rowWidth: Int {
        shape.dropFirst().reduce(1) { a, b in let (p, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : p }
    }
    /// Bytes the file stores for the dataset (compressed, as allocated).
    public let storedBytes: UInt64

    /// The bytes of one chunk in the file's type (0: not chunked), what a filter must produce.
    var fileChunkBytes: Int {
        guard let chunkShape, !chunkShape.isEmpty else { return 0 }
        let (n, o) = chunkShape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: max(0, d)); return (p, acc.1 || o)
        }
        let (bytes, o2) = n.multipliedReportingOverflow(by: max(1, elementSize))
        return o || o2 ? 0 : bytes
    }

    /// Refuses an unfiltered chunked dataset whose chunk index records a stored size other
    /// than a chunk's: libhdf5 1.10 allocates the recorded size and copies a whole chunk
    /// into it (a heap overflow that fuzzing found in `H5VM_memcpyvv`).
    func checkChunkSizes() throws(HDF5Error) {
        // A chunked layout needs a dataspace of the chunk's rank with no zero chunk dimension
        // (HDF5 never writes a chunked scalar). libhdf5 1.10 reading a damaged header that
        // declares one allocated without end inside H5Dread (5.8 GB in 3 s; fuzzing found it).
        if let chunkShape, shape.isEmpty || chunkShape.count != shape.count || chunkShape.contains(where: { $0 <= 0 }) {
            throw HDF5Error(file: file.path, object: path,
                            .readFailed("chunked with chunk shape \(chunkShape) over dataset shape \(shape): a damaged header"))
        }
        // One chunk is decompressed whole (here and inside libhdf5), so it is held to the
        // same bound as the dataset: a header can declare a 2^31-row chunk over ten rows.
        if let chunkShape, fileChunkBytes == 0 || UInt64(fileChunkBytes) > allowedBytes {
            throw HDF5Error(file: file.path, object: path,
                            .readFailed("chunk shape \(chunkShape) of \(elementSize)-byte values is out of proportion to the \(storedBytes) bytes stored: a damaged header"))
        }
        let expected = fileChunkBytes
        guard expected > 0 else { return }
        let space = H5Dget_space(id)
        defer { _ = H5Sclose(space) }
        var count: hsize_t = 0
        guard H5Dget_num_chunks(id, space, &count) >= 0 else {
            throw HDF5Error(file: file.path, object: path, .readFailed(HDF5Library.errorStack()))
        }
        var offset = [hsize_t](repeating: 0, count: max(1, shape.count))
        for k in 0..<count {
            var mask: UInt32 = 0, address: haddr_t = 0, size: hsize_t = 0
            guard H5Dget_chunk_info(id, space, k, &offset, &mask, &address, &size) >= 0 else {
                throw HDF5Error(file: file.path, object: path, .readFailed(HDF5Library.errorStack()))
            }
            // Filtered chunks store any size; unfiltered ones (no filters, or all skipped) a chunk's.
            let unfiltered = filters.isEmpty || mask & ((1 << UInt32(min(filters.count, 31))) - 1) == (1 << UInt32(min(filters.count, 31))) - 1
            guard !unfiltered || size == hsize_t(expected) else {
                throw HDF5Error(file: file.path, object: path,
                                .readFailed("chunk \(k) stores \(size) bytes where a chunk holds \(expected): a damaged chunk index"))
            }
        }
    }

    /// The values the dataset declares (saturating).
    public var declaredValues: UInt64 {
        shape.reduce(UInt64(1)) { a, b in let (p, o) = a.multipliedReportingOverflow(by: UInt64(max(0, b))); return o ? .max : p }
    }

    /// The most bytes a read of this dataset may produce: 1000× what it stores, at least
    /// 32 MiB. The stored size comes from the chunk index, itself the file's word, so it
    /// counts for no more than the file's size.
    var allowedBytes: UInt64 {
        let stored = Swift.min(storedBytes, HDF5File.byteCount(of: file.path))
        return Swift.max(UInt64(32) << 20, stored.multipliedReportingOverflow(by: 1000).partialValue)
    }

    /// Refuses a dataset whose declared size is out of all proportion to what the file
    /// stores: more than 1000× its stored bytes (and over 32 MiB). Compression of real
    /// sensor data stays far below that; a damaged or hostile header does not.
    func checkPlausible(_ values: UInt64) throws(HDF5Error) {
        let (bytes, o) = values.multipliedReportingOverflow(by: UInt64(max(1, elementSize)))
        if o || bytes > allowedBytes { throw HDF5Error(file: file.path, object: path, .implausibleSize(values: values, storedBytes: storedBytes)) }
    }

    static func className(_ c: H5T_class_t) -> String {
        switch c {
        case H5T_INTEGER: "integer"
        case H5T_FLOAT: "float"
        case H5T_STRING: "string"
        case H5T_COMPOUND: "compound"
        case H5T_ENUM: "enum"
        case H5T_ARRAY: "array"
        case H5T_VLEN: "variable-length"
        case H5T_OPAQUE: "opaque"
        case H5T_REFERENCE: "reference"
        case H5T_BITFIELD: "bitfield"
        default: "unknown type"
        }
    }

    private func requireReadable() throws(HDF5Error) {
        guard typeClass == "integer" || typeClass == "float" else {
            throw HDF5Error(file: file.path, object: path, .notNumeric(typeClass == "string" ? "strings" : typeClass))
        }
        for f in filters where H5Zfilter_avail(f.id) <= 0 {
            _ = HDF5Library.errorStack()
            throw HDF5Error(file: file.path, object: path, .missingFilter(id: f.id, name: f.name))
        }
    }

    /// Rows per block for streaming: about 1 MiB of output, a whole number of chunks.
    public func defaultBlockRows(elementSize: Int) -> Int {
        let rowBytes = max(1, rowWidth * elementSize)
        let chunkRows = max(1, chunkShape?.first ?? 1)
        let target = max(1, (1 << 20) / rowBytes)
        return max(chunkRows, target / chunkRows * chunkRows)
    }

    /// Reads `rows` (all by default) into a new array, converted to `T`.
    /// - Throws: `HDF5Error` naming the dataset.
    public func read<T: HDF5Real>(_ type: T.Type, rows range: Range<Int>? = nil) throws(HDF5Error) -> [T] {
        let r = range ?? 0..<rows
        let (total, overflow) = r.count.multipliedReportingOverflow(by: rowWidth)
        try checkPlausible(overflow ? .max : UInt64(max(0, total)))
        var out: [T] = []
        out.reserveCapacity(total)
        try forEachBlock(type, rows: r) { (block, _) throws(HDF5Error) in out.append(contentsOf: block) }
        return out
    }

    /// Streams `rows` (all by default) in blocks of `blockRows` rows through one reused buffer:
    /// memory stays bounded whatever the dataset's size. `body` gets the block's values
    /// (row-major) and its row range; the buffer is valid only during the call.
    /// - Throws: `HDF5Error` naming the dataset, or what `body` throws.
    public func forEachBlock<T: HDF5Real>(_ type: T.Type, rows range: Range<Int>? = nil, blockRows: Int? = nil,
                                          _ body: (UnsafeBufferPointer<T>, Range<Int>) throws(HDF5Error) -> Void) throws(HDF5Error) {
        try requireReadable()
        let r = range ?? 0..<rows
        guard r.lowerBound >= 0, r.upperBound <= rows else {
            throw HDF5Error(file: file.path, object: path, .rowsOutOfRange(lower: r.lowerBound, upper: r.upperBound, rows: rows))
        }
        // No values at all (a zero dimension after the first): nothing to read. Reading its
        // 2^40 empty rows a block at a time took minutes (fuzzing found it).
        if r.isEmpty || rowWidth == 0 { return }
        let (total, overflow) = r.count.multipliedReportingOverflow(by: rowWidth)
        try checkPlausible(overflow ? .max : UInt64(total))
        try checkChunkSizes()
        if blockRows == nil, try forEachChunkDirect(type, rows: r, body) { return }
        let step = max(1, blockRows ?? defaultBlockRows(elementSize: MemoryLayout<T>.size))
        let width = rowWidth
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, min(step, r.count) * width))
        defer { buffer.deallocate() }
        let fileSpace = H5Dget_space(id)
        defer { _ = H5Sclose(fileSpace) }
        var row = r.lowerBound
        while row < r.upperBound {
            let n = min(step, r.upperBound - row)
            let status: herr_t
            if shape.isEmpty {
                status = H5Dread(id, T.hdf5MemoryType, lt_h5s_all(), lt_h5s_all(), lt_h5p_default(), buffer.baseAddress)
            } else {
                var start = [hsize_t](repeating: 0, count: shape.count)
                var count = shape.map { hsize_t($0) }
                start[0] = hsize_t(row)
                count[0] = hsize_t(n)
                _ = H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
                let memSpace = H5Screate_simple(Int32(count.count), &count, nil)
                status = ZstdFilter.expectChunkBytes(fileChunkBytes) { H5Dread(id, T.hdf5MemoryType, memSpace, fileSpace, lt_h5p_default(), buffer.baseAddress) }
                _ = H5Sclose(memSpace)
            }
            guard status >= 0 else { throw HDF5Error(file: file.path, object: path, .readFailed(HDF5Library.errorStack())) }
            try body(UnsafeBufferPointer(rebasing: buffer[0..<(n * width)]), row..<(row + n))
            row += n
        }
    }
}

extension HDF5Dataset {
    /// The fast path for chunked datasets whose chunks span whole rows, whose file type is
    /// exactly `T`, and whose only filter is zstd (or none): each chunk's stored bytes are
    /// fetched with `H5Dread_chunk` (HDF5's global lock is held only for that I/O) and
    /// decompressed here, outside the lock, so several threads reading different files scale.
    /// Returns false (having read nothing) when the dataset does not qualify.
    func forEachChunkDirect<T: HDF5Real>(_ type: T.Type, rows r: Range<Int>,
                                         _ body: (UnsafeBufferPointer<T>, Range<Int>) throws(HDF5Error) -> Void) throws(HDF5Error) -> Bool {
        guard let chunkShape, !shape.isEmpty, Array(chunkShape.dropFirst()) == Array(shape.dropFirst()),
              filters.allSatisfy({ $0.id == ZstdFilter.id }), filters.count <= 1 else { return false }
        let tid = H5Dget_type(id)
        defer { _ = H5Tclose(tid) }
        guard H5Tequal(tid, T.hdf5MemoryType) > 0 else { return false }
        let chunkRows = chunkShape[0]
        let width = rowWidth
        let chunkBytes = chunkRows * width * MemoryLayout<T>.size
        // Every chunk the range touches must be allocated (an unwritten chunk means fill values).
        var offsets: [[hsize_t]] = []
        var sizes: [Int] = []
        var first = r.lowerBound / chunkRows * chunkRows
        let fileBytes = HDF5File.byteCount(of: file.path)
        while first < r.upperBound {
            var offset = [hsize_t(first)] + shape.dropFirst().map { _ in hsize_t(0) }
            var size: hsize_t = 0
            guard H5Dget_chunk_storage_size(id, &offset, &size) >= 0, size > 0, size <= fileBytes,
                  !filters.isEmpty || Int(size) == chunkBytes else {
                _ = HDF5Library.errorStack()
                return false
            }
            offsets.append(offset)
            sizes.append(Int(size))
            first += chunkRows
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { output.deallocate() }
        let stored = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, sizes.max() ?? 1), alignment: 16)
        defer { stored.deallocate() }
        let dctx = ZSTD_createDCtx()
        defer { ZSTD_freeDCtx(dctx) }
        for (k, var offset) in offsets.enumerated() {
            var mask: UInt32 = 0
            guard H5Dread_chunk(id, lt_h5p_default(), &offset, &mask, stored.baseAddress) >= 0 else {
                throw HDF5Error(file: file.path, object: path, .readFailed(HDF5Library.errorStack()))
            }
            let compressed = !filters.isEmpty && mask & 1 == 0
            if compressed {
                let n = ZSTD_decompressDCtx(dctx, output.baseAddress, chunkBytes, stored.baseAddress, sizes[k])
                guard ZSTD_isError(n) == 0, n == chunkBytes else {
                    let why = ZSTD_isError(n) != 0 ? String(cString: ZSTD_getErrorName(n)) : "\(n) bytes, expected \(chunkBytes)"
                    throw HDF5Error(file: file.path, object: path, .readFailed("zstd chunk at row \(offset[0]): \(why)"))
                }
            } else {
                guard sizes[k] >= chunkBytes else {
                    throw HDF5Error(file: file.path, object: path,
                                    .readFailed("unfiltered chunk at row \(offset[0]) stores \(sizes[k]) bytes where a chunk holds \(chunkBytes)"))
                }
                output.copyMemory(from: UnsafeRawBufferPointer(rebasing: stored[0..<chunkBytes]))
            }
            let chunkFirst = Int(offset[0])
            let lo = max(r.lowerBound, chunkFirst), hi = min(r.upperBound, chunkFirst + chunkRows, rows)
            let values = output.bindMemory(to: T.self)
            try body(UnsafeBufferPointer(rebasing: values[((lo - chunkFirst) * width)..<((hi - chunkFirst) * width)]), lo..<hi)
        }
        return true
    }
}
