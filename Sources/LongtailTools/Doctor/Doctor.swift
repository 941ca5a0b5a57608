#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LongtailBag
import LongtailHDF5
import LongtailMCAP
import LongtailSupport

/// `longtail doctor FILE`: the structural problems of a log, like `mcap doctor`: every record
/// read and checked against the others and against the summary, each problem with its byte
/// offset, and how much of the file a reader can still use.
public enum Doctor {
    /// One problem (or remark) found.
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case error, warning, info }
        public var severity: Severity
        /// Byte offset in the file, where the problem has one.
        public var offset: UInt64?
        public var message: String
    }

    /// What the doctor found in one file.
    public struct Report: Sendable {
        public var path: String
        /// "mcap", "bag" or "hdf5".
        public var format: String
        /// One line: records, messages, channels, chunks (or datasets) seen.
        public var summary = ""
        public var findings: [Finding] = []
        public var errors: Int { findings.filter { $0.severity == .error }.count }
        public var warnings: Int { findings.filter { $0.severity == .warning }.count }

        mutating func add(_ severity: Finding.Severity, _ message: String, at offset: UInt64? = nil) {
            findings.append(Finding(severity: severity, offset: offset, message: message))
        }
    }

    /// Examines one file (told apart by its first bytes).
    /// - Throws: nothing for a damaged file (its damage is the report); `Doctor.Unreadable`
    ///   when it cannot be opened at all or is none of the three formats.
    public static func examine(path: String) throws(Unreadable) -> Report {
        if let problem = RegularFile.problem(path) { throw Unreadable(path: path, reason: problem) }
        let head = FileHead.bytes(path, 16)
        if BagReader.looksLikeBag(Array(head.prefix(7))) { return BagDoctor.examine(path: path) }
        if HDF5File.isHDF5(path: path) { return HDF5Doctor.examine(path: path) }
        if head.starts(with: [0x89, 0x4D, 0x43, 0x41, 0x50]) { return MCAPDoctor.examine(path: path) }
        let shown = head.prefix(8).map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        throw Unreadable(path: path, reason: "not an MCAP, ROS 1 bag or HDF5 file (first bytes: \(shown))")
    }

    /// A file the doctor cannot examine at all.
    public struct Unreadable: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The report as text: the summary, then one line per finding.
    public static func text(_ r: Report) -> String {
        var s = "\(r.path) (\(r.format)): \(r.summary)\n"
        for f in r.findings {
            s += "  \(f.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(f.offset.map { "at byte \($0): " } ?? "")\(f.message)\n"
        }
        s += r.findings.isEmpty ? "  no problems found\n" : "  \(r.errors) error(s), \(r.warnings) warning(s)\n"
        return s
    }

    /// The report as one JSON object: `{file, format, summary, errors, warnings, findings: [{severity, offset, message}]}`.
    public static func json(_ r: Report) -> String {
        var j = JSONText()
        j.raw("{"); j.key("file", first: true); j.string(r.path); j.key("format"); j.string(r.format)
        j.key("summary"); j.string(r.summary); j.key("errors"); j.int(r.errors); j.key("warnings"); j.int(r.warnings)
        j.key("findings"); j.raw("[")
        for (i, f) in r.findings.enumerated() {
            if i > 0 { j.raw(",") }
            j.raw("{"); j.key("severity", first: true); j.string(f.severity.rawValue)
            j.key("offset"); if let o = f.offset { j.uint(o) } else { j.raw("null") }
            j.key("message"); j.string(f.message); j.raw("}")
        }
        j.raw("]}")
        return j.text
    }
}

/// The first bytes of a file.
enum FileHead {
    static func bytes(_ path: String, _ count: Int) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var b = [UInt8](repeating: 0, count: count)
        let n = fread(&b, 1, count, f)
        return Array(b.prefix(n))
    }
}
