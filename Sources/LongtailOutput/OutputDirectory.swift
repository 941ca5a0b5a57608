import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    /// is refused unless `force` or `resume`. With `force` and `work` the batch's `.work` is
    /// removed; the results stay until the new ones are complete (`ResultWriter` writes them
    /// into `staging` and `commit`s them), so a failed or killed run leaves the old ones.
    /// Leftovers of killed runs (a staging directory, `*.partial-*` files) are removed.
    /// - Throws: `Occupied` naming what it holds.
    public static func prepare(_ dir: String, force: Bool, resume: Bool, resumable: Bool, work: Bool) throws(Occupied) {
        let existing = existingResults(dir)
        if !existing.isEmpty && !force && !resume { throw Occupied(dir: dir, holds: existing, resumable: resumable) }
        if force && work { try? FileManager.default.removeItem(atPath: dir + "/.work") }
        removeLeftovers(dir)
    }

    /// An output directory that cannot be created or written, with the system's reason.
    public struct NotWritable: Error, CustomStringConvertible, Sendable {
        public var dir: String
        public var reason: String
        public var description: String { "\(dir): cannot write results here (\(reason)); choose another --out" }
    }

    /// Creates `dir` if needed and checks that results can be written into it (a read-only
    /// mount or a directory of another user fails here with the reason, before any scan).
    public static func checkWritable(_ dir: String) throws(NotWritable) {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                let e = errno
                throw NotWritable(dir: dir, reason: e != 0 ? String(cString: strerror(e)) : "it cannot be created")
            }
        } else if !isDir.boolValue {
            throw NotWritable(dir: dir, reason: "it is a file, not a directory")
        }
        guard access(dir, W_OK | X_OK) == 0 else { throw NotWritable(dir: dir, reason: String(cString: strerror(errno))) }
    }

    /// The directory a result is written into before `commit` moves it into `dir`.
    public static func stagingPath(_ dir: String) -> String { dir + "/.next" }

    /// Removes what killed runs leave in `dir`: the staging directory and `*.partial-*` files
    /// (in `dir`, `alignment/` and `pretrain/`).
    public static func removeLeftovers(_ dir: String) {
        let fm = FileManager.default
        try? fm.removeItem(atPath: stagingPath(dir))
        for sub in [dir, dir + "/alignment", dir + "/pretrain"] {
            for name in (try? fm.contentsOfDirectory(atPath: sub)) ?? [] where name.contains(".partial-") {
                try? fm.removeItem(atPath: sub + "/" + name)
            }
        }
    }

    /// A new, empty staging directory for `dir`.
    public static func makeStaging(_ dir: String) throws -> String {
        let staging = stagingPath(dir)
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        return staging
    }

    /// Moves every result entry of `staging` into `dir`, each in one step: files by
    /// `rename` (atomic replacement), directories by exchanging them with the old ones
    /// (`renameat2(RENAME_EXCHANGE)`), so a reader or a kill sees each entry old or new,
    /// never missing. The catalog goes last. Old entries the new result lacks are removed,
    /// then the staging directory.
    public static func commit(staging: String, into dir: String) throws {
        let fm = FileManager.default
        let order = allNames.filter { $0 != "catalog.sqlite" } + ["catalog.sqlite"]
        for name in order {
            let new = staging + "/" + name, old = dir + "/" + name
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: new, isDirectory: &isDir) else {
                try? fm.removeItem(atPath: old)
                continue
            }
            var oldIsDir: ObjCBool = false
            if isDir.boolValue, fm.fileExists(atPath: old, isDirectory: &oldIsDir), oldIsDir.boolValue {
                if exchange(new, old) != 0 {
                    // No exchange on this file system: the old directory goes first (a brief gap).
                    try fm.removeItem(atPath: old)
                    guard rename(new, old) == 0 else { throw CommitFailure(path: old, errno: errno) }
                }
            } else if rename(new, old) != 0 {
                throw CommitFailure(path: old, errno: errno)
            }
        }
        try? fm.removeItem(atPath: staging)   // now holding the old directories
    }

    /// `renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)`: swaps two paths atomically
    /// (Linux ≥ 3.15, glibc ≥ 2.28; looked up at run time, as Swift's Glibc module does not
    /// declare it). -1 where it is unavailable.
    static func exchange(_ a: String, _ b: String) -> Int32 {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return -1 }
        let call = unsafeBitCast(symbol, to: RenameAt2.self)
        let atCWD: Int32 = -100, renameExchange: UInt32 = 2
        return call(atCWD, a, atCWD, b, renameExchange)
    }

    /// A result entry that could not be moved into place.
    public struct CommitFailure: Error, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var description: String { "\(path): could not move the new result into place: \(String(cString: strerror(errno)))" }
    }
}
