import ArgumentParser
import Foundation
import LongtailCatalog
import LongtailTools

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score detected events against ground-truth labels: precision, recall, F1 per event.",
        discussion: """
        A detection matches a label of the same event and source when their intervals overlap \
        with IoU at or above --iou; each is matched at most once. Reads the detections from \
        the catalog in --catalog DIR (events.jsonl for outputs without one) and labels.jsonl \
        as `longtail synth` writes it.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Option(help: "A scan's output directory.")
    var catalog: String

    @Option(help: "Ground-truth labels (JSON lines with source, event, start_ns, end_ns).")
    var labels: String

    @Option(help: "Minimum intersection over union for a match.")
    var iou: Double = 0.3

    @Option(help: "table or json.")
    var format: Format = .table

    func validate() throws {
        guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1]") }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: catalog + "/catalog.sqlite") || FileManager.default.fileExists(atPath: catalog + "/events.jsonl") else {
            throw CLIFailure(message: "\(catalog) is not a scan output: no catalog.sqlite or events.jsonl (run longtail scan --out \(catalog) first)")
        }
        let detected: [Evaluation.Interval], truth: [Evaluation.Interval]
        do { detected = try Evaluation.detections(in: catalog); truth = try Evaluation.read(labels) } catch { throw CLIFailure(error) }
        let scores = Evaluation.score(detected: detected, labels: truth, iouThreshold: iou)
        if let warning = Evaluation.sourceMismatch(detected: detected, labels: truth) {
            FileHandle.standardError.write(Data("longtail: warning: \(warning)\n".utf8))
        }
        let stdout = StandardOutput()
        defer { stdout.flush() }
        stdout.write(format == .json ? Evaluation.json(scores, iou: iou) : Evaluation.table(scores, iou: iou))
        // Which labels were missed and which detections matched nothing (the first 20 of each).
        if format == .table {
            func line(_ what: String, _ x: Evaluation.Interval) -> String {
                "\(what) \(x.event)  \(x.source)  \(CatalogTime.format(x.startNs))  \(String(format: "%.2f", Double(x.endNs - x.startNs) / 1e9)) s"
            }
            let missed = scores.flatMap(\.missed), unmatched = scores.flatMap(\.unmatched)
            if !missed.isEmpty || !unmatched.isEmpty { stdout.line("") }
            for x in missed.prefix(20) { stdout.line(line("missed:   ", x)) }
            if missed.count > 20 { stdout.line("missed:    … and \(missed.count - 20) more") }
            for x in unmatched.prefix(20) { stdout.line(line("unmatched:", x)) }
            if unmatched.count > 20 { stdout.line("unmatched: … and \(unmatched.count - 20) more") }
        }
    }
}
