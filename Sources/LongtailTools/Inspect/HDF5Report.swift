import LongtailHDF5
import LongtailSupport

/// `longtail inspect FILE.h5`: groups, datasets with shape, type, chunking, filters, attributes.
public enum HDF5Report {
    /// One object's line in the report.
    public struct Entry: Sendable {
        public var path: String
        public var isGroup: Bool
        public var shape: [Int] = []
        public var type: String = ""
        public var chunks: [Int]?
        public var filters: [String] = []
        public var attributes: [HDF5Attribute] = []
        /// What could not be read of this object (damaged attributes, a dataset that does not
        /// open); the rest of the report goes on.
        public var problem: String?
    }

    /// Walks the file. An object whose attributes or dataset header cannot be read is
    /// listed with its `problem`.
    /// - Throws: `HDF5Error` naming the file, when it cannot be opened or walked.
    public static func read(path: String) throws(HDF5Error) -> [Entry] {
        let file = try HDF5File(path: path)
        func entry(_ path: String, isGroup: Bool) -> Entry {
            var e = Entry(path: path, isGroup: isGroup)
            do { e.attributes = try file.attributes(of: path) } catch { e.problem = "attributes: \(error.reason)" }
            return e
        }
        var out = [entry("/", isGroup: true)]
        for node in try file.walk() where node.kind != .other {
            var e = entry(node.path, isGroup: node.kind == .group)
            if node.kind == .dataset {
                let ds: HDF5Dataset
                do { ds = try file.dataset(node.path) } catch {
                    e.problem = [e.problem, "dataset: \(error.reason)"].compactMap { $0 }.joined(separator: "; ")
                    out.append(e)
                    continue
                }
                e.shape = ds.shape
                e.type = ds.typeName
                e.chunks = ds.chunkShape
                e.filters = ds.filters.map { f in
                    let name = switch f.id { case 1: "deflate"; case 2: "shuffle"; case 3: "fletcher32"; case 32015: "zstd"; default: f.name }
                    return f.parameters.isEmpty || f.id == 2 || f.id == 3 ? "\(name)" : "\(name)(\(f.parameters.map(String.init).joined(separator: ",")))"
                }
            }
            out.append(e)
        }
        return out
    }

    /// Text, one object per line, indented by depth.
    public static func text(_ entries: [Entry], path: String) -> String {
        var s = "file: \(path)\n"
        for e in entries {
            let depth = e.path == "/" ? 0 : e.path.split(separator: "/").count
            let indent = String(repeating: "  ", count: depth)
            let name = e.path == "/" ? "/" : String(e.path.split(separator: "/").last!)
            if e.isGroup {
                s += e.path == "/" ? "/\n" : "\(indent)\(name)/\n"
            } else {
                let shape = "(" + e.shape.map(String.init).joined(separator: ", ") + ")"
                let chunks = e.chunks.map { " chunks (" + $0.map(String.init).joined(separator: ", ") + ")" } ?? " contiguous"
                let filters = e.filters.isEmpty ? "" : " [" + e.filters.joined(separator: ", ") + "]"
                s += "\(indent)\(name)  \(e.type) \(shape)\(chunks)\(filters)\n"
            }
            for a in e.attributes { s += "\(indent)  @\(a.name) = \(describe(a.value))\n" }
            if let p = e.problem { s += "\(indent)  ! \(p)\n" }
        }
        return s
    }

    static func describe(_ v: HDF5AttributeValue) -> String {
        switch v {
        case .integers(let x): x.count == 1 ? String(x[0]) : "[" + x.map(String.init).joined(separator: ", ") + "]"
        case .floats(let x): x.count == 1 ? "\(x[0])" : "[" + x.map { "\($0)" }.joined(separator: ", ") + "]"
        case .strings(let x):
            x.count == 1 ? quoted(x[0]) : "[" + x.map(quoted).joined(separator: ", ") + "]"
        case .unsupported(let t): "<\(t)>"
        }
    }

    static func quoted(_ s: String) -> String {
        let short = s.count > 120 ? String(s.prefix(117)) + "..." : s
        return "\"" + short + "\""
    }

    /// One JSON object: `{"file", "objects": [...]}`.
    public static func json(_ entries: [Entry], path: String) -> String {
        var j = JSONText()
        j.raw("{")
        j.key("file", first: true); j.string(path)
        j.key("objects"); j.raw("[")
        for (i, e) in entries.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{")
            j.key("path", first: true); j.string(e.path)
            j.key("kind"); j.string(e.isGroup ? "group" : "dataset")
            if !e.isGroup {
                j.key("shape"); j.raw("[" + e.shape.map(String.init).joined(separator: ",") + "]")
                j.key("dtype"); j.string(e.type)
                j.key("chunks"); j.raw(e.chunks.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "null")
                j.key("filters"); j.raw("[")
                for (k, f) in e.filters.enumerated() { if k > 0 { j.raw(",") }; j.string(f) }
                j.raw("]")
            }
            j.key("attributes"); j.raw("{")
            for (k, a) in e.attributes.enumerated() {
                j.key(a.name, first: k == 0)
                switch a.value {
                case .integers(let x): j.raw(x.count == 1 ? String(x[0]) : "[" + x.map(String.init).joined(separator: ",") + "]")
                case .floats(let x):
                    if x.count == 1 { j.double(x[0]) } else {
                        j.raw("[")
                        for (m, v) in x.enumerated() { if m > 0 { j.raw(",") }; j.double(v) }
                        j.raw("]")
                    }
                case .strings(let x):
                    if x.count == 1 { j.string(x[0]) } else {
                        j.raw("[")
                        for (m, v) in x.enumerated() { if m > 0 { j.raw(",") }; j.string(v) }
                        j.raw("]")
                    }
                case .unsupported(let t): j.string("<\(t)>")
                }
            }
            j.raw("}")
            if let p = e.problem { j.key("problem"); j.string(p) }
            j.raw("}")
        }
        j.raw("]}")
        return j.text
    }
}
