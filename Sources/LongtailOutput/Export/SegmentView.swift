import Foundation
import LongtailCatalog
import LongtailCore
import LongtailHDF5
import LongtailScan

/// What `longtail show` prints about one segment: its knowledge (the record for alignment
/// segments, else built the same way from the catalog) and its key signals, read from the
/// alignment set (native rate) or the pretraining shards.
public enum SegmentView {
    /// One signal over the segment.
    public struct Signal: Sendable { public var name: String; public var values: [Float] }

    /// The key signals of each domain, in display order.
    static let keySignals = ["speed", "accel.x", "accel.y", "yaw_rate", "force.x", "force.y", "force.z", "torque.z", "position.z", "gripper"]

    /// The segment's key signals from `dir`'s tiers (empty when neither holds it).
    public static func signals(dir: String, segment s: CatalogSegment) throws -> [Signal] {
        let alignment = dir + "/alignment/segments.h5"
        if s.tier == "alignment", FileManager.default.fileExists(atPath: alignment) {
            let f = try HDF5File(path: alignment)
            return try keySignals.compactMap { name throws -> Signal? in
                let path = "/\(s.id)/\(name)/value"
                guard f.exists(path) else { return nil }
                return Signal(name: name, values: try f.dataset(path).read(Double.self).map { Float($0) })
            }
        }
        // The pretraining shard holding the source, from the manifest.
        let manifestPath = dir + "/pretrain/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath) else { return [] }
        guard let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DamagedFile(path: manifestPath, detail: "not a JSON object (damaged or truncated)")
        }
        guard let shards = manifest["shards"] as? [[String: Any]] else { return [] }
        for shard in shards {
            for src in (shard["sources"] as? [[String: Any]]) ?? [] where src["source"] as? String == s.source {
                guard let file = shard["file"] as? String, let t0 = (src["t0_ns"] as? NSNumber)?.int64Value,
                      let period = (src["period_ns"] as? NSNumber)?.int64Value, let rows = src["rows"] as? Int,
                      let group = src["group"] as? String else { continue }
                guard let r = pretrainRows(startNs: s.startNs, endNs: s.endNs, t0: t0, period: period, rows: rows) else { return [] }
                let (lo, hi) = (r.lowerBound, r.upperBound)
                let f = try HDF5File(path: dir + "/pretrain/" + file)
                let channels = (src["channels"] as? [[String: Any]]) ?? []
                return try keySignals.compactMap { name throws -> Signal? in
                    guard let c = channels.first(where: { $0["name"] as? String == name }), f.exists(group + "/" + name) else { return nil }
                    var v = try f.dataset(group + "/" + name).read(Float.self, rows: lo..<hi)
                    if let scale = c["scale"] as? Double {   // int16: stored value × scale, nan_value → NaN
                        let nanValue = Float((c["nan_value"] as? NSNumber)?.intValue ?? Int(Int16.min))
                        v = v.map { $0 == nanValue ? .nan : $0 * Float(scale) }
                    }
                    return Signal(name: name, values: v)
                }
            }
        }
        return []
    }

    /// A line of block characters for `values` squeezed into `width` cells (NaN: a space).
    public static func sparkline(_ values: [Float], width: Int) -> String {
        let finite = values.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max(), !values.isEmpty else { return String(repeating: " ", count: min(width, values.count)) }
        let blocks = Array("▁▂▃▄▅▆▇█")
        let cells = min(width, values.count)
        var out = ""
        for c in 0..<cells {
            let a = c * values.count / cells, b = max(a + 1, (c + 1) * values.count / cells)
            let slice = values[a..<b].filter { $0.isFinite }
            guard !slice.isEmpty else { out.append(" "); continue }
            // In Double: sums and spans of extreme Float values stay finite.
            let mean = slice.reduce(0.0) { $0 + Double($1) } / Double(slice.count)
            let x = hi > lo ? ((mean - Double(lo)) / (Double(hi) - Double(lo)) * 7).rounded() : 3
            out.append(blocks[x.isFinite ? Int(max(0, min(7, x))) : 3])
        }
        return out
    }

    /// Events from the catalog as detector events (facts parsed back from JSON).
    public static func events(_ s: CatalogSegment) -> [DetectedEvent] {
        s.events.map { e in
            var facts: [(String, DetectedEvent.Fact)] = []
            if let d = e.facts.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
                for k in obj.keys.sorted() {
                    if let n = obj[k] as? NSNumber { facts.append((k, .number(n.doubleValue))) } else if let t = obj[k] as? String { facts.append((k, .text(t))) }
                }
            }
            return DetectedEvent(name: e.name, kind: e.kind, startNs: e.startNs, endNs: e.endNs, confidence: e.confidence, facts: facts)
        }
    }

    /// The caption and context of a segment, as its knowledge record would have them.
    public static func caption(_ s: CatalogSegment) -> (caption: String, context: [(String, Double)]) {
        var names: [String] = [], values: [Double] = []
        if let d = s.features.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
            for (k, v) in obj { if let n = v as? NSNumber { names.append(k); values.append(n.doubleValue) } }
        }
        let domain: Profile.Domain = names.contains("speed.mean") ? .driving : .robot
        let context = Knowledge.context(features: names, values: values, domain: domain)
        return (Knowledge.caption(events: events(s), context: context), context)
    }
}

/// An output file Longtail wrote that no longer reads as it should.
public struct DamagedFile: Error, CustomStringConvertible {
    public let path: String
    public let detail: String
    public var description: String { "\(path): \(detail)" }
}
