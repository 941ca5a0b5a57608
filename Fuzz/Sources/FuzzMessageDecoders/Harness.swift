import FuzzSupport
import LongtailCore
import LongtailMCAP

/// Every message decoder with its schema and a payload from one input (a two-byte schema
/// length, the schema, the payload): ros2msg → CDR, ros1msg → ROS 1, a protobuf
/// FileDescriptorSet, and JSON; each through the tree decoder and the column extractor.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let (schema, payload) = FuzzInput.split(UnsafeRawBufferPointer(start: start, count: count))
    let text = String(decoding: schema, as: UTF8.self)
    for plan in [try? CDRPlan(ros2msgNamed: "fuzz/msg/M", text: text), try? CDRPlan(ros1msgNamed: "fuzz/M", text: text)] {
        guard let plan else { continue }
        _ = try? plan.decode(payload)
        let x = CDRColumnExtractor(plan: plan)
        let block = ColumnBlock(names: x.scalarNames, capacity: 1)
        let ragged = RaggedColumns(names: x.raggedNames)
        try? x.extract(payload, timestamp: 0, into: block, ragged: ragged)
    }
    if let plan = try? ProtobufPlan(fileDescriptorSet: Array(schema), messageName: "fuzz.M") {
        _ = try? plan.decode(payload)
        let x = ProtobufColumnExtractor(plan: plan, fields: ProtobufColumnExtractor.allPaths(plan))
        let block = ColumnBlock(names: x.scalarNames, capacity: 1)
        try? x.extract(payload, timestamp: 0, into: block, ragged: RaggedColumns(names: x.raggedNames))
    }
    _ = try? JSONMessageDecoder.decode(payload)
    return 0
}

@_cdecl("FuzzMessageDecoders_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
