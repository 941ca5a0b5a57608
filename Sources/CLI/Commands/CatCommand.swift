import ArgumentParser
import Foundation
import LongtailCatalog
import LongtailTools

struct CatCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print MCAP messages (log-time order) or ROS 1 bag messages (record order) as JSON lines, or rows of an HDF5 dataset.",
        discussion: """
        MCAP: each line is {"topic", "log_time", "publish_time", "sequence", "schema", "data"}. Floats \
        round-trip exactly; NaN and infinities are the strings "nan", "inf", "-inf"; byte arrays \
        are arrays of integers. Channels Longtail cannot decode print "raw" (the payload bytes) \
        instead of "data", with one warning each on stderr, and the exit code is 3.
        Times: nanoseconds since the epoch, seconds (1533226490.5 or 1533226490s) or an ISO 8601 time (2018-08-02T16:14:50Z), as `query` takes them.
        HDF5: --dataset PATH is required; each row prints as {"row", "value"} (jsonl) or as a CSV \
        line; --rows A:B selects rows A up to B (exclusive). float32 and small-integer datasets print \
        as float32, others as float64.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

    @Argument(help: "The MCAP (.mcap) or HDF5 (.h5) file to read.")
    var file: String

    @Option(name: .customLong("topic"), help: "Print only this topic (repeatable).")
    var topics: [String] = []

    @Option(help: "Print messages with log_time at or after T.", transform: parseTime)
    var since: UInt64?

    @Option(help: "Print messages with log_time before T.", transform: parseTime)
    var until: UInt64?

    @Option(help: "HDF5: the dataset to print.")
    var dataset: String?

    @Option(help: "HDF5: rows A:B (A inclusive, B exclusive; either may be omitted).")
    var rows: String?

    @Option(help: "Output format: jsonl (MCAP, bags and HDF5) or csv (HDF5).")
    var format: Format = .jsonl

    mutating func execute() throws -> Outcome {
        let kind: InputKind
        do { kind = try InputKind.of(file) } catch { throw CLIFailure(error) }
        if kind == .hdf5 { return try catHDF5() }
        let name = kind == .bag ? "a ROS 1 bag" : "MCAP"
        if dataset != nil || rows != nil { throw ValidationError("--dataset and --rows apply to HDF5 files; \(file) is \(name)") }
        if format == .csv { throw ValidationError("--format csv applies to HDF5 datasets; \(name) messages print as jsonl") }
        var selection = MessageDump.Selection()
        selection.topics = Set(topics)
        selection.since = since ?? 0
        selection.until = until ?? .max
        let out = StandardOutput()
        let outcome: MessageDump.Outcome
        do {
            outcome = kind == .bag ? try MessageDump.runBag(path: file, selection: selection, line: out.line, warning: warn)
                                   : try MessageDump.run(path: file, selection: selection, line: out.line, warning: warn)
        } catch {
            out.flush()
            throw CLIFailure(error)
        }
        out.flush()
        return outcome.undecoded.isEmpty ? .success : .warnings
    }
}

extension CatCommand {
    func catHDF5() throws -> Outcome {
        guard let dataset else { throw ValidationError("\(file) is HDF5: name the dataset with --dataset PATH") }
        var range: Range<Int>?
        if let rows {
            let parts = rows.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = parts[0].isEmpty ? 0 : Int(parts[0]),
                  let b = parts[1].isEmpty ? Int.max : Int(parts[1]), a >= 0, a <= b else {
                throw ValidationError("--rows takes A:B with 0 <= A <= B, got '\(rows)'")
            }
            range = a..<b
        }
        let out = StandardOutput()
        do {
            if let r = range, r.upperBound == Int.max {
                let total = try DatasetDump.rowCount(path: file, dataset: dataset)
                range = r.lowerBound..<max(r.lowerBound, total)
            }
            _ = try DatasetDump.run(path: file, dataset: dataset, rows: range,
                                    format: format == .csv ? .csv : .jsonl, line: out.line)
        } catch {
            out.flush()
            throw CLIFailure(error)
        }
        out.flush()
        return .success
    }
}

/// Parses a time in any form `query` takes (`CatalogTime.formats`); log times are not negative.
func parseTime(_ text: String) throws -> UInt64 {
    let ns: Int64
    do { ns = try CatalogTime.parse(text, flag: "--since/--until") } catch { throw ValidationError("\(error)") }
    guard ns >= 0 else { throw ValidationError("'\(text)' is before 1970: log times are not negative") }
    return UInt64(ns)
}
