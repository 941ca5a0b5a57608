import CLZ4
import CZstd

/// Decompresses chunk payloads into a caller-provided buffer, reusing its contexts.
///
/// One instance per reader (not thread-safe); the zstd and lz4 contexts are created
/// on first use and freed on deinit.
final class ChunkDecompressor {
    private var zstd: OpaquePointer?
    private var lz4: OpaquePointer?

    deinit {
        if let zstd { ZSTD_freeDCtx(zstd) }
        if let lz4 { LZ4F_freeDecompressionContext(lz4) }
    }

    /// Decompresses `input` into exactly `output.count` bytes.
    /// - Throws: a reason on unknown compression, decoder error or size mismatch.
    /// The decompressed size the compressed bytes themselves state, when they state one:
    /// uncompressed chunks their length, zstd frames their content size field.
    func contentSize(compression: String, input: UnsafeRawBufferPointer) -> UInt64? {
        switch compression {
        case "": return UInt64(input.count)
        case "zstd":
            guard let base = input.baseAddress else { return 0 }
            let n = ZSTD_getFrameContentSize(base, input.count)
            // ZSTD_CONTENTSIZE_UNKNOWN (2^64-1) and _ERROR (2^64-2): no statement.
            return n >= UInt64.max - 1 ? nil : n
        default: return nil
        }
    }

    func decompress(compression: String, input: UnsafeRawBufferPointer,
                    output: UnsafeMutableRawBufferPointer) throws(MCAPError.Reason) {
        switch compression {
        case "":
            guard input.count == output.count else {
                throw .decompressionFailed(compression: "none",
                                           detail: "uncompressed_size \(output.count) but \(input.count) record bytes")
            }
            if input.count > 0 { output.baseAddress!.copyMemory(from: input.baseAddress!, byteCount: input.count) }
        case "zstd":
            if zstd == nil { zstd = ZSTD_createDCtx() }
            let n = ZSTD_decompressDCtx(zstd, output.baseAddress, output.count, input.baseAddress, input.count)
            if ZSTD_isError(n) != 0 {
                throw .decompressionFailed(compression: "zstd", detail: String(cString: ZSTD_getErrorName(n)))
            }
            guard n == output.count else {
                throw .decompressionFailed(compression: "zstd",
                                           detail: "produced \(n) bytes, uncompressed_size says \(output.count)")
            }
        case "lz4":
            if lz4 == nil {
                var ctx: OpaquePointer?
                let rc = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
                if LZ4F_isError(rc) != 0 { throw .decompressionFailed(compression: "lz4", detail: "context creation") }
                lz4 = ctx
            }
            LZ4F_resetDecompressionContext(lz4)
            var produced = 0
            var consumed = 0
            while true {
                var dstSize = output.count - produced
                var srcSize = input.count - consumed
                let rc = LZ4F_decompress(lz4, output.baseAddress.map { $0 + produced }, &dstSize,
                                         input.baseAddress.map { $0 + consumed }, &srcSize, nil)
                if LZ4F_isError(rc) != 0 {
                    throw .decompressionFailed(compression: "lz4", detail: String(cString: LZ4F_getErrorName(rc)))
                }
                produced += dstSize
                consumed += srcSize
                if rc == 0 { break }  // frame complete
                if srcSize == 0 && dstSize == 0 {
                    throw .decompressionFailed(compression: "lz4",
                                               detail: "frame incomplete after \(consumed) bytes (or output larger than uncompressed_size \(output.count))")
                }
            }
            guard produced == output.count else {
                throw .decompressionFailed(compression: "lz4",
                                           detail: "produced \(produced) bytes, uncompressed_size says \(output.count)")
            }
        default:
            throw .unsupportedCompression(compression)
        }
    }
}
