import FuzzSupport
import LongtailScan

/// Profile text → a validated profile (TOML syntax, keys, signals, numbers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    _ = try? Profile.parse(String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self), source: "fuzz.toml")
    return 0
}

@_cdecl("FuzzProfile_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
