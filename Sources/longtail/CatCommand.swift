import ArgumentParser
import Foundation
import Longtail
import LongtailMCAP

struct CatCommand: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print messages as JSON lines, in log-time order.",
        discussion: """
        Each line is {"topic", "log_time", "publish_time", "sequence", "schema", "data"}. Floats \
        round-trip exactly; NaN and infinities are the strings "nan", "inf", "-inf"; byte arrays \
        are arrays of integers. Channels Longtail cannot decode print "raw" (the payload bytes) \
        instead of "data", with one warning each on stderr, and the exit code is 3.
        Times are nanoseconds since the epoch, or seconds with a decimal point (1533226490.5).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl }

    @Argument(help: "The MCAP file to read.")
    var file: String

    @Option(name: .customLong("topic"), help: "Print only this topic (repeatable).")
    var topics: [String] = []

    @Option(help: "Print messages with log_time at or after T.", transform: parseTime)
    var since: UInt64?

    @Option(help: "Print messages with log_time before T.", transform: parseTime)
    var until: UInt64?

    @Option(help: "Output format (jsonl).")
    var format: Format = .jsonl

    mutating func execute() throws -> Outcome {
        var selection = MessageDump.Selection()
        selection.topics = Set(topics)
        selection.since = since ?? 0
        selection.until = until ?? .max
        let out = StandardOutput()
        let outcome: MessageDump.Outcome
        do {
            outcome = try MessageDump.run(path: file, selection: selection, line: out.line, warning: warn)
        } catch {
            out.flush()
            throw CLIFailure(error)
        }
        out.flush()
        return outcome.undecoded.isEmpty ? .success : .warnings
    }
}

/// Parses a time: integer nanoseconds, or seconds with a decimal point.
func parseTime(_ text: String) throws -> UInt64 {
    if let ns = UInt64(text) { return ns }
    if text.contains("."), let s = Double(text), s >= 0, s < 1.8e10 { return UInt64((s * 1e9).rounded()) }
    throw ValidationError("'\(text)' is not a time: give nanoseconds (1533226490500000000) or seconds (1533226490.5)")
}
