import FuzzSupport
import LongtailBag

/// The ROS 1 bag reader: records, chunks (none/bz2/lz4), index or scan, time selection.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let path = FuzzInput.file(UnsafeRawBufferPointer(start: start, count: count), suffix: ".bag")
    guard let reader = try? BagReader(path: path) else { return 0 }
    var n = 0
    try? reader.forEach { (_) throws(BagError) in n += 1 }
    if let index = try? reader.index() {
        try? reader.messages(from: 0, to: .max, index: index) { (_, _) throws(BagError) in n += 1 }
    }
    try? reader.forEachChunk { (_) throws(BagError) in n += 1 }
    return 0
}

@_cdecl("FuzzBag_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
