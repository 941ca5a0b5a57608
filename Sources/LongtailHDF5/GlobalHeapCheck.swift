#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a file's global heap collections before libhdf5 reads from them.
///
/// Variable-length strings live in global heap collections ("GCOL"). libhdf5 1.10 walks a
/// collection's objects by their recorded sizes; a free-space object of size 0 (or one that
/// points backwards) never advances, and `H5Aread` loops for ever (fuzzing found it; h5py
/// hangs on the same file); an object recording more bytes than its collection holds is
/// copied past the heap. The walk is repeated here, over every collection in the file, and
/// a collection with an object that does not fit is refused before any variable-length read.
enum GlobalHeapCheck {
    /// What the walk found: the first problem, and the objects each sound collection holds
    /// (collection address → object indices above 0).
    struct Heaps: Sendable {
        var problem: String?
        var objects: [UInt64: Set<UInt16>] = [:]
        /// Collections that do not walk, by file offset, and why.
        var broken: [UInt64: String] = [:]
    }

    /// The walk over an in-memory image of the file (`lengthSize`: the superblock's size of lengths).
    static func walk(_ bytes: UnsafeRawBufferPointer, lengthSize: Int) -> Heaps {
        var heaps = Heaps()
        guard let base = bytes.baseAddress, lengthSize == 4 || lengthSize == 8 else { return heaps }
        let headerSize = 8 + lengthSize, objectHeaderSize = 8 + lengthSize
        func length(at o: Int) -> UInt64 {
            lengthSize == 8 ? bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian
                            : UInt64(bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
        }
        var from = 0
        scan: while from + headerSize <= bytes.count {
            guard let hit = memchr(base + from, 0x47, bytes.count - from) else { break }  // "G"
            let start = base.distance(to: UnsafeRawPointer(hit))
            from = start + 1
            guard start + headerSize <= bytes.count, bytes[start + 1] == 0x43, bytes[start + 2] == 0x4F,
                  bytes[start + 3] == 0x4C, bytes[start + 4] == 1 else { continue }  // "COL", version 1
            let declared = length(at: start + 8)
            // libhdf5 reads only what the file holds; a collection past the end fails to load.
            guard declared <= UInt64(bytes.count - start) else { continue }
            let end = start + Int(declared)
            var p = start + headerSize
            var indices = Set<UInt16>()
            while p < end {
                guard p + objectHeaderSize <= end else { break }
                let index = bytes.loadUnaligned(fromByteOffset: p, as: UInt16.self).littleEndian
                let size = length(at: p + 8)
                // An object (index > 0) takes its header and its size rounded up to 8 bytes;
                // the free space (index 0) takes its recorded size, header included.
                let need: UInt64 = index > 0
                    ? UInt64(objectHeaderSize).addingReportingOverflow((size.addingReportingOverflow(7).partialValue) & ~7).partialValue
                    : size
                // Every object fits what is left of its collection: libhdf5 copies an object's
                // recorded size out of it (an object recording more read past the heap:
                // fuzzing found it), and a free space of size 0 never advances (a hang).
                // (The size itself, too: near 2^64 it wraps the rounded `need` to a few bytes,
                // as libhdf5's own arithmetic does, and the copy takes the size.)
                guard need > 0, need <= UInt64(end - p), size <= UInt64(end - p) else {
                    let why = "global heap collection at byte \(start): object \(index) at byte \(p) records size \(size), which does not fit the collection's \(declared) bytes"
                    if heaps.problem == nil { heaps.problem = why }
                    heaps.broken[UInt64(start)] = why
                    continue scan
                }
                if index > 0 { indices.insert(index) }
                p += Int(need)
            }
            heaps.objects[UInt64(start)] = indices
        }
        return heaps
    }
}
