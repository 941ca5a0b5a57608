import CHDF5

#if canImport(Glibc)
import Glibc
#endif

/// Element types the writer stores.
public protocol HDF5Writable: Sendable {
    static var hdf5MemoryType: hid_t { get }
}
extension Int8: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_int8() } }
extension Int16: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_int16() } }
extension Int32: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_int32() } }
extension Int64: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_int64() } }
extension UInt8: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_uint8() } }
extension UInt16: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_uint16() } }
extension UInt32: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_uint32() } }
extension UInt64: HDF5Writable { public static var hdf5MemoryType: hid_t { lt_h5t_native_uint64() } }
extension Float: HDF5Writable {}
extension Double: HDF5Writable {}

/// How the writer compresses a chunked dataset.
public enum HDF5Compression: Sendable, Equatable {
    case none
    /// zstd (filter 32015, as hdf5plugin writes it) at `level`.
    case zstd(level: Int32)
    /// deflate (gzip) at `level`; slow to write (~37 MB/s), prefer zstd.
    case deflate(level: UInt32)
}

/// Writes an HDF5 file in the 1.10 format (which h5py and HDF5 1.10 both read).
///
/// The file is written under a temporary name and renamed into place by `close()`, so a
/// killed run never leaves half a file at `path`.
public final class HDF5Writer {
    public let path: String
    private let temporaryPath: String
    private var id: hid_t

