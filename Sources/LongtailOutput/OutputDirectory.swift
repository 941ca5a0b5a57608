import Foundation

/// The rules of an output directory: what a result directory holds, and when a new run
/// may write into one that already holds results.
public enum OutputDirectory {
    /// The entries whose presence means a directory holds results.
    public static let resultNames = ["catalog.sqlite", "scan.json", "alignment", "pretrain"]
    /// Every entry a scan writes (removed by `--force`).
    public static let allNames = resultNames + ["events.jsonl", "segments.jsonl", "clips.jsonl", "rarity-model.json"]

    /// A directory that already holds results, with what it holds.
    public struct Occupied: Error, CustomStringConvertible, Sendable {
        public var dir: String
        public var holds: [String]
        public var resumable: Bool
        public var description: String {
            "\(dir) already holds results (\(holds.joined(separator: ", "))); pass --force to replace them"
                + (resumable ? " or --resume to continue them" : "")
        }
    }

    /// The result entries `dir` holds.
    public static func existingResults(_ dir: String) -> [String] {
        resultNames.filter { FileManager.default.fileExists(atPath: dir + "/" + $0) }
    }

    /// Readies `dir` for a new result: an empty or new directory is fine; one with results
    /// is refused unless `force` (its results, and with `work` the batch's `.work`, are
    /// removed) or `resume` (kept as they are).
    /// - Throws: `Occupied` naming what it holds.
    public static func prepare(_ dir: String, force: Bool, resume: Bool, resumable: Bool, work: Bool) throws(Occupied) {
        let existing = existingResults(dir)
        if !existing.isEmpty && !force && !resume { throw Occupied(dir: dir, holds: existing, resumable: resumable) }
        if force { for name in existing + (work ? [".work"] : []) { try? FileManager.default.removeItem(atPath: dir + "/" + name) } }
    }
}
