import CLZ4
import CZstd

/// How a writer compresses its chunks.
public enum ChunkCompression: Sendable, Equatable {
    case none
    case zstd(level: Int32)
    case lz4

    /// The name MCAP records use for it.
    public var name: String {
        switch self {
        case .none: ""
        case .zstd: "zstd"
        case .lz4: "lz4"
        }
    }
}

/// Compresses chunk payloads, reusing one zstd context.
final class ChunkCompressor {
    private var zstd: OpaquePointer?
    private var output: [UInt8] = []

    deinit { if let zstd { ZSTD_freeCCtx(zstd) } }

    /// Compresses `input`; the result is valid until the next call.
    func compress(_ input: UnsafeRawBufferPointer, with compression: ChunkCompression) throws(MCAPError.Reason) -> ArraySlice<UInt8> {
        switch compression {
        case .none:
            output.removeAll(keepingCapacity: true)
            output.append(contentsOf: input)
            return output[...]
        case .zstd(let level):
            if zstd == nil { zstd = ZSTD_createCCtx() }
            let bound = ZSTD_compressBound(input.count)
            if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
            let n = output.withUnsafeMutableBytes { out in
                ZSTD_compressCCtx(zstd, out.baseAddress, out.count, input.baseAddress, input.count, level)
            }
            if ZSTD_isError(n) != 0 {
                throw .decompressionFailed(compression: "zstd", detail: "compression: " + String(cString: ZSTD_getErrorName(n)))
            }
            return output[0..<n]
        case .lz4:
            let bound = LZ4F_compressFrameBound(input.count, nil)
            if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
            let n = output.withUnsafeMutableBytes { out in
                LZ4F_compressFrame(out.baseAddress, out.count, input.baseAddress, input.count, nil)
            }
            if LZ4F_isError(n) != 0 {
                throw .decompressionFailed(compression: "lz4", detail: "compression: " + String(cString: LZ4F_getErrorName(n)))
            }
            return output[0..<n]
        }
    }
}
