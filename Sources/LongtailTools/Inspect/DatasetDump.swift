import LongtailHDF5
import LongtailSupport

/// `longtail cat FILE.h5 --dataset PATH`: rows as JSON lines or CSV, streamed in blocks.
public enum DatasetDump {
    public enum Format: String, Sendable, CaseIterable { case jsonl, csv }

    /// Prints rows `rows` (all when nil) of `dataset` through `line`. float32 and small-integer
    /// datasets print as float32 (shortest exact text), others as float64.
    /// - Returns: the number of rows printed.
    /// - Throws: `HDF5Error` naming the file and dataset.
    public static func run(path: String, dataset: String, rows: Range<Int>?, format: Format,
                           line: (String) -> Void) throws(HDF5Error) -> Int {
        let file = try HDF5File(path: path)
        let ds = try file.dataset(dataset)
        let width = ds.rowWidth
        let vector = ds.shape.count >= 2
        if format == .csv {
            let names = vector ? (0..<width).map { "\(dataset)[\($0)]" } : [dataset]
            line((["row"] + names).map(csvField).joined(separator: ","))
        }
        var printed = 0
        func emit<T: HDF5Real>(_ type: T.Type, _ text: (T, inout JSONText) -> Void) throws(HDF5Error) {
            try ds.forEachBlock(type, rows: rows) { (block, range) throws(HDF5Error) in
                for (k, row) in range.enumerated() {
                    let values = block[(k * width)..<((k + 1) * width)]
                    var j = JSONText()
                    switch format {
                    case .jsonl:
                        j.raw("{\"row\":\(row),\"value\":")
                        if vector { j.raw("[") }
                        for (m, v) in values.enumerated() { if m > 0 { j.raw(",") }; text(v, &j) }
                        if vector { j.raw("]") }
                        j.raw("}")
                    case .csv:
                        j.raw(String(row))
                        for v in values {
                            j.raw(",")
                            var cell = JSONText()
                            text(v, &cell)
                            j.raw(cell.text.replacingQuotes())
                        }
                    }
                    line(j.text)
                    printed += 1
                }
            }
        }
        if ds.fitsFloat32 {
            try emit(Float.self) { v, j in j.float(v) }
        } else {
            try emit(Double.self) { v, j in j.double(v) }
        }
        return printed
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" : s
    }

    /// The number of rows of `dataset` in the file at `path`.
    public static func rowCount(path: String, dataset: String) throws -> Int {
        try HDF5File(path: path).dataset(dataset).rows
    }
}

extension String {
    /// "nan" rather than "\"nan\"" in CSV cells.
    func replacingQuotes() -> String { filter { $0 != "\"" } }
}
