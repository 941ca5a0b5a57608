#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Logs are read from regular files only. A named pipe blocks the first `open` until a
/// writer comes (forever, for a batch), a device such as `/dev/zero` never ends, and a
/// directory named like a log holds nothing to read: each is named, not opened.
public enum RegularFile {
    /// Why `path` cannot be read as a log, in words (nil: a readable regular file, or a
    /// symbolic link to one). Never opens the file.
    public static func problem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let e = errno
            return e == ENOENT ? "no such file" : "cannot be read (\(errorText(e)))"
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "a directory, not a file (give the directory itself to `scan` to search it for logs)"
        case S_IFIFO: return "a named pipe (FIFO), not a regular file: Longtail reads logs from regular files"
        case S_IFCHR: return "a character device, not a regular file"
        case S_IFBLK: return "a block device, not a regular file"
        case S_IFSOCK: return "a socket, not a regular file"
        default: return "not a regular file"
        }
        guard access(path, R_OK) == 0 else { return "cannot be read (\(errorText(errno)))" }
        return nil
    }

    /// `errno` as text: "Permission denied (errno 13)".
    public static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: s)) (errno \(code))"
    }
}
