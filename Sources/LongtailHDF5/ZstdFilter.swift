import CHDF5
import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// The zstd filter (registered id 32015, what `hdf5plugin.Zstd` writes), registered
/// in-process so files compressed with it read and write without any plugin on disk.
/// Each chunk is one plain zstd frame; `cd_values[0]` is the compression level.
enum ZstdFilter {
    static let id: H5Z_filter_t = 32015

    static func register() {
        if H5Zfilter_avail(id) > 0 { return }
        let name = UnsafePointer(strdupName("zstd (longtail, in-process)"))
        var cls = H5Z_class2_t(version: Int32(H5Z_CLASS_T_VERS), id: id, encoder_present: 1, decoder_present: 1,
                               name: name, can_apply: nil, set_local: nil, filter: filter)
        _ = H5Zregister(&cls)
    }

    private static func strdupName(_ s: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return p  // lives as long as the process: HDF5 keeps the pointer
    }

    /// The filter callback: decompresses (reverse) or compresses `*buf` in place, returning
    /// the number of valid bytes, or 0 on failure (HDF5's convention).
    static let filter: H5Z_func_t = { flags, cdCount, cdValues, nbytes, bufSize, buf in
        guard let buf, let input = buf.pointee, let bufSize else { return 0 }
        if flags & lt_h5z_flag_reverse() != 0 {
            let declared = ZSTD_getFrameContentSize(input, nbytes)
            if declared == ZSTD_CONTENTSIZE_ERROR { return 0 }
            // The chunk size the reading thread expects (`expectChunkBytes`): a frame that
            // decompresses to anything else is refused. libhdf5 1.10 copies a whole chunk out
            // of whatever the filter returns, so a short frame was a heap overflow.
            let expected = expectedChunkBytes
            if expected > 0 && declared != ZSTD_CONTENTSIZE_UNKNOWN && Int(clamping: declared) != expected { return 0 }
            var capacity = expected > 0 ? expected : declared == ZSTD_CONTENTSIZE_UNKNOWN ? max(nbytes * 4, 1 << 16) : Int(clamping: declared)
            if capacity > 1 << 30 { return 0 }
            while true {
                guard let out = H5allocate_memory(capacity, false) else { return 0 }
                let n = ZSTD_decompress(out, capacity, input, nbytes)
                if ZSTD_isError(n) == 0 && expected > 0 && n != expected { H5free_memory(out); return 0 }
                if ZSTD_isError(n) == 0 {
                    H5free_memory(input)
                    buf.pointee = out
                    bufSize.pointee = capacity
                    return n
                }
                H5free_memory(out)
                // Only an unknown content size can be too small; grow and retry.
                guard expected == 0, declared == ZSTD_CONTENTSIZE_UNKNOWN, ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall,
                      capacity < (1 << 31) else { return 0 }
                capacity *= 2
            }
        } else {
            let level = cdCount > 0 && cdValues != nil ? Int32(bitPattern: cdValues![0]) : 3
            let bound = ZSTD_compressBound(nbytes)
            guard let out = H5allocate_memory(bound, false) else { return 0 }
            // One context per thread, reused: `ZSTD_compress` would create and free one per
            // chunk (its tables cost more than a small chunk's compression). Same frames.
            let n = compressionContext().map { ZSTD_compressCCtx($0, out, bound, input, nbytes, level) }
                ?? ZSTD_compress(out, bound, input, nbytes, level)
            if ZSTD_isError(n) != 0 { H5free_memory(out); return 0 }
            H5free_memory(input)
            buf.pointee = out
            bufSize.pointee = bound
            return n
        }
    }

    /// Per thread: a compression context, freed when the thread ends.
    private static let contextKey: pthread_key_t = {
        var key = pthread_key_t()
        _ = pthread_key_create(&key) { p in _ = ZSTD_freeCCtx(OpaquePointer(p)) }
        return key
    }()

    private static func compressionContext() -> OpaquePointer? {
        if let p = pthread_getspecific(contextKey) { return OpaquePointer(p) }
        guard let c = ZSTD_createCCtx() else { return nil }
        _ = pthread_setspecific(contextKey, UnsafeRawPointer(c))
        return c
    }

    /// Per thread: the decompressed size of one chunk of the dataset being read (0: unknown).
    private static let expectedKey: pthread_key_t = {
        var key = pthread_key_t()
        _ = pthread_key_create(&key, nil)
        return key
    }()

    static var expectedChunkBytes: Int { Int(bitPattern: pthread_getspecific(expectedKey)) }

    /// Runs `body` (an `H5Dread`) with `bytes` as the chunk size the filter must produce.
    static func expectChunkBytes<R>(_ bytes: Int, _ body: () -> R) -> R {
        _ = pthread_setspecific(expectedKey, UnsafeRawPointer(bitPattern: bytes))
        defer { _ = pthread_setspecific(expectedKey, nil) }
        return body()
    }
}
