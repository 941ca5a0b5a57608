import LongtailCore
import LongtailHDF5

/// Scans HDF5 episodes with a profile: the file is one episode, or each child of the
/// profile's `episode_group` is one. An episode's mapped columns are read whole (episodes
/// are short), placed on the scan clock and handed to the detectors.
struct HDF5Scanner {
    let profile: Profile
    let path: String

    /// The episodes of the file: (source name, dataset path prefix).
    func episodes(_ file: HDF5File) throws(HDF5Error) -> [(String, String)] {
        guard let group = profile.episodeGroup else { return [(path, "")] }
        let base = group.hasSuffix("/") ? group : group + "/"
        return try file.childNames(of: group).sorted { a, b in
            // demo_2 before demo_10
            let na = Int(a.filter(\.isNumber)) ?? 0, nb = Int(b.filter(\.isNumber)) ?? 0
            return (na, a) < (nb, b)
        }.map { ("\(path)#\(base)\($0)", base + $0 + "/") }
    }

    func scan(dryRun: Bool = false) throws(HDF5Error) -> [SourceScan] {
        let file = try HDF5File(path: path)
        var t0 = Int64(0)
        if let name = profile.t0Attribute, let attr = try file.attributes(of: "/").first(where: { $0.name == name }),
           case .integers(let v) = attr.value, let first = v.first {
            t0 = first
        }
        return try episodes(file).map { (source, prefix) throws(HDF5Error) in
            try scanEpisode(file, source: source, prefix: prefix, t0: t0, dryRun: dryRun)
        }
    }

    private func scanEpisode(_ file: HDF5File, source: String, prefix: String, t0: Int64, dryRun: Bool) throws(HDF5Error) -> SourceScan {
        var scan = SourceScan(source: source)
        let engine = ScanEngine(profile: profile, source: source)
        var columnsCache: [String: [Double]] = [:]
        var shapes: [String: (rows: Int, width: Int)] = [:]
        for (i, spec) in profile.signals.enumerated() {
            guard let rel = spec.dataset else { continue }
            let name = rel.hasPrefix("/") && prefix.isEmpty ? rel : prefix + (rel.hasPrefix("/") ? String(rel.dropFirst()) : rel)
            guard file.exists(name) else { continue }
            let ds = try file.dataset(name)
            let width = ds.rowWidth
            let cols = spec.columnList.isEmpty ? [0] : spec.columnList
            if let bad = cols.first(where: { $0 < 0 || $0 >= width }) {
                scan.warnings.append("signal \(spec.name): \(name) has \(width) columns, no column \(bad)")
                continue
            }
            scan.found[spec.name] = "\(name)[\(cols.map(String.init).joined(separator: ","))]"
            if dryRun { continue }
            let values: [Double]
            if let v = columnsCache[name] { values = v } else {
                values = try ds.read(Double.self)
                columnsCache[name] = values
                shapes[name] = (ds.rows, width)
                scan.bytes += UInt64(values.count * 8)
            }
            let rows = ds.rows
            var times: [Double]
            if let ts = spec.timestamps {
                let tname = prefix + (ts.hasPrefix("/") && !prefix.isEmpty ? String(ts.dropFirst()) : ts)
                guard file.exists(tname) else {
                    scan.warnings.append("signal \(spec.name): no timestamp dataset \(tname)")
                    scan.found[spec.name] = nil
                    continue
                }
                times = try file.dataset(tname).read(Double.self)
                guard times.count == rows else {
                    scan.warnings.append("signal \(spec.name): \(tname) has \(times.count) times for \(rows) rows")
                    scan.found[spec.name] = nil
                    continue
                }
            } else {
                let rate = spec.rateHz ?? profile.rateHz
                times = (0..<rows).map { Double($0) / rate }
            }
            let scale = spec.timestamps != nil ? (spec.timestampScale ?? 1e9) : 1e9
            let offset = spec.timestamps != nil ? Int64(0) : t0
            let combiner = spec.combiner()
            for r in 0..<rows {
                let v = combiner.value { values[r * width + cols[$0]] }
                engine.add(signal: i, offset + Int64((times[r] * scale).rounded()), v)
            }
        }
        let have = Set(scan.found.keys)
        scan.missing = profile.signals.map(\.name).filter { !have.contains($0) }
        if dryRun {
            scan.disabled = RobotDetector.disabled(available: have)
            return scan
        }
        engine.finish(into: &scan, available: have)
        return scan
    }
}
