import Foundation
import LongtailCatalog
import LongtailSupport

/// `longtail eval`: detected events against ground-truth labels, per event class. A
/// detection matches a label of the same class and source when their intervals overlap
/// with IoU ≥ the threshold; each label and each detection is matched at most once
/// (greedily, best IoU first).
///
/// An interval with an `outcome` fact (an insertion: seated, jammed, aborted) also counts
/// in a class of its own, `insert:jammed`, so that a failed insertion reported as a
/// success scores as a miss and a false detection there. Detections at confidence ≥ 0.9
/// are counted apart: how often a confident detection is true.
public enum Evaluation {
    /// The confidence from which a detection counts as confident.
    public static let confident = 0.9

    /// One interval of one class in one source.
    public struct Interval: Sendable, Equatable {
        public var source: String
        public var event: String
        public var startNs: Int64
        public var endNs: Int64
        /// The detector's confidence (nil for labels).
        public var confidence: Double?
        /// The `outcome` fact, where the event has one.
        public var outcome: String?

        public init(source: String, event: String, startNs: Int64, endNs: Int64, confidence: Double? = nil, outcome: String? = nil) {
            self.source = source; self.event = event; self.startNs = startNs; self.endNs = endNs
            self.confidence = confidence; self.outcome = outcome
        }

        /// The interval in its outcome's class (`insert:jammed`), or nil without an outcome.
        var outcomeClass: Interval? {
            guard let outcome else { return nil }
            var c = self
            c.event = event + ":" + outcome
            c.outcome = nil
            return c
        }
    }

    /// Counts for one event class.
    public struct ClassScore: Sendable, Equatable {
        public var event: String
        public var truePositives = 0
        public var falsePositives = 0
        public var misses = 0
        /// Detections at confidence ≥ `Evaluation.confident`: matched, and not.
        public var confidentTrue = 0
        public var confidentFalse = 0
        /// A class of outcomes (`insert:jammed`), left out of the total.
        public var isOutcome: Bool { event.contains(":") }
        /// The labels no detection matched, and the detections that matched no label.
        public var missed: [Interval] = []
        public var unmatched: [Interval] = []
        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + misses == 0 ? 1 : Double(truePositives) / Double(truePositives + misses) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// A line that is not a usable label or event.
    public struct BadLine: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var detail: String
        public var description: String { "\(file):\(line): \(detail)" }
    }

    public static func iou(_ a: Interval, _ b: Interval) -> Double {
        let inter = max(0, min(a.endNs, b.endNs) - max(a.startNs, b.startNs))
        let union = max(a.endNs, b.endNs) - min(a.startNs, b.startNs)
        return union <= 0 ? (a.startNs == b.startNs ? 1 : 0) : Double(inter) / Double(union)
    }

    /// Reads `{"source", "event", "start_ns", "end_ns", ...}` lines (labels or scan events).
    /// The detections of a scan's output directory: from its catalog, else (older outputs)
    /// from its `events.jsonl`. Sources are named by file name, as labels name them.
    public static func detections(in dir: String) throws -> [Interval] {
        if FileManager.default.fileExists(atPath: dir + "/" + Catalog.fileName) {
            return try Catalog(opening: dir).distinctEvents().map {
                Interval(source: SourceID(parsing: $0.source).shortName, event: $0.name, startNs: $0.startNs, endNs: $0.endNs,
                         confidence: $0.confidence, outcome: outcome(factsJSON: $0.facts))
            }
        }
        return try read(dir + "/events.jsonl")
    }

