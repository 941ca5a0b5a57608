import FuzzSupport
import LongtailMCAP

/// The streamed MCAP reader on arbitrary bytes: every record parsed, chunks expanded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    for known in [true, false] {
        var options = MCAPReadOptions()
        if known { options.totalSize = UInt64(count) }
        let reader = MCAPStreamReader(options: options)
        reader.append(bytes)
        do {
            while let r = try reader.next() { _ = try? r.parse() }
            try reader.finish()
        } catch {}
    }
    return 0
}

@_cdecl("FuzzMCAPStream_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
