import Foundation

/// `DIR/.work/`: what a batch keeps between scanning files and finishing: one result file
/// per input file (written atomically when the file is done), the profiles used, the
/// settings that shape results (a resumed run or a merge must match them), and the
/// shard's manifest. A killed run resumes from here; `longtail merge` reads it.
struct WorkDir {
    let path: String

    init(out: String) { path = out + "/.work" }

    var results: String { path + "/results" }

    /// The result file of an input file (by a hash of its path).
    func resultPath(for file: String) -> String {
        let h = String(ShardSpec.hash(file), radix: 16)
        return results + "/" + String(repeating: "0", count: 16 - h.count) + h + ".result"
    }

    func create() throws {
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/profiles", withIntermediateDirectories: true)
    }

    /// Writes under a temporary name unique to this call, then renames: unlike
    /// `SynthJob.writeAtomically` (one temporary name per process), two workers writing the
    /// same file at once (the first files of a profile) cannot trip over each other.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let tmp = path + ".partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        // Written straight from the array (no Data copy of a large result).
        guard let f = fopen(tmp, "wb") else { throw ScanJob.UnreadableFile(path: tmp) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        guard fclose(f) == 0, written == bytes.count else { unlink(tmp); throw ScanJob.UnreadableFile(path: tmp) }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ScanJob.UnreadableFile(path: path)
        }
    }

    /// Streams the result into its file (temporary name, then renamed): a long file's
    /// pretraining data is never copied whole into a byte array.
    func write(_ r: FileResult) throws {
        let path = resultPath(for: r.path)
        let tmp = path + ".partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        guard let f = fopen(tmp, "wb") else { throw ScanJob.UnreadableFile(path: tmp) }
        var w = BinaryWriter(file: f)
        r.encode(into: &w)
        w.flush()
        guard fclose(f) == 0, !w.failed, rename(tmp, path) == 0 else { unlink(tmp); throw ScanJob.UnreadableFile(path: path) }
    }

    /// The stored result of `file`, if there is one that reads back whole.
    func result(for file: String, pretrain: Bool = true) -> FileResult? {
        guard let bytes = Self.readBytes(resultPath(for: file)) else { return nil }
        return try? FileResult.decode(bytes, pretrain: pretrain)
    }

    /// A whole file as bytes, read straight into the array (no intermediate Data).
    static func readBytes(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        guard fseeko(f, 0, SEEK_END) == 0 else { return nil }
        let size = Int(ftello(f))
        guard size >= 0, fseeko(f, 0, SEEK_SET) == 0 else { return nil }
        var ok = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, filled in
            filled = size == 0 ? 0 : fread(buf.baseAddress, 1, size, f)
            ok = filled == size
        }
        return ok ? bytes : nil
    }

    func write(profile p: Profile) throws {
        let file = path + "/profiles/" + p.name.replacingOccurrences(of: "/", with: "_") + ".toml"
        if FileManager.default.fileExists(atPath: file) { return }
        try Self.writeAtomically(file, Array(p.toml.utf8))
    }

    /// The profiles stored here, by name.
    func profiles() throws -> [String: Profile] {
        var out: [String: Profile] = [:]
        let dir = path + "/profiles"
        for f in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where f.hasSuffix(".toml") {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            let p = try Profile.parse(text, source: dir + "/" + f)
            out[p.name] = p
        }
        return out
    }

    /// The settings a resumed run and a merge must share.
    func writeSettings(_ s: String) throws { try Self.writeAtomically(path + "/settings", Array(s.utf8)) }
    func settings() -> String? { FileManager.default.contents(atPath: path + "/settings").map { String(decoding: $0, as: UTF8.self) } }

    /// What a shard scanned: written when its run ends, `complete` when nothing was left undone.
    struct ShardManifest: Codable, Equatable {
        var index: Int
        var count: Int
        var files: [String]
        var complete: Bool
        var settings: String
    }

    func write(_ m: ShardManifest) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        try Self.writeAtomically(path + "/shard.json", Array(try e.encode(m)))
    }

    func shard() -> ShardManifest? {
        FileManager.default.contents(atPath: path + "/shard.json").flatMap { try? JSONDecoder().decode(ShardManifest.self, from: $0) }
    }
}