    public static func read(_ path: String) throws -> [Interval] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BadLine(file: path, line: 0, detail: "cannot read the file")
        }
        var out: [Interval] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw BadLine(file: path, line: i + 1, detail: "not a JSON object")
            }
            guard let source = obj["source"] as? String, let event = obj["event"] as? String,
                  let s = (obj["start_ns"] as? NSNumber)?.int64Value, let e = (obj["end_ns"] as? NSNumber)?.int64Value else {
                throw BadLine(file: path, line: i + 1, detail: "needs source, event, start_ns and end_ns")
            }
            out.append(Interval(source: source, event: event, startNs: s, endNs: e, confidence: (obj["confidence"] as? NSNumber)?.doubleValue,
                                outcome: (obj["facts"] as? [String: Any])?["outcome"] as? String))
        }
        return out
    }

    /// The `outcome` of a facts object in JSON, or nil.
    static func outcome(factsJSON: String) -> String? {
        guard factsJSON.contains("outcome"),
              let obj = try? JSONSerialization.jsonObject(with: Data(factsJSON.utf8)) as? [String: Any] else { return nil }
        return obj["outcome"] as? String
    }

    /// Per-class scores of `detected` against `labels` at `iouThreshold`, sorted by class.
    /// Classes that appear in either list are reported; `only` restricts to given sources.
    public static func score(detected: [Interval], labels: [Interval], iouThreshold: Double) -> [ClassScore] {
        let detected = detected + detected.compactMap(\.outcomeClass), labels = labels + labels.compactMap(\.outcomeClass)
        var scores: [String: ClassScore] = [:]
        let keys = Set(detected.map { [$0.source, $0.event] } + labels.map { [$0.source, $0.event] })
        for key in keys.sorted(by: { $0.joined(separator: "\u{0}") < $1.joined(separator: "\u{0}") }) {
            let d = detected.filter { $0.source == key[0] && $0.event == key[1] }
            let l = labels.filter { $0.source == key[0] && $0.event == key[1] }
            var pairs: [(Double, Int, Int)] = []
            for (i, x) in d.enumerated() { for (j, y) in l.enumerated() { let v = iou(x, y); if v >= iouThreshold { pairs.append((v, i, j)) } } }
            pairs.sort { ($0.0, -$0.1, -$0.2) > ($1.0, -$1.1, -$1.2) }
            var usedD = Set<Int>(), usedL = Set<Int>()
            for (_, i, j) in pairs where !usedD.contains(i) && !usedL.contains(j) { usedD.insert(i); usedL.insert(j) }
            var s = scores[key[1]] ?? ClassScore(event: key[1])
            s.truePositives += usedD.count
            s.falsePositives += d.count - usedD.count
            s.misses += l.count - usedL.count
            for (i, x) in d.enumerated() where (x.confidence ?? 0) >= confident {
                if usedD.contains(i) { s.confidentTrue += 1 } else { s.confidentFalse += 1 }
            }
            s.missed += l.indices.filter { !usedL.contains($0) }.map { l[$0] }
            s.unmatched += d.indices.filter { !usedD.contains($0) }.map { d[$0] }
            scores[key[1]] = s
        }
        return scores.values.sorted { $0.event < $1.event }
    }

    /// A warning when the labels and the detections name no source in common (labels of
    /// another archive score every class zero), nil otherwise.
    public static func sourceMismatch(detected: [Interval], labels: [Interval]) -> String? {
        let a = Set(labels.map(\.source)), b = Set(detected.map(\.source))
        guard !a.isEmpty, !b.isEmpty, a.isDisjoint(with: b) else { return nil }
        return "the labels name none of the scanned sources (labels: \(a.sorted().prefix(3).joined(separator: ", ")); "
            + "scan: \(b.sorted().prefix(3).joined(separator: ", "))): are they from another archive?"
    }

    /// All classes together.
    public static func total(_ scores: [ClassScore]) -> ClassScore {
        var t = ClassScore(event: "all")
        for s in scores where !s.isOutcome {
            t.truePositives += s.truePositives; t.falsePositives += s.falsePositives; t.misses += s.misses
            t.confidentTrue += s.confidentTrue; t.confidentFalse += s.confidentFalse
        }
        return t
    }

    /// The table `longtail eval` prints.
    public static func table(_ scores: [ClassScore], iou: Double) -> String {
        let width = max(26, (scores.map(\.event.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        func f(_ v: Double) -> String { String(format: "%.3f", v) }
        var out = pad("event (IoU ≥ \(iou))", width) + lpad("precision", 10) + lpad("recall", 8) + lpad("F1", 7) + lpad("TP", 6) + lpad("FP", 5) + lpad("missed", 8) + "\n"
        for s in scores + [total(scores)] {
            out += pad(s.event, width) + lpad(f(s.precision), 10) + lpad(f(s.recall), 8) + lpad(f(s.f1), 7)
                + lpad(String(s.truePositives), 6) + lpad(String(s.falsePositives), 5) + lpad(String(s.misses), 8) + "\n"
        }
        let t = total(scores)
        if t.confidentTrue + t.confidentFalse > 0 {
            out += "\nconfidence ≥ \(confident): \(t.confidentTrue) of \(t.confidentTrue + t.confidentFalse) detections true ("
                + f(Double(t.confidentTrue) / Double(t.confidentTrue + t.confidentFalse)) + ")\n"
        }
        return out
    }

    /// The JSON `longtail eval --format json` prints.
    public static func json(_ scores: [ClassScore], iou: Double) -> String {
        var j = JSONText()
        j.raw("{"); j.key("iou", first: true); j.double(iou); j.key("events"); j.raw("[")
        for (i, s) in (scores + [total(scores)]).enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("event", first: true); j.string(s.event)
            j.key("precision"); j.double(s.precision); j.key("recall"); j.double(s.recall); j.key("f1"); j.double(s.f1)
            j.key("true_positives"); j.raw(String(s.truePositives)); j.key("false_positives"); j.raw(String(s.falsePositives))
            j.key("misses"); j.raw(String(s.misses))
            j.key("confident_true"); j.raw(String(s.confidentTrue)); j.key("confident_false"); j.raw(String(s.confidentFalse)); j.raw("}")
        }
        j.raw("]}\n")
        return j.text
    }
}
