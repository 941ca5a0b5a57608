import ArgumentParser
import Foundation
import Longtail
import LongtailMCAP

struct InspectCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise an MCAP file: profile, library, chunks, channels, time range, sizes.",
        discussion: "Reads the summary section when the file has one; otherwise scans the whole file."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The MCAP file to inspect.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    mutating func execute() throws -> Outcome {
        let info: MCAPInfo
        do { info = try MCAPInfo.read(path: file) } catch { throw CLIFailure(error) }
        let out = StandardOutput()
        switch format {
        case .text: out.write(InspectReport.text(info))
        case .json: out.line(InspectReport.json(info))
        }
        out.flush()
        return .success
    }
}
