import FuzzSupport
import LongtailHDF5

/// HDF5 open, walk and read: every dataset read as doubles, every attribute listed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
    guard let start else { return 0 }
    let path = FuzzInput.file(UnsafeRawBufferPointer(start: start, count: count), suffix: ".h5")
    guard HDF5File.isHDF5(path: path), let file = try? HDF5File(path: path) else { return 0 }
    for node in (try? file.walk()) ?? [] {
        _ = try? file.attributes(of: node.path)
        if node.kind == .dataset, let ds = try? file.dataset(node.path) { _ = try? ds.read(Double.self) }
    }
    return 0
}

@_cdecl("FuzzHDF5_main")
public func harnessMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzInput.run(argc, argv) { data, count in fuzz(data.map(UnsafeRawPointer.init), count) }
}
