import Foundation
import LongtailMCAP
import LongtailRun
import LongtailScan

/// longtail-bench: the MCAP decoding benchmark's driver (see Benchmarks/README.md).
///   generate --out FILE [--megabytes N] [--compression zstd|lz4|none]
///   decode FILE [--no-crc] [--threads 1|2] [--rows N] [--skip-extract]
///   payloads FILE --out FILE.zst
///   bag-decode FILE.bag [--rows N]        every numeric field of a ROS 1 bag into columns
///   bag-payloads FILE.bag --out FILE.bz2|.lz4
///   h5-generate --out DIR [--files N] [--megabytes M]
///   h5-generate-big --out FILE [--gigabytes G]
///   h5-scan FILE... [--threads N]
///   scan FILE... [--profile NAME]   (the full scan of `longtail scan`, without writing outputs)
///   catalog --out FILE [--segments N] [--repeats R]   (query latency on a generated catalog)
let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("longtail-bench: \(message)\n".utf8))
    exit(2)
}

do {
    switch args.first {
    case "generate":
        guard let out = option("--out") else { fail("generate needs --out FILE") }
        let mb = Int(option("--megabytes") ?? "1024") ?? 1024
        let compression: ChunkCompression = switch option("--compression") ?? "zstd" {
        case "lz4": .lz4
        case "none": .none
        default: .zstd(level: 3)
        }
        try Generate.run(path: out, megabytes: mb, compression: compression)
    case "decode":
        guard args.count >= 2 else { fail("decode needs FILE") }
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try Decode.run(path: args[1], validateCRCs: !args.contains("--no-crc"), blockRows: Int(option("--rows") ?? "128") ?? 128, pipelined: args.contains("--threads") && option("--threads") != "1",
                                 skipExtract: args.contains("--skip-extract"))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("""
            {"messages": \(r.messages), "values": \(r.values), "uncompressed_bytes": \(r.uncompressedBytes), \
            "seconds": \(seconds), "mb_per_s": \(Double(r.uncompressedBytes) / seconds / 1e6), "checksum": \(r.checksum)}
            """)
    case "scan":
        let files = Array(args.dropFirst().prefix { !$0.hasPrefix("--") })
        let profile = try Profile.load(option("--profile") ?? "synth-driving")
        let start = DispatchTime.now().uptimeNanoseconds
        var o = BatchOptions(paths: files, out: nil, profile: profile)
        o.tiers = nil   // no output writing: no pretraining data, no content hashes
        let r = try BatchRun.run(o)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let events = r.sources.reduce(0) { $0 + $1.scan.events.count }, segments = r.segmentCount
        let bytes = r.sources.reduce(UInt64(0)) { $0 + $1.scan.bytes }
        if let f = r.failures.first { fail("\(f.path): \(f.reason)") }
        print("""
            {"seconds": \(seconds), "message_bytes": \(bytes), "events": \(events), "segments": \(segments)}
            """)
    case "catalog":
        guard let out = option("--out") else { fail("catalog needs --out FILE") }
        let n = Int(option("--segments") ?? "1000000") ?? 1_000_000
        if !FileManager.default.fileExists(atPath: out) {
            let start = DispatchTime.now().uptimeNanoseconds
            try CatalogBench.generate(path: out, segments: n)
            FileHandle.standardError.write(Data("generated \(n) segments in \(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) s\n".utf8))
        }
        for (name, p50, p95, rows) in try CatalogBench.run(path: out, repeats: Int(option("--repeats") ?? "40") ?? 40) {
            print("{\"query\": \"\(name)\", \"p50_ms\": \(p50), \"p95_ms\": \(p95), \"rows\": \(rows)}")
        }
    case "bag-decode":
        guard args.count >= 2 else { fail("bag-decode needs FILE") }
        let start = DispatchTime.now().uptimeNanoseconds
        var r = try BagDecode.run(path: args[1], blockRows: Int(option("--rows") ?? "128") ?? 128)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        r.uncompressedBytes = try BagDecode.uncompressedBytes(path: args[1])
        print("""
            {"messages": \(r.messages), "values": \(r.values), "uncompressed_bytes": \(r.uncompressedBytes), \
            "seconds": \(seconds), "mb_per_s": \(Double(r.uncompressedBytes) / seconds / 1e6), "checksum": \(r.checksum)}
            """)
    case "bag-payloads":
        guard args.count >= 2, let out = option("--out") else { fail("bag-payloads needs FILE --out FILE") }
        try BagDecode.payloads(path: args[1], out: out)
    case "payloads":
        guard args.count >= 2, let out = option("--out") else { fail("payloads needs FILE --out FILE") }
        try Payloads.run(path: args[1], out: out)
    case "h5-generate":
        guard let out = option("--out") else { fail("h5-generate needs --out DIR") }
        try HDF5Bench.generateArchive(dir: out, files: Int(option("--files") ?? "20") ?? 20,
                                      megabytes: Int(option("--megabytes") ?? "50") ?? 50)
    case "h5-generate-big":
        guard let out = option("--out") else { fail("h5-generate-big needs --out FILE") }
        try HDF5Bench.generateBig(path: out, gigabytes: Int(option("--gigabytes") ?? "4") ?? 4)
    case "h5-scan":
        let threads = Int(option("--threads") ?? "1") ?? 1
        let files = args.dropFirst().filter { $0.hasSuffix(".h5") }
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try HDF5Bench.scan(paths: Array(files), threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("""
            {"files": \(files.count), "threads": \(threads), "values": \(r.values), "seconds": \(seconds), \
            "mb_per_s": \(Double(r.values * 4) / seconds / 1e6), "checksum": \(r.checksum)}
            """)
    default:
        fail("usage: longtail-bench generate|decode|payloads|h5-generate|h5-generate-big|h5-scan …")
    }
} catch {
    FileHandle.standardError.write(Data("longtail-bench: error: \(error)\n".utf8))
    exit(1)
}
