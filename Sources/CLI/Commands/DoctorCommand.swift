import ArgumentParser
import Foundation
import LongtailTools

/// `longtail doctor FILE...`: structural problems of logs, with byte offsets.
struct DoctorCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the structure of MCAP files, ROS 1 bags and HDF5 files, like `mcap doctor`.",
        discussion: """
        MCAP: every record is read (chunks decompressed, CRCs checked); channels that name \
        undefined schemas, messages on undefined channels, messages outside their chunk's time \
        range, statistics and chunk indexes that disagree with the records, a missing summary; \
        the first damage, with its byte offset and how many messages precede it. ROS 1 bag: the \
        index against every chunk's messages. HDF5: every object's header and attributes, and \
        every numeric dataset read whole. Exit 0 when nothing is found, 3 for warnings only, \
        1 when a file has errors.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The files to check.")
    var files: [String]

    @Option(help: "text, or json: one object per file and line, {file, format, summary, errors, warnings, findings}.")
    var format: Format = .text

    mutating func execute() throws -> Outcome {
        let out = StandardOutput()
        defer { out.flush() }
        var errors = 0, warnings = 0, unreadable: [String] = []
        for f in files {
            let report: Doctor.Report
            do { report = try Doctor.examine(path: f) } catch {
                unreadable.append(error.description)
                continue
            }
            errors += report.errors
            warnings += report.warnings
            switch format {
            case .text: out.write(Doctor.text(report))
            case .json: out.line(Doctor.json(report))
            }
        }
        out.flush()
        for u in unreadable { FileHandle.standardError.write(Data("longtail: error: \(u)\n".utf8)) }
        if errors > 0 || !unreadable.isEmpty {
            throw CLIFailure(message: "\(errors) error(s) in \(files.count) file(s)" + (unreadable.isEmpty ? "" : ", \(unreadable.count) not examined"))
        }
        return warnings > 0 ? .warnings : .success
    }
}
