import Foundation
import LongtailScan
import LongtailSupport

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
        results + "/" + FNV1a.hex(ShardSpec.hash(file)) + ".result"
    }

    func create() throws {
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/profiles", withIntermediateDirectories: true)
    }

    /// Streams the result into its file (temporary name, then renamed): a long file's
    /// pretraining data is never copied whole into a byte array.
    func write(_ r: FileResult) throws(AtomicFile.Failure) {
        try AtomicFile.write(resultPath(for: r.path)) { f in
            var w = BinaryWriter(file: f)
            r.encode(into: &w)
            w.flush()
            return !w.failed
        }
    }

    /// The stored result of `file`, if there is one that reads back whole.
    func result(for file: String, pretrain: Bool = true) -> FileResult? {
        guard let bytes = AtomicFile.readBytes(resultPath(for: file)) else { return nil }
        return try? FileResult.decode(bytes, pretrain: pretrain)
    }

    func write(profile p: Profile) throws {
        let file = path + "/profiles/" + p.name.replacingOccurrences(of: "/", with: "_") + ".toml"
        if FileManager.default.fileExists(atPath: file) { return }
        try AtomicFile.write(file, p.toml)
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
    func writeSettings(_ s: String) throws { try AtomicFile.write(path + "/settings", s) }
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
        try AtomicFile.write(path + "/shard.json", Array(try e.encode(m)))
    }

    func shard() -> ShardManifest? {
        FileManager.default.contents(atPath: path + "/shard.json").flatMap { try? JSONDecoder().decode(ShardManifest.self, from: $0) }
    }
}
