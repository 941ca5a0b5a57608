import CBZ2
import CLZ4

/// Decompresses bag chunks into a buffer it reuses. The chunk header's `size` is only a
/// bound: the buffer grows as output arrives (never past `size`, never ahead of the data),
/// and anything but exactly `size` bytes of output is an error.
final class ChunkInflater {
    /// Output storage (manually managed, so views of it stay valid until the next call).
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    deinit { storage?.deallocate() }

    private func reserve(_ n: Int) {
        guard n > capacity else { return }
        let next = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 16)
        if let old = storage {
            next.copyMemory(from: old, byteCount: capacity)
            old.deallocate()
        }
        storage = next
        capacity = n
    }

    /// The uncompressed bytes of a chunk, valid until the next call.
    func inflate(_ input: UnsafeRawBufferPointer, compression: String, size: Int) throws(BagError.Kind) -> UnsafeRawBufferPointer {
        if size == 0 && compression != "none" {
            guard compression == "bz2" || compression == "lz4" else { throw .unsupportedCompression(compression) }
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        switch compression {
        case "none":
            guard input.count == size else {
                throw .malformed(what: "chunk", detail: "uncompressed chunk of \(input.count) bytes declares size \(size)")
            }
            return input
        case "bz2": return try bz2(input, size: size)
        case "lz4": return try lz4(input, size: size)
        default: throw .unsupportedCompression(compression)
        }
    }

    /// The first capacity to try: what the input could plausibly give, at most `size`.
    private func initial(_ input: Int, _ size: Int) -> Int { min(size, max(1 << 16, input &* 8)) }

    private func grow(_ filled: Int, size: Int) {
        reserve(min(size, max(capacity &* 2, filled + (1 << 16))))
    }

    private func bz2(_ input: UnsafeRawBufferPointer, size: Int) throws(BagError.Kind) -> UnsafeRawBufferPointer {
        var s = bz_stream()
        guard BZ2_bzDecompressInit(&s, 0, 0) == BZ_OK else { throw .decompression(compression: "bz2", detail: "init failed") }
        defer { BZ2_bzDecompressEnd(&s) }
        reserve(initial(input.count, size))
        var filled = 0, consumed = 0
        while true {
            let avail = min(capacity, size) - filled
            if avail == 0 {
                if filled >= size { break }
                grow(filled, size: size)
                continue
            }
            var rc: Int32 = 0
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            s.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) + consumed })
            s.avail_in = UInt32(inChunk)
            s.next_out = storage!.assumingMemoryBound(to: CChar.self) + filled
            s.avail_out = UInt32(min(avail, Int(UInt32.max)))
            rc = BZ2_bzDecompress(&s)
            consumed = inChunk - Int(s.avail_in) + consumed
            filled += min(avail, Int(UInt32.max)) - Int(s.avail_out)
            if rc == BZ_STREAM_END { break }
            guard rc == BZ_OK else { throw .decompression(compression: "bz2", detail: "libbz2 error \(rc)") }
            if consumed >= input.count && s.avail_out > 0 {
                throw .decompression(compression: "bz2", detail: "data ends after \(filled) of \(size) bytes")
            }
        }
        guard filled == size else { throw .decompression(compression: "bz2", detail: "gave \(filled) bytes, the chunk declares \(size)") }
        return UnsafeRawBufferPointer(start: storage, count: size)
    }

    private func lz4(_ input: UnsafeRawBufferPointer, size: Int) throws(BagError.Kind) -> UnsafeRawBufferPointer {
        var ctx: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))) == 0, let ctx else {
            throw .decompression(compression: "lz4", detail: "context failed")
        }
        defer { LZ4F_freeDecompressionContext(ctx) }
        reserve(initial(input.count, size))
        var filled = 0, consumed = 0
        while consumed < input.count {
            if filled == min(capacity, size) {
                if filled >= size { break }
                grow(filled, size: size)
            }
            var outSize = min(capacity, size) - filled
            var inSize = input.count - consumed
            let hint = LZ4F_decompress(ctx, storage! + filled, &outSize, input.baseAddress! + consumed, &inSize, nil)
            if LZ4F_isError(hint) != 0 {
                throw .decompression(compression: "lz4", detail: String(cString: LZ4F_getErrorName(hint)))
            }
            filled += outSize
            consumed += inSize
            if hint == 0 { break }   // frame complete
            if inSize == 0 && outSize == 0 { throw .decompression(compression: "lz4", detail: "no progress after \(filled) bytes") }
        }
        guard filled == size else { throw .decompression(compression: "lz4", detail: "gave \(filled) bytes, the chunk declares \(size)") }
        return UnsafeRawBufferPointer(start: storage, count: size)
    }
}
