/// A profile written by `longtail profiles infer`, with the evidence for each choice.
public struct InferredProfile: Sendable {
    /// One canonical signal and where it comes from.
    public struct Choice: Sendable, Equatable {
        public var signal: String
        public var topic: String
        public var field: String
        /// 1 when nil. A negated axis is -1; km/h is 1/3.6.
        public var scale: Double?
        public var stamp: String?
        /// "state" for signals held between messages (weather, modes).
        public var kind: String?
        public var maxGapS: Double?
        /// Values to numbers (a mode field's autonomous values → 1).
        public var map: [String: Double]?
        /// HDF5: the dataset, its column, and its timestamps (with their unit) or rate.
        public var dataset: String?
        public var column: Int?
        public var timestamps: String?
        public var timestampScale: Double?
        public var rateHz: Double?
        /// 0–1: how strongly the data supports the choice.
        public var confidence: Double
        /// Why, in words: the measurements behind the choice.
        public var evidence: [String]
        /// False: written commented out, with the evidence as the reason.
        public var accepted: Bool
    }

    public var name: String
    public var domain: String
    public var rateHz: Double
    /// The files it was inferred from.
    public var sources: [String]
    public var choices: [Choice] = []
    /// An actor list's fields by name (key, value: a quoted path, or a TOML array), written
    /// commented out: how its velocities and positions are referenced is not in the data.
    public var actors: [(String, String)]?
    public var actorEvidence: [String] = []
    /// What was found and not mapped, and other remarks.
    public var notes: [String] = []
    /// For HDF5 files: the built-in profile whose layout the file has (its TOML is the profile).
    public var builtin: String?
    /// That profile's TOML as adjusted to the file (a force sign), when it differs.
    var text: String?

    /// The choice for a canonical signal, accepted or not.
    public func choice(_ signal: String) -> Choice? { choices.first { $0.signal == signal } }

    /// The profile as TOML: each signal preceded by its evidence and confidence as comments;
    /// ambiguous ones commented out with the reason.
    public var toml: String {
        var out: [String] = []
        out.append("# Written by `longtail profiles infer` from \(sources.joined(separator: ", ")).")
        out.append("# Each choice lists its evidence; check them, then edit freely (docs/profiles.md).")
        for n in notes { out.append("# note: \(n)") }
        if let builtin, let text = text ?? BuiltinProfiles.text[builtin] {
            out.append(self.text == nil ? "# The file has the layout of the built-in profile '\(builtin)': it is used as is."
                                        : "# The file has the layout of the built-in profile '\(builtin)', adjusted as the notes say.")
            return (out + [text]).joined(separator: "\n") + "\n"
        }
        out.append("name = \(Self.quoted(name))")
        out.append("description = \(Self.quoted("inferred from \(sources.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", "))"))")
        out.append("domain = \(Self.quoted(domain))")
        out.append("rate_hz = \(Self.number(rateHz))")
        for c in choices {
            out.append("")
            for e in c.evidence { out.append("# \(c.signal): \(e)") }
            out.append("# \(c.signal): confidence \(Self.number((c.confidence * 100).rounded() / 100))\(c.accepted ? "" : "; left out (uncomment once checked)")")
            var lines = ["[[signal]]", "name = \(Self.quoted(c.signal))"]
            if let d = c.dataset {
                lines.append("dataset = \(Self.quoted(d))")
                if let k = c.column { lines.append("column = \(k)") }
                if let t = c.timestamps { lines.append("timestamps = \(Self.quoted(t))") }
                if let t = c.timestampScale { lines.append("timestamp_scale = \(Self.number(t))") }
                if let h = c.rateHz { lines.append("rate_hz = \(Self.number(h))") }
            } else {
                lines += ["topic = \(Self.quoted(c.topic))", "field = \(Self.quoted(c.field))"]
            }
            if let s = c.scale, s != 1 { lines.append("scale = \(Self.number(s))") }
            if let s = c.stamp { lines.append("stamp = \(Self.quoted(s))") }
            if let k = c.kind { lines.append("kind = \(Self.quoted(k))") }
            if let g = c.maxGapS { lines.append("max_gap_s = \(Self.number(g))") }
            if let m = c.map {
                let keys = m.keys.sorted { (Double($0) ?? .infinity, $0) < (Double($1) ?? .infinity, $1) }
                lines.append("map = { " + keys.map { "\(Self.quoted($0)) = \(Self.number(m[$0]!))" }.joined(separator: ", ") + " }")
            }
            out += c.accepted ? lines : lines.map { "# \($0)" }
        }
        if let actors {
            out.append("")
            for e in actorEvidence { out.append("# actors: \(e)") }
            out.append("# actors: left out (uncomment once checked, with velocity_frame and front_m)")
            out.append("# [actors]")
            for (k, v) in actors { out.append("# \(k) = \(v.hasPrefix("[") ? v : Self.quoted(v))") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// A number as TOML writes it: integers without a fraction, others in Swift's shortest
    /// round-trip form.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
