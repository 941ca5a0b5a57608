import LongtailBag
import LongtailCore
import LongtailMCAP

/// Decodes every numeric field of every message of a ROS 1 bag into columns, as the scanner
/// does: chunks decompressed one at a time into a reused buffer, one compiled
/// `CDRColumnExtractor` (ROS 1 wire) per connection, 128-row column blocks handed on when full.
enum BagDecode {
    static func run(path: String, blockRows: Int) throws -> Decode.Result {
        var result = Decode.Result()
        final class ConnectionDecoder {
            let extractor: CDRColumnExtractor
            let block: ColumnBlock
            let ragged: RaggedColumns?
            init(_ x: CDRColumnExtractor, rows: Int) {
                extractor = x
                block = ColumnBlock(names: x.scalarNames, capacity: rows)
                ragged = x.raggedNames.isEmpty ? nil : RaggedColumns(names: x.raggedNames)
            }
        }
        // Connection id → decoder, unretained (the strong references live in `keep`), so a
        // message costs no reference counting.
        var keep: [ConnectionDecoder] = []
        let decoders = UnsafeMutablePointer<Unmanaged<ConnectionDecoder>?>.allocate(capacity: 65536)
        decoders.initialize(repeating: nil, count: 65536)
        defer { decoders.deallocate(); withExtendedLifetime(keep) {} }
        func drain(_ block: ColumnBlock, _ ragged: RaggedColumns?) { Decode.drain(block, ragged, into: &result) }
        let reader = try BagReader(path: path)
        try reader.forEach { (event) throws(BagError) in
            switch event {
            case .connection(let c):
                guard c.id < 65536 else { return }
                do throws(ROS2SchemaError) {
                    let d = ConnectionDecoder(CDRColumnExtractor(plan: try CDRPlan(ros1msgNamed: c.type, text: c.messageDefinition)), rows: blockRows)
                    keep.append(d)
                    decoders[Int(c.id)] = Unmanaged.passUnretained(d)
                } catch { throw BagError(.malformed(what: "connection \(c.id)", detail: "\(error)"), offset: 0, file: path) }
            case .message(let m):
                guard m.connection < 65536, let u = decoders[Int(m.connection)] else { return }
                let failed = u._withUnsafeGuaranteedRef { d -> CDRError? in
                    do throws(CDRError) {
                        try d.extractor.extract(m.data, timestamp: Int64(m.timeNs), into: d.block, ragged: d.ragged)
                    } catch { return error }
                    if d.block.isFull { drain(d.block, d.ragged) }
                    return nil
                }
                if let failed { throw BagError(.malformed(what: "message", detail: "\(failed)"), offset: m.offset, chunkOffset: m.chunkOffset, file: path) }
                result.messages += 1
            }
        }
        for d in keep { drain(d.block, d.ragged) }
        return result
    }

    /// The chunks' uncompressed bytes (a pass over the chunk headers, outside the timing).
    static func uncompressedBytes(path: String) throws -> UInt64 {
        var total: UInt64 = 0
        try BagReader(path: path).forEachChunk { (chunk) throws(BagError) in total += UInt64(chunk.uncompressedSize) }
        return total
    }

    /// The compressed chunk payloads back to back (`bzip2 -d` and `lz4 -d` read concatenated streams).
    static func payloads(path: String, out: String) throws {
        let sink = try FileSink(path: out)
        var failure: (any Error)?
        try BagReader(path: path).forEachChunk { (chunk) throws(BagError) in
            do { try sink.write(chunk.data) } catch { failure = error }
        }
        if let failure { throw failure }
        try sink.close()
    }
}
