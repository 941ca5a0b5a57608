import CHDF5

/// An HDF5 file opened read-only.
///
/// HDF5 1.10 is built thread-safe with one global lock: calls from several threads
/// serialise inside the library. Longtail gives each worker its own files and reads
/// large blocks per call so little time is spent under the lock (see docs/hdf5.md).
public final class HDF5File: @unchecked Sendable {
    /// The path it was opened with.
    public let path: String
    let id: hid_t

    /// Opens `path` read-only.
    /// - Throws: `HDF5Error` — `.cannotOpen` (missing/unreadable), `.notHDF5`, `.corrupt`.
    public init(path: String) throws(HDF5Error) {
        HDF5Library.ensureReady()
        self.path = path
        guard access(path, R_OK) == 0 else {
            throw HDF5Error(file: path, .cannotOpen("no readable file at this path: \(String(cString: strerror(errno))) (errno \(errno))"))
        }
        let isHDF5 = H5Fis_hdf5(path)
        if isHDF5 == 0 { _ = H5Eclear2(lt_h5e_default()); throw HDF5Error(file: path, .notHDF5) }
        if isHDF5 < 0 { throw HDF5Error(file: path, .corrupt(HDF5Library.errorStack())) }
        // The root group's header is loaded as the file opens: checked first (`ObjectHeaderCheck`).
        if let problem = MappedFile.with(path: path, { ObjectHeaderCheck.rootProblem(in: $0) }) {
            throw HDF5Error(file: path, .corrupt("\(problem): a damaged file"))
        }
        let fid = H5Fopen(path, lt_h5f_acc_rdonly(), lt_h5p_default())
        guard fid >= 0 else { throw HDF5Error(file: path, .corrupt(HDF5Library.errorStack())) }
        id = fid
    }

    deinit { _ = H5Fclose(id) }

    private let heapLock = HeapCheckLock()

    /// The file's global heap collections, walked once (`GlobalHeapCheck`).
    func heaps() -> GlobalHeapCheck.Heaps {
        heapLock.value {
            guard let sizes = sizes() else { return GlobalHeapCheck.Heaps() }
            return MappedFile.with(path: path) { GlobalHeapCheck.walk($0, lengthSize: sizes.length) } ?? GlobalHeapCheck.Heaps()
        }
    }

    /// The superblock's user block (the base of every address), address and length sizes.
    private func sizes() -> (base: UInt64, address: Int, length: Int)? {
        let fcpl = H5Fget_create_plist(id)
        defer { _ = H5Pclose(fcpl) }
        var base: hsize_t = 0, addressSize = 0, lengthSize = 0
        guard H5Pget_userblock(fcpl, &base) >= 0, H5Pget_sizes(fcpl, &addressSize, &lengthSize) >= 0 else {
            _ = HDF5Library.errorStack()
            return nil
        }
        return (UInt64(base), addressSize, lengthSize)
    }

    /// Throws when one of the file's global heap collections would hang libhdf5 or make it
    /// read past the heap (see `GlobalHeapCheck`); called before any read of variable-length data.
    func checkGlobalHeap(object: String) throws(HDF5Error) {
        if let problem = heaps().problem { throw HDF5Error(file: path, object: object, .readFailed("\(problem): a damaged file")) }
    }

    /// What is wrong with the attribute messages of the object header at `headerAddress`
    /// (relative to the file's base, after any user block), or nil (`ObjectHeaderCheck`).
    func attributeMessageProblem(headerAddress: haddr_t) -> String? {
        guard let sizes = sizes(), sizes.address == 8, sizes.length == 8 else { return nil }
        let (address, overflow) = UInt64(headerAddress).addingReportingOverflow(sizes.base)
        guard !overflow else { return nil }
        let heaps = heaps()
        return MappedFile.with(path: path) { ObjectHeaderCheck.problem(in: $0, header: address, base: sizes.base, heaps: heaps) }
    }

    /// The size of the file at `path` in bytes (`UInt64.max` when it cannot be read, so
    /// that a bound against it refuses nothing).
    static func byteCount(of path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(max(0, st.st_size)) : .max
    }