    /// Creates the file.
    /// - Throws: `HDF5Error.writeFailed` naming the path.
    public init(path: String) throws(HDF5Error) {
        HDF5Library.ensureReady()
        self.path = path
        temporaryPath = path + ".partial-\(getpid())"
        let fapl = H5Pcreate(lt_h5p_file_access())
        defer { _ = H5Pclose(fapl) }
        _ = H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V110)
        // Closing the file closes every dataset still open, so `close()` really finishes it.
        _ = H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
        id = H5Fcreate(temporaryPath, lt_h5f_acc_trunc(), lt_h5p_default(), fapl)
        guard id >= 0 else { throw HDF5Error(file: path, .writeFailed(Self.diskHint(path) + HDF5Library.errorStack())) }
    }

    deinit {
        if id >= 0 { _ = H5Fclose(id); unlink(temporaryPath) }
    }

    private func fail(_ object: String?) -> HDF5Error {
        HDF5Error(file: path, object: object, .writeFailed(Self.diskHint(path) + HDF5Library.errorStack()))
    }

    /// "no space left on the device (12 KiB free); " when the file system holding `path` is
    /// (nearly) full: libhdf5's own messages do not say so.
    static func diskHint(_ path: String) -> String {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var st = statvfs()
        guard statvfs(dir.isEmpty ? "/" : dir, &st) == 0 else { return "" }
        let free = UInt64(st.f_bavail) * UInt64(st.f_frsize)
        return free < 1 << 20 ? "no space left on the device (\(free >> 10) KiB free); " : ""
    }

    /// A link-creation property list that creates missing intermediate groups.
    private func linkPlist() -> hid_t {
        let lcpl = H5Pcreate(lt_h5p_link_create())
        _ = H5Pset_create_intermediate_group(lcpl, 1)
        return lcpl
    }

    /// Creates a group (and its missing parents).
    public func createGroup(_ group: String) throws(HDF5Error) {
        let lcpl = linkPlist()
        let gcpl = H5Pcreate(lt_h5p_group_create())
        _ = H5Pset_obj_track_times(gcpl, false)
        defer { _ = H5Pclose(lcpl); _ = H5Pclose(gcpl) }
        let gid = H5Gcreate2(id, group, lcpl, gcpl, lt_h5p_default())
        guard gid >= 0 else { throw fail(group) }
        _ = H5Gclose(gid)
    }

    /// Writes a whole dataset. `chunkRows` nil writes contiguous storage (no compression).
    /// - Throws: `HDF5Error` naming the dataset when the shape and values disagree or HDF5 fails.
    public func writeDataset<T: HDF5Writable>(_ dataset: String, values: [T], shape: [Int], chunkRows: Int? = nil,
                                              compression: HDF5Compression = .zstd(level: 3),
                                              shuffle: Bool = false) throws(HDF5Error) {
        guard shape.reduce(1, *) == values.count else {
            throw HDF5Error(file: path, object: dataset,
                            .invalidArgument("shape \(shape) holds \(shape.reduce(1, *)) values, \(values.count) given"))
        }
        let appender = try HDF5AppendableDataset<T>(writer: self, fileID: id, path: dataset, rowShape: Array(shape.dropFirst()),
                                                     chunkRows: chunkRows, fixedRows: shape.first ?? 1,
                                                     compression: compression, shuffle: shuffle)
        var result: Result<Void, HDF5Error> = .success(())
        values.withUnsafeBufferPointer { b in result = Result { () throws(HDF5Error) in try appender.append(b) } }
        try result.get()
    }

    /// Opens a chunked dataset that grows along its first dimension as rows are appended.
    public func appendableDataset<T: HDF5Writable>(_ dataset: String, of type: T.Type, rowShape: [Int], chunkRows: Int,
                                                   compression: HDF5Compression = .zstd(level: 3),
                                                   shuffle: Bool = false) throws(HDF5Error) -> HDF5AppendableDataset<T> {
        try HDF5AppendableDataset<T>(writer: self, fileID: id, path: dataset, rowShape: rowShape, chunkRows: chunkRows,
                                     fixedRows: nil, compression: compression, shuffle: shuffle)
    }

    /// Writes a scalar UTF-8 string dataset (h5py reads it as `bytes`/`str`).
    public func writeString(_ dataset: String, _ value: String) throws(HDF5Error) {
        let tid = H5Tcopy(lt_h5t_c_s1())
        _ = H5Tset_size(tid, lt_h5t_variable())
        _ = H5Tset_cset(tid, H5T_CSET_UTF8)
        let sid = H5Screate(H5S_SCALAR)
        let lcpl = linkPlist()
        let dcpl = H5Pcreate(lt_h5p_dataset_create())
        _ = H5Pset_obj_track_times(dcpl, false)
        defer { _ = H5Tclose(tid); _ = H5Sclose(sid); _ = H5Pclose(lcpl); _ = H5Pclose(dcpl) }
        let did = H5Dcreate2(id, dataset, tid, sid, lcpl, dcpl, lt_h5p_default())
        guard did >= 0 else { throw fail(dataset) }
        defer { _ = H5Dclose(did) }
        var pointer: [UnsafeMutablePointer<CChar>?] = [strdup(value)]
        defer { free(pointer[0]) }
        guard H5Dwrite(did, tid, lt_h5s_all(), lt_h5s_all(), lt_h5p_default(), &pointer) >= 0 else { throw fail(dataset) }
    }

    /// Sets an attribute on the object at `object` ("/" for the file). One string is written
    /// as a scalar (what h5py writes for `attrs[k] = "..."`) unless `array`: then strings are
    /// always a 1-D array, of any length (a list of names reads as a list whatever its length).
    public func setAttribute(_ name: String, on object: String = "/", _ value: HDF5AttributeValue, array: Bool = false) throws(HDF5Error) {
        let oid = H5Oopen(id, object, lt_h5p_default())
        guard oid >= 0 else { throw fail(object) }
        defer { _ = H5Oclose(oid) }
        if H5Aexists(oid, name) > 0 { _ = H5Adelete(oid, name) }
        func space(_ n: Int) -> hid_t {
            var dims = [hsize_t(n)]
            return H5Screate_simple(1, &dims, nil)
        }
        var status: herr_t = -1
        switch value {
        case .integers(let v):
            let sid = space(v.count)
            let aid = H5Acreate2(oid, name, lt_h5t_native_int64(), sid, lt_h5p_default(), lt_h5p_default())
            status = aid < 0 ? -1 : H5Awrite(aid, lt_h5t_native_int64(), v)
            _ = H5Aclose(aid); _ = H5Sclose(sid)
        case .floats(let v):
            let sid = space(v.count)
            let aid = H5Acreate2(oid, name, lt_h5t_native_double(), sid, lt_h5p_default(), lt_h5p_default())
            status = aid < 0 ? -1 : H5Awrite(aid, lt_h5t_native_double(), v)
            _ = H5Aclose(aid); _ = H5Sclose(sid)
        case .strings(let v):
            let tid = H5Tcopy(lt_h5t_c_s1())
            _ = H5Tset_size(tid, lt_h5t_variable())
            _ = H5Tset_cset(tid, H5T_CSET_UTF8)
            let sid = v.count == 1 && !array ? H5Screate(H5S_SCALAR) : space(v.count)
            let aid = H5Acreate2(oid, name, tid, sid, lt_h5p_default(), lt_h5p_default())
            var cstrings = v.map { strdup($0) }
            status = aid < 0 ? -1 : H5Awrite(aid, tid, &cstrings)
            for p in cstrings { free(p) }
            _ = H5Aclose(aid); _ = H5Sclose(sid); _ = H5Tclose(tid)
        case .unsupported(let what):
            throw HDF5Error(file: path, object: object, .invalidArgument("cannot write an attribute of type \(what)"))
        }
        guard status >= 0 else { throw fail("\(object)@\(name)") }
    }

    /// Closes the file and renames it into place.
    /// - Throws: `HDF5Error.writeFailed` naming the path.
    public func close() throws(HDF5Error) {
        guard id >= 0 else { return }
        let rc = H5Fclose(id)
        id = -1
        guard rc >= 0 else { unlink(temporaryPath); throw fail(nil) }
        guard rename(temporaryPath, path) == 0 else {
            throw HDF5Error(file: path, .writeFailed("rename into place failed: \(String(cString: strerror(errno))) (errno \(errno))"))
        }
    }
}

