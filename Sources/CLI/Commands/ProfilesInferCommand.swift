import ArgumentParser
import Foundation
import LongtailScan
import LongtailSupport

/// `longtail profiles infer FILE...`: a profile for logs Longtail has never seen.
struct ProfilesInferCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Write a profile for logs Longtail has not seen, explaining each choice.",
        discussion: """
        Reads the first --seconds of each file (MCAP in any encoding Longtail decodes, or a ROS 1 \
        bag) and maps what it finds to Longtail's signals: candidates from message types and \
        field names (sensor_msgs Imu, nav_msgs Odometry, geometry_msgs Twist(Stamped) and \
        Wrench(Stamped), speed, weather, ABS/ESC/TCS and mode fields by name), settled from the \
        data: the accelerometer axis that averages ±g is vertical and the gyro axis along it is \
        yaw; the horizontal axis whose means follow the change of speed is forward (its sign \
        the correlation's) and the other is left, for a right-handed frame; speed units \
        (m/s, km/h, mph) from the slope of that agreement, gyro units against odometry. \
        Every choice is preceded by its evidence and a confidence; one the data cannot settle \
        is written commented out with the reason. HDF5 files are matched to the built-in \
        layouts (reassemble, aloha, robomimic). Scan with the result: \
        `longtail scan FILE --profile PROFILE.toml`; the scan's physics checks confirm it.
        """
    )

    @Argument(help: "Log files of one layout (MCAP, ROS 1 bag or HDF5).")
    var files: [String]

    @Option(name: .shortAndLong, help: "Write the profile here (default: print it).")
    var output: String?

    @Option(help: "The profile's name (default: the first file's name).")
    var name: String?

    @Option(help: "Seconds of each log to read.")
    var seconds: Double = 600

    func validate() throws {
        guard seconds.isFinite, seconds > 0 else { throw ValidationError("--seconds must be a positive number, got \(seconds)") }
    }

    mutating func execute() throws -> Outcome {
        for f in files { if let problem = RegularFile.problem(f) { throw CLIFailure(message: "\(f): \(problem)") } }
        let stem = URL(fileURLWithPath: files[0]).deletingPathExtension().lastPathComponent
        let inferred: InferredProfile
        do { inferred = try ProfileInference.infer(paths: files, name: name ?? stem, seconds: seconds) } catch { throw CLIFailure(error) }
        let text = inferred.toml
        // What is written must load: a profile this command cannot read back is its own bug.
        do { _ = try Profile.parse(text, source: output ?? "inferred") } catch { throw CLIFailure(message: "the inferred profile does not load (\(error)); please report this") }
        if let output {
            do { try AtomicFile.write(output, text) } catch { throw CLIFailure(message: "\(output): \(error)") }
            let kept = inferred.choices.filter(\.accepted).map(\.signal)
            let left = inferred.choices.filter { !$0.accepted }.map(\.signal)
            FileHandle.standardError.write(Data("longtail: wrote \(output)\(inferred.builtin.map { " (the built-in \($0) layout)" } ?? ""): \(kept.isEmpty ? "" : "mapped \(kept.joined(separator: ", "))")\(left.isEmpty ? "" : "; left out for you to check: \(left.joined(separator: ", "))")\n".utf8))
        } else {
            let out = StandardOutput()
            out.write(text)
            out.flush()
        }
        return inferred.choices.contains { !$0.accepted } ? .warnings : .success
    }
}
