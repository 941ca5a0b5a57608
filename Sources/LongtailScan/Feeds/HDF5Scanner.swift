import LongtailCore
import LongtailSupport
import LongtailHDF5

/// Scans HDF5 episodes with a profile: the file is one episode, or each child of the
/// profile's `episode_group` is one. An episode's mapped columns are read whole (episodes
/// are short), placed on the scan clock and handed to the detectors.
struct HDF5Scanner {
    let profile: Profile
    let path: String
    var pretrainHz: Double? = nil

    /// The episodes of the file: (source name, dataset path prefix).
    func episodes(_ file: HDF5File) throws(HDF5Error) -> [(SourceID, String)] {
        guard let group = profile.episodeGroup else { return [(SourceID(file: path), "")] }
        let base = group.hasSuffix("/") ? group : group + "/"
        return try file.childNames(of: group).sorted { a, b in
            // demo_2 before demo_10
            let na = Int(a.filter(\.isNumber)) ?? 0, nb = Int(b.filter(\.isNumber)) ?? 0
            return (na, a) < (nb, b)
        }.map { (SourceID(file: path, episode: base + $0), base + $0 + "/") }
    }

    func scan(dryRun: Bool = false) throws(HDF5Error) -> [SourceScan] {
        let file = try HDF5File(path: path)
        return try episodes(file).map { (source, prefix) throws(HDF5Error) in
            let (t0, problem) = startTime(file, episode: prefix)
            var scan = try scanEpisode(file, source: source, prefix: prefix, t0: t0, dryRun: dryRun)
            if let problem { scan.warnings.append(problem) }
            return scan
        }
    }

    /// An episode's start time from the profile's `t0_attribute`: `NAME` (an attribute of
    /// the file's root), `/OBJECT@NAME` (of any group or dataset), `OBJECT@NAME` (of an
    /// object under the episode group) or `@NAME` (of the episode group itself). Integers are
    /// nanoseconds, floats seconds. 0 without one; with one that is not there, 0 and why.
    func startTime(_ file: HDF5File, episode prefix: String) -> (Int64, String?) {
        guard let spec = profile.t0Attribute else { return (0, nil) }
        let object: String, name: String
        if let at = spec.lastIndex(of: "@") {
            let path = String(spec[..<at])
            name = String(spec[spec.index(after: at)...])
            let episode = prefix.isEmpty ? "/" : String(prefix.dropLast())
            object = path.hasPrefix("/") ? path : path.isEmpty ? episode : (prefix.isEmpty ? "/" : prefix) + path
        } else {
            (object, name) = ("/", spec)
        }
        let missing = "t0_attribute \(spec): no numeric attribute '\(name)' on \(object); times are taken as they are (from 0)"
        guard let attr = (try? file.attributes(of: object))?.first(where: { $0.name == name }) else { return (0, missing) }
        switch attr.value {
        case .integers(let v) where !v.isEmpty: return (v[0], nil)
        case .floats(let v) where !v.isEmpty && v[0].isFinite && abs(v[0]) < 9e9: return (Int64((v[0] * 1e9).rounded()), nil)
        default: return (0, missing)
        }
    }

    /// One mapped signal of an episode at its native rate.
    struct Samples { var signal: Int; var times: [Int64]; var values: [Double] }

    /// Every mapped signal of one episode, where each was found and why one was not.
    struct EpisodeSamples {
        var series: [Samples] = []
        /// Canonical signal → `dataset[columns]`.
        var found: [String: String] = [:]
        var warnings: [String] = []
        /// Bytes of values read.
        var bytes: UInt64 = 0
    }

    private func scanEpisode(_ file: HDF5File, source: SourceID, prefix: String, t0: Int64, dryRun: Bool) throws(HDF5Error) -> SourceScan {
        var scan = SourceScan(id: source)
        let engine = ScanEngine(profile: profile, source: source.text, pretrainHz: pretrainHz)
        let episode = try samples(file, prefix: prefix, t0: t0, dryRun: dryRun)
        for s in episode.series {
            for r in s.times.indices { engine.add(signal: s.signal, s.times[r], s.values[r]) }
        }
        scan.found = episode.found
        scan.warnings = episode.warnings
        scan.bytes = episode.bytes
        let have = Set(scan.found.keys)
        scan.missing = profile.signals.map(\.name).filter { !have.contains($0) }
        if dryRun {
            scan.disabled = EventTable.disabled(in: profile.domain, available: have)
            return scan
        }
        engine.finish(into: &scan, available: have)
        return scan
    }

    /// Every mapped signal of the episode under `prefix`, in profile order.
    func samples(_ file: HDF5File, prefix: String, t0: Int64, dryRun: Bool = false) throws(HDF5Error) -> EpisodeSamples {
        var scan = EpisodeSamples()
        var columnsCache: [String: [Double]] = [:]
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
            var s = Samples(signal: i, times: [], values: [])
            s.times.reserveCapacity(rows); s.values.reserveCapacity(rows)
            var unusable = 0
            for r in 0..<rows {
                // A time that is not a number or lies beyond ±292 years of the epoch is no
                // time: the row is dropped (and counted), never converted into a trap.
                let ns = (times[r] * scale).rounded()
                guard ns.isFinite, abs(ns) < 9.2e18, case let (t, overflow) = offset.addingReportingOverflow(Int64(ns)), !overflow else {
                    unusable += 1
                    continue
                }
                s.values.append(combiner.value { values[r * width + cols[$0]] })
                s.times.append(t)
            }
            if unusable > 0 { scan.warnings.append("signal \(spec.name): \(unusable) of \(rows) rows have no usable time (NaN, infinite or out of range) and were dropped") }
            scan.series.append(s)
        }
        return scan
    }
}
