// swift-tools-version:6.1
// Coverage-guided fuzz harnesses (libFuzzer), one executable per parser. Built only by
// `scripts/fuzz.sh`, with `-sanitize=fuzzer,address -parse-as-library`: each harness
// defines `LLVMFuzzerTestOneInput` and libFuzzer supplies `main`.
import Foundation
import PackageDescription

/// The root package's identity: the name of the directory it is checked out in.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let harnesses: [(String, [String])] = [
    ("FuzzMCAPStream", ["LongtailMCAP"]),
    ("FuzzMCAPIndexed", ["LongtailMCAP"]),
    ("FuzzMessageDecoders", ["LongtailMCAP", "LongtailCore"]),
    ("FuzzBag", ["LongtailBag"]),
    ("FuzzHDF5", ["LongtailHDF5"]),
    ("FuzzProfile", ["LongtailScan"]),
    ("FuzzCatalogText", ["LongtailCatalog"]),
    ("FuzzScan", ["LongtailScan"]),
]

let package = Package(
    name: "LongtailFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [.target(name: "FuzzSupport", path: "Sources/FuzzSupport")]
        + harnesses.map { name, libs in
            .executableTarget(name: name, dependencies: ["FuzzSupport"] + libs.map { .product(name: $0, package: root) },
                              path: "Sources/\(name)")
        }
)
