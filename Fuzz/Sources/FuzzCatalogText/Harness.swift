import FuzzSupport
import LongtailCatalog

/// The time syntax of `--since`/`--until`, and times formatted back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let ns = try? CatalogTime.parse(text) { _ = CatalogTime.format(ns) }
    if count >= 8 { _ = CatalogTime.format(start.loadUnaligned(as: Int64.self)) }
    return 0
}

@_cdecl("FuzzCatalogText_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
