import FuzzSupport
import LongtailMCAP

/// The indexed MCAP reader (`cat`, `export`): summary, chunk indexes, time-ordered messages.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let path = FuzzInput.file(UnsafeRawBufferPointer(start: start, count: count), suffix: ".mcap")
    guard let reader = try? MCAPIndexedReader(path: path) else { return 0 }
    var n = 0
    try? reader.readMessages { (_) throws(MCAPError) in n += 1 }
    try? reader.readMessages(topics: ["/a"], startTime: 10, endTime: 1 << 62) { (_) throws(MCAPError) in n += 1 }
    return 0
}

@_cdecl("FuzzMCAPIndexed_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
