#if canImport(Glibc)
import Glibc
#endif

/// Finds a file that moved with its archive: under a new root, by the longest tail of its
/// old path that exists there (`/old/fleet/day1/a.mcap` under `/new` is `/new/fleet/day1/a.mcap`,
/// else `/new/day1/a.mcap`, else `/new/a.mcap`).
public enum DataRoot {
    /// The readable regular file under `root` for `path`, or nil.
    public static func locate(_ path: String, under root: String) -> String? {
        let parts = path.split(separator: "/").map(String.init).filter { $0 != "." }
        for k in parts.indices {
            let candidate = ([root.hasSuffix("/") ? String(root.dropLast()) : root] + parts[k...]).joined(separator: "/")
            if RegularFile.problem(candidate) == nil && access(candidate, R_OK) == 0 { return candidate }
        }
        return nil
    }
}
