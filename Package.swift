// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Longtail",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "longtail", targets: ["longtail"]),
        .library(name: "LongtailSupport", targets: ["LongtailSupport"]),
        .library(name: "LongtailCore", targets: ["LongtailCore"]),
        .library(name: "LongtailMCAP", targets: ["LongtailMCAP"]),
        .library(name: "LongtailHDF5", targets: ["LongtailHDF5"]),
        .library(name: "LongtailBag", targets: ["LongtailBag"]),
        .library(name: "LongtailCatalog", targets: ["LongtailCatalog"]),
        .library(name: "LongtailScan", targets: ["LongtailScan"]),
        .library(name: "LongtailOutput", targets: ["LongtailOutput"]),
        .library(name: "LongtailRun", targets: ["LongtailRun"]),
        .library(name: "LongtailSynth", targets: ["LongtailSynth"]),
        .library(name: "LongtailTools", targets: ["LongtailTools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries. Each module map points at a shim header; providers tell
        // SwiftPM which Debian package to suggest when pkg-config cannot find it.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // libbz2 ships no pkg-config file on Debian: the module map links it by name.
        .systemLibrary(name: "CBZ2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),

        // The libraries, top to bottom; each imports only libraries above it (docs/architecture.md).
        // Support: atomic files, clocks, number formatting, JSON text, source ids, FNV-1a.
        .target(name: "LongtailSupport", dependencies: ["CDeflate", "CISAL"]),
        // Columns, SIMD kernels, the event table, detectors, the rarity model. No I/O.
        .target(name: "LongtailCore"),
        // Formats.
        .target(name: "LongtailMCAP", dependencies: ["LongtailCore", "CZstd", "CLZ4", "CISAL",
                                                     .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "LongtailHDF5", dependencies: ["LongtailCore", "CHDF5", "CZstd"]),
        .target(name: "LongtailBag", dependencies: ["CBZ2", "CLZ4"]),
        .target(name: "LongtailCatalog", dependencies: ["LongtailSupport", "LongtailCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Path + profile in, one scan result per source out; writes nothing.
        .target(name: "LongtailScan", dependencies: ["LongtailSupport", "LongtailCore", "LongtailMCAP", "LongtailBag", "LongtailHDF5"]),
        // Everything under --out: scan files, tiers, knowledge, catalog rows, export.
        .target(name: "LongtailOutput", dependencies: ["LongtailSupport", "LongtailCore", "LongtailMCAP", "LongtailBag", "LongtailHDF5", "LongtailCatalog",
                                                       "LongtailScan", "CDeflate", "CISAL"]),
        // The batch: workers, .work results, resume, shards, merge, the finish.
        .target(name: "LongtailRun", dependencies: ["LongtailSupport", "LongtailCore", "LongtailScan", "LongtailOutput"]),
        // The labelled generator.
        .target(name: "LongtailSynth", dependencies: ["LongtailSupport", "LongtailCore", "LongtailMCAP", "LongtailHDF5"]),
        // inspect, cat, eval.
        .target(name: "LongtailTools", dependencies: ["LongtailSupport", "LongtailMCAP", "LongtailBag", "LongtailHDF5", "LongtailCatalog"]),
        .executableTarget(
            name: "longtail",
            dependencies: ["LongtailSupport", "LongtailCore", "LongtailCatalog", "LongtailScan", "LongtailOutput", "LongtailRun",
                           "LongtailSynth", "LongtailTools", "LongtailBag",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")],
            path: "Sources/CLI"
        ),
        // Benchmark driver: generates the benchmark archive and measures decoding.
        // Run through Benchmarks/run-*.sh, never from the test suite.
        .executableTarget(
            name: "longtail-bench",
            dependencies: ["LongtailSupport", "LongtailMCAP", "LongtailBag", "LongtailCore", "LongtailHDF5", "LongtailCatalog", "LongtailScan", "LongtailRun",
                           "LongtailOutput", "LongtailSynth"],
            path: "Benchmarks/LongtailBench"
        ),

        .testTarget(name: "LongtailCoreTests", dependencies: ["LongtailCore"]),
        .testTarget(name: "LongtailMCAPTests", dependencies: ["LongtailMCAP", "LongtailCore", "TestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "LongtailBagTests", dependencies: ["LongtailBag", "LongtailMCAP", "TestSupport"]),
        .testTarget(name: "LongtailHDF5Tests", dependencies: ["LongtailHDF5", "TestSupport", "LongtailMCAP"]),
        .testTarget(name: "LongtailCatalogTests", dependencies: ["LongtailCatalog", "LongtailCore", "LongtailSynth", "TestSupport"]),
        .testTarget(name: "LongtailScanTests", dependencies: ["LongtailScan", "LongtailCore", "LongtailSupport", "LongtailSynth", "TestSupport"]),
        .testTarget(name: "LongtailOutputTests", dependencies: ["LongtailOutput", "LongtailRun", "LongtailScan", "LongtailSupport", "LongtailSynth", "LongtailTools", "LongtailBag",
                                                               "LongtailCatalog", "LongtailCore", "LongtailHDF5", "TestSupport"]),
        .testTarget(name: "LongtailRunTests", dependencies: ["LongtailRun", "LongtailOutput", "LongtailScan", "LongtailSynth", "LongtailTools", "LongtailBag",
                                                            "LongtailCore", "LongtailHDF5", "LongtailSupport", "TestSupport"]),
        .testTarget(name: "LongtailSynthTests", dependencies: ["LongtailSynth", "LongtailMCAP", "LongtailHDF5", "LongtailCore", "TestSupport"]),
        .testTarget(name: "LongtailSupportTests", dependencies: ["LongtailSupport"]),
        .testTarget(name: "LongtailCLITests", dependencies: ["TestSupport", "longtail"]),
        // Shared helpers for tests: locating ../shared/data, running Python interop scripts.
        .target(name: "TestSupport", dependencies: ["LongtailMCAP", "LongtailHDF5"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
