import FuzzSupport
import LongtailScan

/// The scan end to end on a small log (MCAP, bag or HDF5 by its first bytes), with the
/// built-in driving profile for MCAP and bags and a robot one for HDF5.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let path = FuzzInput.file(UnsafeRawBufferPointer(start: start, count: count), suffix: ".log")
    for profile in profiles { _ = try? SourceScanner.scan(path, profile: profile, pretrainHz: 10) }
    return 0
}

nonisolated(unsafe) let profiles: [Profile] = ["synth-driving", "reassemble"].compactMap { try? Profile.load($0) }

@_cdecl("FuzzScan_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
