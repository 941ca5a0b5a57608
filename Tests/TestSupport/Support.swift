import Foundation
import Testing

/// Helpers shared by Longtail's test targets.
public enum TestSupport {
    /// The repository root, found from this file's path.
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `longtail` executable built with the tests: `$LONGTAIL_BIN`, else the one in the
    /// build products folder of the running test bundle (debug, release or any
    /// `--scratch-path`), so tests run the binary of the build they belong to.
    public static var longtailBinary: String {
        if let env = ProcessInfo.processInfo.environment["LONGTAIL_BIN"] { return env }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the bundle is an executable in the products folder; elsewhere, inside `X.xctest/Contents/MacOS`.
        while dir.path != "/" && dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("longtail").path
    }

    /// `../shared/data` beside the repository, or `$LONGTAIL_SHARED_DATA`; nil when absent
    /// (a user's fresh clone), in which case tests that need it skip with a message.
    public static var sharedData: URL? {
        if let env = ProcessInfo.processInfo.environment["LONGTAIL_SHARED_DATA"] {
            return URL(fileURLWithPath: env)
        }
        let url = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The message tests print when `../shared/data` is missing.
    public static let sharedDataMissing =
        "../shared/data is absent (fresh clone?): skipping tests that read the shared real-world files"

    /// The same, as a comment for `.enabled(if: TestSupport.sharedData != nil, …)`: a test
    /// that needs the shared data is then reported as skipped, with this reason.
    public static let sharedDataMissingComment = Comment(rawValue: sharedDataMissing)

    /// A file of `../shared/data/real`, nil without the shared data.
    public static func real(_ name: String) -> String? { sharedData?.appendingPathComponent("real/\(name)").path }

    /// Files under `dir` with extension `ext`, sorted by path.
    public static func files(in dir: URL, ext: String) -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }

    /// Serialises a JSON-compatible value with sorted keys, for order-insensitive comparison of objects.
    public static func canonicalJSON(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ name: String = "longtail-test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The Python interpreter of the interop venv: `$LONGTAIL_PYTHON`, else `.venv/bin/python`
    /// in the repository; nil when neither has the `mcap` package.
    public static var interopPython: String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LONGTAIL_PYTHON"] { candidates.append(env) }
        candidates.append(repoRoot.appendingPathComponent(".venv/bin/python").path)
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            if (try? run(c, ["-c", "import mcap, mcap_ros2"]).status) == 0 { return c }
        }
        return nil
    }

    /// The result of running a process.
    public struct ProcessResult {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs an executable to completion, capturing its output (see `ChildProcess`). One that
    /// is still running after `timeout` seconds is killed with its process group; its status
    /// is then -1 and its stderr says so, so the test fails naming the command.
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                           timeout: TimeInterval = 600) throws -> ProcessResult {
        let child = try ChildProcess(executable, arguments, stdin: stdin)
        let status: Int32
        var note = ""
        switch child.wait(timeout: timeout) {
        case .exit(let code): status = code
        case .signal(let sig): status = 128 + sig
        case .timedOut(let t):
            status = -1
            note = "\nTestSupport: killed after \(Int(t)) s: \(child.command)\n"
        }
        return ProcessResult(status: status, stdout: child.stdout, stderr: child.stderr + note)
    }
}
