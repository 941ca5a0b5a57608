import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests, started with `posix_spawn` so that nothing of the test
/// process leaks into it or its descendants.
///
/// Why not Foundation's `Process`: it learns that a child exited through a socket the child
/// inherits, so a daemon started below it (munged, started by `single-node.sh`) keeps that
/// socket open and `waitUntilExit` never returns; and pipes that any thread creates meanwhile
/// leak into children the same way. Here the child gets exactly three descriptors
/// (stdin from a file or `/dev/null`, stdout and stderr to files), all others closed; it
/// leads its own process group, and a timeout kills that group, so a hung command fails its
/// test with a message instead of holding the whole suite.
public final class ChildProcess {
    /// How a child ended.
    public enum Termination: Equatable, Sendable {
        case exit(Int32)
        case signal(Int32)
        /// Still running at the deadline: its process group was killed.
        case timedOut(TimeInterval)
    }

    /// `posix_spawn` refused to start the command.
    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var errno: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
    }

    public let pid: pid_t
    public let command: String
    private let outURL: URL
    private let errURL: URL
    private let inURL: URL?
    private var ended: Termination?

    /// Starts `executable` with `arguments`; `stdin` (if any) is what it reads, else `/dev/null`.
    public init(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws {
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        outURL = tmp.appendingPathComponent("lt-child-\(id).out")
        errURL = tmp.appendingPathComponent("lt-child-\(id).err")
        command = ([executable] + arguments).joined(separator: " ")
        if let stdin {
            let url = tmp.appendingPathComponent("lt-child-\(id).in")
            try stdin.write(to: url)
            inURL = url
        } else {
            inURL = nil
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inURL?.path ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SpawnError(executable: executable, errno: rc) }
        pid = child
    }

    deinit {
        if ended == nil { kill(-pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0) }
        for url in [outURL, errURL] + (inURL.map { [$0] } ?? []) { try? FileManager.default.removeItem(at: url) }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module
    /// does not declare; nil where the C library lacks it.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Sends `sig` to the child (not its group).
    public func send(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the child to end; past `timeout` seconds its process group is killed.
    @discardableResult
    public func wait(timeout: TimeInterval = 600) -> Termination {
        if let ended { return ended }
        let deadline = Date().addingTimeInterval(timeout)
        var st: Int32 = 0
        while true {
            let r = waitpid(pid, &st, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { ended = .exit(-1); return .exit(-1) }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                waitpid(pid, &st, 0)
                ended = .timedOut(timeout)
                return .timedOut(timeout)
            }
            usleep(5_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let result: Termination = (st & 0x7f) == 0 ? .exit((st >> 8) & 0xff) : .signal(st & 0x7f)
        ended = result
        return result
    }

    /// What the child wrote to stdout so far.
    public var stdout: Data { (try? Data(contentsOf: outURL)) ?? Data() }
    /// What the child wrote to stderr so far.
    public var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }
}
