import ArgumentParser
import Foundation
import LongtailSupport

/// The `longtail` command: parses, runs one subcommand, and decides the exit code here
/// and only here: 0 success, 1 failure, 2 usage error, 3 finished with warnings.
@main
struct LongtailCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "longtail",
        abstract: "Mine rare events out of autonomous-driving and robot logs (MCAP, ROS 1 bags, HDF5).",
        discussion: """
        -V or --version prints the version. Exit codes: 0 success, 1 failure, 2 usage error, 3 finished with warnings \
        (for example files skipped as unreadable, or channels that could not be decoded), \
        130 interrupted (Ctrl-C: outputs cover the files done; --resume finishes).
        """,
        version: LongtailVersion.current,
        subcommands: [ScanCommand.self, MergeCommand.self, QueryCommand.self, ShowCommand.self, ExportCommand.self, EvalCommand.self, ProfilesCommand.self, InspectCommand.self, DoctorCommand.self, CatCommand.self, SynthCommand.self]
    )

    static func main() {
        // -V, as most tools spell --version.
        if Array(CommandLine.arguments.dropFirst()) == ["-V"] {
            print(LongtailVersion.current)
            Foundation.exit(0)
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // --help and --version exit 0 with their text; anything else is a usage error: 2.
            if exitCode(for: error) == .success { LongtailCLI.exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
        let code: Int32
        do {
            if var run = command as? OutcomeCommand {
                switch try run.execute() {
                case .success: code = 0
                case .warnings: code = 3
                case .interrupted: code = 130
                }
            } else {
                try command.run()
                code = 0
            }
        } catch let error as ValidationError {
            // Flags that parse but do not fit the file (e.g. an HDF5 file without --dataset).
            FileHandle.standardError.write(Data("longtail: usage error: \(error.message)\n".utf8))
            code = 2
        } catch let error as CLIFailure {
            FileHandle.standardError.write(Data("longtail: error: \(error.message)\n".utf8))
            code = 1
        } catch {
            // `longtail --help` parses into a help command whose run throws the help request.
            if exitCode(for: error) == .success { LongtailCLI.exit(withError: error) }
            FileHandle.standardError.write(Data("longtail: error: \(error)\n".utf8))
            code = 1
        }
        Foundation.exit(code)
    }
}

/// How a subcommand ended, when it did not fail.
enum Outcome { case success, warnings, interrupted }

/// A subcommand that reports warnings instead of exiting itself.
protocol OutcomeCommand: ParsableCommand {
    mutating func execute() throws -> Outcome
}

/// A failure to report as `longtail: error: …` with exit code 1.
struct CLIFailure: Error {
    var message: String
    init(_ error: any Error) { message = String(describing: error) }
    init(message: String) { self.message = message }
}

/// Writes to stdout through a buffer; a closed pipe (e.g. `| head`) ends quietly.
final class StandardOutput {
    private var buffer: [UInt8] = []
    init() { buffer.reserveCapacity(1 << 16) }
    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }
    func line(_ s: String) { write(s); buffer.append(0x0A) }
    func flush() {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(1, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 {
                if errno == EINTR { continue }
                Foundation.exit(0)  // EPIPE: the reader went away; that is a normal end.
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("longtail: warning: \(message)\n".utf8))
}