/// A dataset written row block by row block (extendible along its first dimension when
/// it has no fixed row count).
public final class HDF5AppendableDataset<T: HDF5Writable> {
    public let path: String
    private let writer: HDF5Writer
    private let id: hid_t
    private let rowShape: [Int]
    private let rowWidth: Int
    private let extendible: Bool
    /// Rows written so far.
    public private(set) var rows = 0

    init(writer: HDF5Writer, fileID: hid_t, path: String, rowShape: [Int], chunkRows: Int?, fixedRows: Int?,
         compression: HDF5Compression, shuffle: Bool) throws(HDF5Error) {
        self.writer = writer
        self.path = path
        self.rowShape = rowShape
        rowWidth = rowShape.reduce(1, *)
        extendible = fixedRows == nil
        func fail() -> HDF5Error { HDF5Error(file: writer.path, object: path, .writeFailed(HDF5Writer.diskHint(writer.path) + HDF5Library.errorStack())) }
        var dims = [hsize_t(fixedRows ?? 0)] + rowShape.map { hsize_t($0) }
        var maxDims = [extendible ? hsize_t.max : hsize_t(fixedRows!)] + rowShape.map { hsize_t($0) }
        let sid = H5Screate_simple(Int32(dims.count), &dims, &maxDims)
        defer { _ = H5Sclose(sid) }
        let dcpl = H5Pcreate(lt_h5p_dataset_create())
        defer { _ = H5Pclose(dcpl) }
        // No modification times in object headers: the same data gives the same bytes.
        _ = H5Pset_obj_track_times(dcpl, false)
        if let chunkRows {
            var chunk = [hsize_t(max(1, chunkRows))] + rowShape.map { hsize_t(max(1, $0)) }
            if !extendible { chunk[0] = min(chunk[0], max(1, dims[0])) }
            _ = H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
            if shuffle { _ = H5Pset_shuffle(dcpl) }
            switch compression {
            case .none: break
            case .deflate(let level): _ = H5Pset_deflate(dcpl, level)
            case .zstd(let level):
                var cd = [UInt32(bitPattern: level)]
                _ = H5Pset_filter(dcpl, ZstdFilter.id, UInt32(H5Z_FLAG_MANDATORY), 1, &cd)
            }
        } else if extendible {
            throw HDF5Error(file: writer.path, object: path, .invalidArgument("an appendable dataset needs chunkRows"))
        }
        let lcpl = H5Pcreate(lt_h5p_link_create())
        _ = H5Pset_create_intermediate_group(lcpl, 1)
        defer { _ = H5Pclose(lcpl) }
        id = H5Dcreate2(fileID, path, T.hdf5MemoryType, sid, lcpl, dcpl, lt_h5p_default())
        guard id >= 0 else { throw fail() }
    }

    deinit { _ = H5Dclose(id) }

    /// Appends whole rows (row-major; a multiple of the row width).
    /// - Throws: `HDF5Error` naming the dataset.
    public func append(_ values: UnsafeBufferPointer<T>) throws(HDF5Error) {
        guard rowWidth > 0, values.count % rowWidth == 0 else {
            throw HDF5Error(file: writer.path, object: path,
                            .invalidArgument("\(values.count) values are not whole rows of \(rowWidth)"))
        }
        let n = values.count / rowWidth
        if n == 0 { return }
        func fail() -> HDF5Error { HDF5Error(file: writer.path, object: path, .writeFailed(HDF5Writer.diskHint(writer.path) + HDF5Library.errorStack())) }
        if extendible {
            var newDims = [hsize_t(rows + n)] + rowShape.map { hsize_t($0) }
            guard H5Dset_extent(id, &newDims) >= 0 else { throw fail() }
        }
        let fileSpace = H5Dget_space(id)
        defer { _ = H5Sclose(fileSpace) }
        var start = [hsize_t(rows)] + rowShape.map { _ in hsize_t(0) }
        var count = [hsize_t(n)] + rowShape.map { hsize_t($0) }
        _ = H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
        let memSpace = H5Screate_simple(Int32(count.count), &count, nil)
        defer { _ = H5Sclose(memSpace) }
        guard H5Dwrite(id, T.hdf5MemoryType, memSpace, fileSpace, lt_h5p_default(), values.baseAddress) >= 0 else { throw fail() }
        rows += n
    }
}
