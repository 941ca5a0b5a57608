import ArgumentParser
import Foundation
import LongtailBag
import LongtailTools

struct InspectCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise an MCAP file, a ROS 1 bag or an HDF5 file.",
        discussion: """
        MCAP: profile, library, chunk compression, channels (schema, encoding, count, rate), time \
        range and sizes, from the summary section when the file has one, otherwise from a full scan. \
        ROS 1 bag: compression, connections (type, md5sum, count, rate), time range, from the \
        bag's index, or from a full scan when the recorder did not write one. \
        HDF5: every group and dataset with shape, type, chunking, filters and attributes.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The MCAP (.mcap) or HDF5 (.h5) file to inspect.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    mutating func execute() throws -> Outcome {
        let kind: InputKind
        do { kind = try InputKind.of(file) } catch { throw CLIFailure(error) }
        if kind == .bag {
            let report: (index: BagIndex, size: UInt64)
            do { report = try BagReport.read(path: file) } catch { throw CLIFailure(error) }
            let out = StandardOutput()
            switch format {
            case .text: out.write(BagReport.text(report.index, path: file, size: report.size))
            case .json: out.line(BagReport.json(report.index, path: file, size: report.size))
            }
            out.flush()
            return .success
        }
        if kind == .hdf5 {
            let entries: [HDF5Report.Entry]
            do { entries = try HDF5Report.read(path: file) } catch { throw CLIFailure(error) }
            let out = StandardOutput()
            switch format {
            case .text: out.write(HDF5Report.text(entries, path: file))
            case .json: out.line(HDF5Report.json(entries, path: file))
            }
            out.flush()
            let damaged = entries.filter { $0.problem != nil }
            for e in damaged { FileHandle.standardError.write(Data("longtail: warning: \(file), \(e.path): \(e.problem!)\n".utf8)) }
            return damaged.isEmpty ? .success : .warnings
        }
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
