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
/// hangs on the same file). The walk is repeated here, over every collection in the file,
/// and a collection that would not terminate is refused before any variable-length read.
enum GlobalHeapCheck {
    /// nil when every collection walks to its end; otherwise why one does not.
    static func problem(inFile path: String, lengthSize: Int) -> String? {
        MappedFile.with(path: path) { problem(in: $0, lengthSize: lengthSize) }
    }

    /// The walk over an in-memory image of the file (`lengthSize`: the superblock's size of lengths).
    static func problem(in bytes: UnsafeRawBufferPointer, lengthSize: Int) -> String? {
        guard let base = bytes.baseAddress, lengthSize == 4 || lengthSize == 8 else { return nil }
        let headerSize = 8 + lengthSize, objectHeaderSize = 8 + lengthSize
        func length(at o: Int) -> UInt64 {
            lengthSize == 8 ? bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian
                            : UInt64(bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
        }
        var from = 0
        while from + headerSize <= bytes.count {
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
            while p < end {
                guard p + objectHeaderSize <= end else { break }
                let index = bytes.loadUnaligned(fromByteOffset: p, as: UInt16.self).littleEndian
                let size = length(at: p + 8)
                // An object (index > 0) takes its header and its size rounded up to 8 bytes;
                // the free space (index 0) takes its recorded size, header included.
                let need: UInt64 = index > 0
                    ? UInt64(objectHeaderSize).addingReportingOverflow((size.addingReportingOverflow(7).partialValue) & ~7).partialValue
                    : size
                guard need > 0, need <= UInt64(end - p) || index > 0 else {
                    return "global heap collection at byte \(start): object \(index) at byte \(p) records size \(size), which does not fit the collection's \(declared) bytes"
                }
                if need > UInt64(end - p) { break }
                p += Int(need)
            }
        }
        return nil
    }
}
