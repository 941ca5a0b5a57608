import LongtailHDF5

/// `doctor` for HDF5: every object's header and attributes (as `inspect` reads them), and
/// every numeric dataset read whole, block by block, as a scan would.
enum HDF5Doctor {
    static func examine(path: String) -> Doctor.Report {
        var r = Doctor.Report(path: path, format: "hdf5")
        let entries: [HDF5Report.Entry]
        do { entries = try HDF5Report.read(path: path) } catch {
            r.add(.error, "\(error.reason)")
            r.summary = "unreadable"
            return r
        }
        for e in entries { if let p = e.problem { r.add(.error, "\(e.path): \(p)") } }
        var datasets = 0, read = 0
        if let file = try? HDF5File(path: path) {
            for e in entries where !e.isGroup && !(e.problem ?? "").contains("dataset:") {
                datasets += 1
                guard let ds = try? file.dataset(e.path), ds.typeClass == "integer" || ds.typeClass == "float" else { continue }
                do {
                    try ds.forEachBlock(Double.self) { (_, _) throws(HDF5Error) in }
                    read += 1
                } catch {
                    r.add(.error, "\(e.path): \(error.reason)")
                }
            }
        }
        r.summary = "\(entries.count) objects, \(datasets) datasets, \(read) numeric datasets read whole"
        return r
    }
}
