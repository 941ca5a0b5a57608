/// Everything that can go wrong with an HDF5 file, naming the file and the object.
public struct HDF5Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// The dataset, group or attribute at fault, when there is one.
    public var object: String?
    public var reason: Reason

    public init(file: String, object: String? = nil, _ reason: Reason) {
        self.file = file; self.object = object; self.reason = reason
    }

    /// The causes, one line each.
    public enum Reason: Sendable, Equatable {
        /// The file does not exist or cannot be read.
        case cannotOpen(String)
        /// The file exists but is not HDF5.
        case notHDF5
        /// HDF5 could not open an HDF5 file (truncated, corrupt); HDF5's own message follows.
        case corrupt(String)
        /// No object at this path.
        case missingObject
        /// The object is a group (or other), not a dataset.
        case notADataset
        /// The dataset's elements are not numbers (strings, compounds, ...).
        case notNumeric(String)
        /// The dataset needs a filter that is neither built in, registered, nor on HDF5_PLUGIN_PATH.
        case missingFilter(id: Int32, name: String)
        /// A read failed; HDF5's message follows.
        case readFailed(String)
        /// A write failed; HDF5's message follows.
        case writeFailed(String)
        /// The requested rows are outside the dataset.
        case rowsOutOfRange(lower: Int, upper: Int, rows: Int)
        /// The declared shape holds far more values than the file stores (a hostile or
        /// damaged header): refused before anything is allocated for it.
        case implausibleSize(values: UInt64, storedBytes: UInt64)
        /// Values and shape disagree, or another misuse of the writer.
        case invalidArgument(String)
    }

    public var description: String {
        var s = file
        if let object { s += ", \(object)" }
        return s + ": " + reason.description
    }
}

extension HDF5Error.Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotOpen(let d): "cannot open: \(d)"
        case .notHDF5: "not an HDF5 file (no HDF5 signature)"
        case .corrupt(let d): "HDF5 could not open the file (truncated or corrupt?): \(d)"
        case .missingObject: "no such dataset or group"
        case .notADataset: "not a dataset"
        case .notNumeric(let t): "dataset holds \(t), not numbers"
        case .missingFilter(let id, let name):
            "needs HDF5 filter \(id) (\(name)), which is not available: install its plugin and set HDF5_PLUGIN_PATH"
        case .readFailed(let d): "read failed: \(d)"
        case .writeFailed(let d): "write failed: \(d)"
        case .rowsOutOfRange(let a, let b, let rows): "rows \(a):\(b) outside the dataset's \(rows) rows"
        case .implausibleSize(let v, let s):
            "the dataset declares \(v) values but the file stores \(s) bytes for it (more than 1000× expansion): refused as damaged"
        case .invalidArgument(let d): d
        }
    }
}