    /// True when a link exists at `path` (every intermediate group checked first).
    public func exists(_ path: String) -> Bool {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(id, prefix, lt_h5p_default()) <= 0 { return false }
        }
        return true
    }

    /// Opens the dataset at `path`.
    /// - Throws: `.missingObject`, `.notADataset`, `.notNumeric`, `.missingFilter`, naming the dataset.
    public func dataset(_ path: String) throws(HDF5Error) -> HDF5Dataset {
        guard exists(path) else { throw HDF5Error(file: self.path, object: path, .missingObject) }
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(id, path, &info, UInt32(H5O_INFO_BASIC), lt_h5p_default()) >= 0 else {
            throw HDF5Error(file: self.path, object: path, .readFailed(HDF5Library.errorStack()))
        }
        guard info.type == H5O_TYPE_DATASET else { throw HDF5Error(file: self.path, object: path, .notADataset) }
        let did = H5Dopen2(id, path, lt_h5p_default())
        guard did >= 0 else { throw HDF5Error(file: self.path, object: path, .readFailed(HDF5Library.errorStack())) }
        return try HDF5Dataset(file: self, path: path, id: did)
    }

    /// One object found by `walk()`.
    public struct Node: Sendable {
        public enum Kind: Sendable { case group, dataset, other }
        public var path: String
        public var kind: Kind
    }

    /// The most objects `walk` lists (a hostile file can hold links without end).
    public static let maxNodes = 100_000

    /// Every group and dataset under `/`, depth first in name order. Each group is entered
    /// once, however many links lead to it (a hard link to an ancestor is a cycle), and at
    /// most `maxNodes` objects are listed.
    /// - Throws: `HDF5Error.readFailed` when a group cannot be listed or the file holds
    ///   more than `maxNodes` objects.
    public func walk(from root: String = "/") throws(HDF5Error) -> [Node] {
        var out: [Node] = []
        var pending = [root]
        var entered: Set<haddr_t> = []
        var rootInfo = H5O_info_t()
        if H5Oget_info_by_name2(id, root, &rootInfo, UInt32(H5O_INFO_BASIC), lt_h5p_default()) >= 0 { entered.insert(rootInfo.addr) }
        while let group = pending.popLast() {
            var children: [Node] = []
            for name in try childNames(of: group) {
                let child = group == "/" ? "/" + name : group + "/" + name
                var info = H5O_info_t()
                let kind: Node.Kind
                if H5Oget_info_by_name2(id, child, &info, UInt32(H5O_INFO_BASIC), lt_h5p_default()) < 0 {
                    _ = HDF5Library.errorStack()
                    kind = .other  // a dangling soft or external link
                } else {
                    kind = info.type == H5O_TYPE_GROUP ? .group : info.type == H5O_TYPE_DATASET ? .dataset : .other
                }
                // A group reached again (another link to it, or a cycle) is listed, not entered.
                if kind == .group && !entered.insert(info.addr).inserted {
                    children.append(Node(path: child, kind: .other))
                    continue
                }
                children.append(Node(path: child, kind: kind))
                guard out.count + children.count <= Self.maxNodes else {
                    throw HDF5Error(file: path, object: group, .readFailed("more than \(Self.maxNodes) objects: a damaged or hostile file"))
                }
            }
            // Depth first in name order: emit each child, and visit groups right after.
            var order: [Node] = []
            for c in children { order.append(c) }
            for c in order.reversed() where c.kind == .group { pending.append(c.path) }
            out += order
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Names of the links in a group, in name order.
    public func childNames(of group: String) throws(HDF5Error) -> [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        let gid = H5Gopen2(id, group, lt_h5p_default())
        guard gid >= 0 else { throw HDF5Error(file: path, object: group, .readFailed(HDF5Library.errorStack())) }
        defer { _ = H5Gclose(gid) }
        var index: hsize_t = 0
        let rc = H5Literate(gid, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, ctx in
            guard let name, let ctx else { return 0 }
            Unmanaged<Box>.fromOpaque(ctx).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
        guard rc >= 0 else { throw HDF5Error(file: path, object: group, .readFailed(HDF5Library.errorStack())) }
        return box.names
    }

    /// The attributes of the object at `path`.
    /// - Throws: `.missingObject` or `.readFailed`, naming the object.
    public func attributes(of path: String) throws(HDF5Error) -> [HDF5Attribute] {
        guard path == "/" || exists(path) else { throw HDF5Error(file: self.path, object: path, .missingObject) }
        let oid = H5Oopen(id, path, lt_h5p_default())
        guard oid >= 0 else { throw HDF5Error(file: self.path, object: path, .readFailed(HDF5Library.errorStack())) }
        defer { _ = H5Oclose(oid) }
        return try HDF5Attribute.readAll(of: oid, in: self, object: path)
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension HDF5File {
    /// True when `path` is a readable HDF5 file (signature check, no full open).
    public static func isHDF5(path: String) -> Bool {
        HDF5Library.ensureReady()
        let rc = H5Fis_hdf5(path)
        // A file that is not HDF5 can leave entries on this thread's error stack even when
        // the answer is "no"; left there, they keep libhdf5 from closing cleanly at exit.
        if rc < 0 { _ = HDF5Library.errorStack() } else { _ = H5Eclear2(lt_h5e_default()) }
        return rc > 0
    }
}

extension HDF5Dataset {
    /// A short type name: `float32`, `float64`, `int16`, `uint8`, `string`, ...
    public var typeName: String {
        switch typeClass {
        case "float": "float\(elementSize * 8)"
        case "integer": (isSigned ? "int" : "uint") + "\(elementSize * 8)"
        default: typeClass
        }
    }

    /// True when `Float` holds every value exactly (float32, and integers of up to 16 bits).
    public var fitsFloat32: Bool {
        (typeClass == "float" && elementSize <= 4) || (typeClass == "integer" && elementSize <= 2)
    }
}

/// The once-computed result of the global heap walk, behind a lock.
private final class HeapCheckLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var result: GlobalHeapCheck.Heaps?

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func value(_ compute: () -> GlobalHeapCheck.Heaps) -> GlobalHeapCheck.Heaps {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if let result { return result }
        let r = compute()
        result = r
        return r
    }
}
