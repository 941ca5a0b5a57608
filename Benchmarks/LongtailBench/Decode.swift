import LongtailCore
import LongtailMCAP

#if canImport(Glibc)
import Glibc
#endif

/// Decodes every numeric field of every message into columns, as the scanner will:
/// streamed reader (chunks decompressed into a reused buffer, CRC checked), one compiled
/// `CDRColumnExtractor` per channel, 4096-row column blocks handed on when full.
enum Decode {
    struct Result {
        var messages = 0
        var uncompressedBytes: UInt64 = 0
        var values = 0
        /// Sum of every decoded value: the answer check (must match the Python peer's).
        var checksum = 0.0
    }

    /// - Parameter skipExtract: read, decompress and walk messages without decoding them:
    ///   measures the reading path alone.
    static func run(path: String, validateCRCs: Bool, blockRows: Int, pipelined: Bool,
                    skipExtract: Bool = false) throws -> Result {
        var result = Result()
        final class ChannelDecoder {
            let extractor: CDRColumnExtractor?
            let protobuf: ProtobufColumnExtractor?
            let block: ColumnBlock
            let ragged: RaggedColumns?
            init(_ x: CDRColumnExtractor, rows: Int) {
                extractor = x
                protobuf = nil
                block = ColumnBlock(names: x.scalarNames, capacity: rows)
                ragged = x.raggedNames.isEmpty ? nil : RaggedColumns(names: x.raggedNames)
            }
            init(_ x: ProtobufColumnExtractor, rows: Int) {
                extractor = nil
                protobuf = x
                block = ColumnBlock(names: x.scalarNames, capacity: rows)
                ragged = x.raggedNames.isEmpty ? nil : RaggedColumns(names: x.raggedNames)
            }
            /// One message into the block (a method: `self`'s properties are read without a
            /// retain each, as the scanner's channel feeds do).
            func decode(_ data: UnsafeRawBufferPointer, timestamp: Int64) throws(CDRError) {
                if let x = extractor { try x.extract(data, timestamp: timestamp, into: block, ragged: ragged) } else {
                    try protobuf!.extract(data, timestamp: timestamp, into: block, ragged: ragged)
                }
            }
        }
        var extractors = [ChannelDecoder?](repeating: nil, count: 65536)
        var schemas: [UInt16: Schema] = [:]
        var options = MCAPReadOptions()
        options.validateCRCs = validateCRCs
        func drain(_ block: ColumnBlock, _ ragged: RaggedColumns?) { Self.drain(block, ragged, into: &result) }
        // A local function, not a closure value: its captures stay non-escaping, so the
        // compiler checks exclusivity statically instead of on every access.
        func handle(_ raw: RawRecord) throws(MCAPError) {
            switch raw.opcode {
            case Opcode.message:
                let m = try raw.messageView()
                guard let d = extractors[Int(m.channelID)] else {
                    throw MCAPError(.unknownChannel(m.channelID), offset: raw.offset)
                }
                let block = d.block
                do throws(CDRError) {
                    if !skipExtract { try d.decode(m.data, timestamp: Int64(m.logTime)) }
                } catch {
                    throw MCAPError(.malformedRecord(opcode: Opcode.message, field: "data", detail: "\(error)"),
                                    offset: raw.offset, chunkOffset: raw.chunkOffset)
                }
                if block.isFull { drain(block, d.ragged) }
                result.messages += 1
            case Opcode.chunk:
                let h = try ChunkHeader.parse(body: raw.body, offset: raw.offset)
                result.uncompressedBytes += h.uncompressedSize
            case Opcode.schema:
                if case .schema(let s) = try raw.parse() { schemas[s.id] = s }
            case Opcode.channel:
                // Channels repeat in the summary: keep the decoder (and its unread rows) made at first sight.
                if case .channel(let c) = try raw.parse(), extractors[Int(c.id)] == nil, let s = schemas[c.schemaID], c.messageEncoding == "protobuf" {
                    do throws(ProtobufPlan.SchemaError) {   // protobuf: every numeric field by path
                        let plan = try ProtobufPlan(fileDescriptorSet: s.data, messageName: s.name)
                        extractors[Int(c.id)] = ChannelDecoder(ProtobufColumnExtractor(plan: plan, fields: ProtobufColumnExtractor.allPaths(plan)), rows: blockRows)
                    } catch {
                        throw MCAPError(.malformedRecord(opcode: Opcode.schema, field: "data", detail: "\(error)"), offset: raw.offset)
                    }
                } else if case .channel(let c) = try raw.parse(), extractors[Int(c.id)] == nil, let s = schemas[c.schemaID] {
                    do throws(ROS2SchemaError) {
                        let plan = try CDRPlan(ros2msgNamed: s.name, text: String(decoding: s.data, as: UTF8.self))
                        let x = CDRColumnExtractor(plan: plan)
                        extractors[Int(c.id)] = ChannelDecoder(x, rows: blockRows)
                    } catch {
                        throw MCAPError(.malformedRecord(opcode: Opcode.schema, field: "data", detail: "\(error)"), offset: raw.offset)
                    }
                }
            default: break
            }
        }
        if pipelined {
            try MCAPPipelinedReader.forEachRecord(inFile: path, options: options, handle)
        } else {
            try MCAPStreamReader.forEachRecord(inFile: path, options: options, handle)
        }
        for d in extractors { if let d { drain(d.block, d.ragged) } }
        return result
    }
}

extension Decode {
    /// Sums and counts a block's values (and its ragged rows'), then empties both: the
    /// answer check every decode benchmark shares.
    /// The sum of `values` in four independent lanes, so that the benchmark's own checksum
    /// is not one long chain of dependent additions (it must not weigh on the decoder's time).
    @inline(__always)
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        var lanes = SIMD4<Double>(repeating: 0)
        var i = 0
        let n = values.count
        while i + 4 <= n {
            lanes += SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3])
            i += 4
        }
        var s = lanes.sum()
        while i < n { s += values[i]; i += 1 }
        return s
    }

    static func drain(_ block: ColumnBlock, _ ragged: RaggedColumns?, into result: inout Result) {
        for c in 0..<block.names.count {
            let col = block.columnValues(c)
            result.checksum += sum(col)
            result.values += col.count
        }
        block.reset()
        guard let ragged else { return }
        for r in 0..<ragged.rows {
            for c in 0..<ragged.names.count {
                let values = ragged.row(r, column: c)
                result.checksum += sum(values)
                result.values += values.count
            }
        }
        ragged.reset()
    }
}

/// Writes the compressed payload of every chunk, back to back, so that `zstd -d` can be
/// timed on exactly the bytes the reader decompresses (zstd reads concatenated frames).
enum Payloads {
    static func run(path: String, out: String) throws {
        let sink = try FileSink(path: out)
        var options = MCAPReadOptions()
        options.expandChunks = false
        try MCAPStreamReader.forEachRecord(inFile: path, options: options) { (raw) throws(MCAPError) in
            if raw.opcode == Opcode.chunk {
                let h = try ChunkHeader.parse(body: raw.body, offset: raw.offset)
                try sink.write(h.records)
            }
        }
        try sink.close()
    }
}
