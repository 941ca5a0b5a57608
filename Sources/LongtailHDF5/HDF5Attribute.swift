import CHDF5

/// An attribute's value, as numbers or strings.
public enum HDF5AttributeValue: Sendable, Equatable {
    case integers([Int64])
    case floats([Double])
    case strings([String])
    /// A type Longtail does not read (compound, enum, ...), by class name.
    case unsupported(String)

    /// The value as one string, when it is exactly one string (e.g. JSON in `env_args`).
    public var string: String? { if case .strings(let s) = self, s.count == 1 { return s[0] } else { return nil } }
}

/// One named attribute.
public struct HDF5Attribute: Sendable, Equatable {
    public var name: String
    public var value: HDF5AttributeValue

    static func readAll(of oid: hid_t, in h5: HDF5File, object: String) throws(HDF5Error) -> [HDF5Attribute] {
        let file = h5.path
        var info = H5O_info_t()
        guard H5Oget_info2(oid, &info, UInt32(H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS)) >= 0 else {
            throw HDF5Error(file: file, object: object, .readFailed(HDF5Library.errorStack()))
        }
        // libhdf5 1.10 trusts an attribute's name to end inside its message (it read past the
        // header's buffer on one that did not: fuzzing found it); the messages are checked first.
        if info.num_attrs > 0, let problem = h5.attributeMessageProblem(headerAddress: info.addr) {
            throw HDF5Error(file: file, object: object, .readFailed("\(problem): a damaged header"))
        }
        // Opening an attribute by index builds a table of all of them, and libhdf5 1.10, when
        // one fails to decode, frees table slots it never filled (a crash; fuzzing found it).
        // Asking for a name no attribute has decodes each of them on a path without a table:
        // one that fails is reported here, before any table is built.
        if info.num_attrs > 0, H5Aexists(oid, "\u{1}longtail-probe") < 0 {
            throw HDF5Error(file: file, object: object, .readFailed("the attributes do not decode (\(HDF5Library.errorStack())): a damaged header"))
        }
        var out: [HDF5Attribute] = []
        for i in 0..<info.num_attrs {
            let aid = H5Aopen_by_idx(oid, ".", H5_INDEX_NAME, H5_ITER_INC, i, lt_h5p_default(), lt_h5p_default())
            guard aid >= 0 else { throw HDF5Error(file: file, object: object, .readFailed(HDF5Library.errorStack())) }
            defer { _ = H5Aclose(aid) }
            let nameLength = H5Aget_name(aid, 0, nil)
            var nameBuffer = [CChar](repeating: 0, count: Int(nameLength) + 1)
            _ = H5Aget_name(aid, nameBuffer.count, &nameBuffer)
            let name = String(cString: nameBuffer)
            out.append(HDF5Attribute(name: name, value: try read(aid, in: h5, object: "\(object)@\(name)")))
        }
        return out
    }

    /// The most values Longtail reads from one attribute; larger ones are listed as unsupported.
    static let maxValues = 1 << 20

    static func read(_ aid: hid_t, in h5: HDF5File, object: String) throws(HDF5Error) -> HDF5AttributeValue {
        let file = h5.path
        let tid = H5Aget_type(aid)
        let sid = H5Aget_space(aid)
        defer { _ = H5Tclose(tid); _ = H5Sclose(sid) }
        let n = max(0, Int(H5Sget_simple_extent_npoints(sid)))
        func fail() -> HDF5Error { HDF5Error(file: file, object: object, .readFailed(HDF5Library.errorStack())) }
        // The count is the file's word: a damaged header declaring 2^31 variable-length
        // strings made libhdf5 allocate 16 GiB and walk the global heap for minutes (fuzzing
        // found both). An attribute's values are stored in the file, so they cannot outweigh
        // it; and Longtail reads attributes as metadata, so a larger one is named, not read.
        let (stored, overflow) = n.multipliedReportingOverflow(by: max(1, H5Tget_size(tid)))
        if overflow || UInt64(stored) > HDF5File.byteCount(of: file) {
            throw HDF5Error(file: file, object: object,
                            .readFailed("the attribute declares \(n) values, more than the file's bytes hold: a damaged header"))
        }
        if n > maxValues { return .unsupported("\(n) values (Longtail reads attributes of up to \(maxValues))") }
        switch H5Tget_class(tid) {
        case H5T_INTEGER:
            var v = [Int64](repeating: 0, count: n)
            guard n == 0 || H5Aread(aid, lt_h5t_native_int64(), &v) >= 0 else { throw fail() }
            return .integers(v)
        case H5T_FLOAT:
            var v = [Double](repeating: 0, count: n)
            guard n == 0 || H5Aread(aid, lt_h5t_native_double(), &v) >= 0 else { throw fail() }
            return .floats(v)
        case H5T_STRING:
            if H5Tis_variable_str(tid) > 0 {
                try h5.checkGlobalHeap(object: object)
                var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
                let mem = H5Tcopy(tid)
                defer { _ = H5Tclose(mem) }
                guard n == 0 || H5Aread(aid, mem, &ptrs) >= 0 else { throw fail() }
                let strings = ptrs.map { $0.map { String(cString: $0) } ?? "" }
                for p in ptrs { if let p { H5free_memory(p) } }
                return .strings(strings)
            }
            let size = H5Tget_size(tid)
            var bytes = [UInt8](repeating: 0, count: size * n + 1)
            guard n == 0 || H5Aread(aid, tid, &bytes) >= 0 else { throw fail() }
            return .strings((0..<n).map { i in
                let slice = bytes[(i * size)..<((i + 1) * size)]
                let end = slice.firstIndex(of: 0) ?? slice.endIndex
                return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
            })
        default:
            return .unsupported(HDF5Dataset.className(H5Tget_class(tid)))
        }
    }
}
