// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Longtail",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "longtail", targets: ["longtail"]),
        .library(name: "LongtailMCAP", targets: ["LongtailMCAP"]),
        .library(name: "LongtailCore", targets: ["LongtailCore"]),
        .library(name: "LongtailHDF5", targets: ["LongtailHDF5"]),
        .library(name: "LongtailCatalog", targets: ["LongtailCatalog"]),
        .library(name: "Longtail", targets: ["Longtail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libraries. Each module map points at a shim header; providers tell
        // SwiftPM which Debian package to suggest when pkg-config cannot find it.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),

        .target(name: "LongtailCore"),
        .target(name: "LongtailMCAP", dependencies: ["LongtailCore", "CZstd", "CLZ4", "CISAL"]),
        .target(name: "LongtailHDF5", dependencies: ["LongtailCore", "CHDF5", "CZstd"]),
        .target(name: "LongtailCatalog", dependencies: ["LongtailCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Longtail", dependencies: ["LongtailCore", "LongtailMCAP", "LongtailHDF5", "LongtailCatalog", "CDeflate", "CISAL", "TOMLKit"]),
        .executableTarget(
            name: "longtail",
            dependencies: ["Longtail", "LongtailMCAP", "LongtailHDF5", "LongtailCatalog",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]
        ),
        // Benchmark driver: generates the benchmark archive and measures decoding.
        // Run through Benchmarks/run-mcap-decode.sh, never from the test suite.
        .executableTarget(
            name: "longtail-bench",
            dependencies: ["LongtailMCAP", "LongtailCore", "LongtailHDF5", "LongtailCatalog", "Longtail"],
            path: "Benchmarks/LongtailBench"
        ),

        .testTarget(name: "LongtailCoreTests", dependencies: ["LongtailCore"]),
        .testTarget(name: "LongtailMCAPTests", dependencies: ["LongtailMCAP", "TestSupport"]),
        .testTarget(name: "LongtailHDF5Tests", dependencies: ["LongtailHDF5", "TestSupport", "LongtailMCAP"]),
        .testTarget(name: "LongtailTests", dependencies: ["Longtail", "LongtailCore", "LongtailMCAP", "LongtailHDF5", "LongtailCatalog", "TestSupport"]),
        .testTarget(name: "LongtailCLITests", dependencies: ["TestSupport", "longtail"]),
        // Shared helpers for tests: locating ../shared/data, running Python interop scripts.
        .target(name: "TestSupport", dependencies: ["LongtailMCAP"], path: "Tests/TestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
