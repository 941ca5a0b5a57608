import LongtailHDF5

/// `profiles infer` for an HDF5 file no built-in layout fits: robot signals from datasets by
/// name and shape, each timed by a timestamp dataset of as many rows (in its group, or
/// `timestamps/NAME` as REASSEMBLE keeps them) or by a `rate_hz` attribute.
enum HDF5Inference {
    struct Candidate { var path: String; var rows: Int; var width: Int }

    static func infer(_ file: HDF5File, paths: [String], name: String) throws(HDF5Error) -> InferredProfile? {
        var datasets: [Candidate] = []
        for node in try file.walk() where node.kind == .dataset {
            guard let ds = try? file.dataset(node.path), ds.typeClass == "integer" || ds.typeClass == "float", ds.shape.count <= 2 else { continue }
            datasets.append(Candidate(path: node.path, rows: ds.rows, width: ds.rowWidth))
        }
        func leaf(_ p: String) -> String { String(p.split(separator: "/").last ?? "").lowercased() }
        func named(_ words: [String], width: Int) -> Candidate? {
            datasets.filter { c in c.width >= width && words.contains { leaf(c.path).contains($0) } && !isTime(leaf(c.path)) }
                .max { $0.rows < $1.rows }
        }
        var r = InferredProfile(name: name, domain: "robot", rateHz: 0, sources: paths)
        var rates: [Double] = []
        // Times for a dataset: a timestamp dataset with as many rows, or a rate attribute.
        func timing(_ c: Candidate) -> (timestamps: String?, scale: Double?, rate: Double?, evidence: String)? {
            let group = c.path.split(separator: "/").dropLast().joined(separator: "/")
            let candidates = datasets.filter { t in
                t.rows == c.rows && t.width == 1 && isTime(leaf(t.path))
                    && (t.path.split(separator: "/").dropLast().joined(separator: "/") == group || t.path.hasSuffix("/timestamps/" + leaf(c.path)))
            }
            if let t = candidates.first(where: { $0.path.hasSuffix("/timestamps/" + leaf(c.path)) }) ?? candidates.first,
               let times = try? file.dataset(t.path).read(Double.self, rows: 0..<min(c.rows, 1000)), times.count >= 2 {
                let step = (times.last! - times.first!) / Double(times.count - 1), first = abs(times.first!)
                // Seconds, ms, µs or ns: since an epoch the magnitude says which (2020 is 1.6e9 s);
                // from zero the step does (a robot samples faster than 2 Hz).
                let scale: Double? = first > 1e16 ? 1 : first > 1e13 ? 1e3 : first > 1e10 ? 1e6 : first > 1e8 ? nil
                    : step >= 1e5 ? 1 : step >= 100 ? 1e3 : step >= 0.5 ? 1e6 : nil
                let seconds = step * (scale ?? 1e9) / 1e9
                guard seconds > 0, seconds.isFinite else { return nil }
                rates.append(1 / seconds)
                return (t.path, scale, nil, "timed by \(t.path) (\(Int((1 / seconds).rounded())) Hz)")
            }
            for object in [c.path, "/" + group, "/"] {
                if let attrs = try? file.attributes(of: object.isEmpty ? "/" : object),
                   let a = attrs.first(where: { ["rate_hz", "rate", "fps", "frequency", "hz"].contains($0.name.lowercased()) }) {
                    let v: Double? = switch a.value { case .integers(let x): x.first.map(Double.init); case .floats(let x): x.first; default: nil }
                    if let v, v > 0, v <= 100_000 { rates.append(v); return (nil, nil, v, "at \(v) Hz (\(object)@\(a.name))") }
                }
            }
            return nil
        }
        func add(_ signal: String, _ c: Candidate, column: Int, scale: Double = 1, why: String, confidence: Double) {
            guard let t = timing(c) else {
                r.notes.append("\(signal) would come from \(c.path)[\(column)] but nothing times its rows (no timestamp dataset of \(c.rows) rows, no rate_hz attribute)")
                return
            }
            var choice = InferredProfile.Choice(signal: signal, topic: "", field: "", scale: scale == 1 ? nil : scale, confidence: confidence,
                                                evidence: [why, t.evidence], accepted: true)
            choice.dataset = c.path; choice.column = column; choice.timestamps = t.timestamps; choice.timestampScale = t.scale; choice.rateHz = t.rate
            r.choices.append(choice)
        }
        if let f = named(["force", "wrench", "ft"], width: 3) {
            for (k, s) in ["force.x", "force.y", "force.z"].enumerated() {
                add(s, f, column: k, why: "\(f.path) (\(f.rows) × \(f.width)) by name: column \(k)", confidence: 0.6)
            }
            if f.width >= 6 {
                add("torque.z", f, column: 5, why: "\(f.path) has 6 columns: force then torque, torque z in column 5", confidence: 0.5)
            } else if let t = named(["torque"], width: 3) {
                add("torque.z", t, column: 2, why: "\(t.path) (\(t.rows) × \(t.width)) by name: column 2", confidence: 0.6)
            }
        }
        if let p = named(["eef_pos", "ee_pos", "position", "pose", "tcp", "pos"], width: 3) {
            for (k, s) in ["position.x", "position.y", "position.z"].enumerated() {
                add(s, p, column: k, why: "\(p.path) (\(p.rows) × \(p.width)) by name: column \(k)", confidence: 0.5)
            }
        }
        if let g = named(["gripper"], width: 1) {
            add("gripper", g, column: 0, why: "\(g.path) by name: column 0", confidence: 0.5)
        }
        guard !r.choices.isEmpty else { return nil }
        r.rateHz = min(1000, max(10, ((rates.max() ?? 100) / 10).rounded() * 10))
        if r.choices.contains(where: { $0.signal == "force.z" }), !r.choices.contains(where: { $0.signal == "position.z" }) {
            if let i = r.choices.firstIndex(where: { $0.signal == "force.z" }) {
                r.choices[i].accepted = false; r.choices[i].confidence = 0.3
                r.choices[i].evidence.append("no position.z to tell pressing from pulling by the motion: its sign is not settled")
            }
        }
        // position.z grows as the tool advances: the motion just before each contact begins.
        if let k = r.choices.firstIndex(where: { $0.signal == "position.z" }), let f = r.choices.first(where: { $0.signal == "force.z" }),
           let approach = approachSign(file, force: f, position: r.choices[k]) {
            r.choices[k].evidence.append(approach.evidence)
            if approach.sign == 0 {
                // Neither position.z's nor (through it) force.z's sign is settled: both left out.
                for s in ["position.z", "force.z"] {
                    if let i = r.choices.firstIndex(where: { $0.signal == s }) { r.choices[i].accepted = false; r.choices[i].confidence = 0.3 }
                }
                if let i = r.choices.firstIndex(where: { $0.signal == "force.z" }) { r.choices[i].evidence.append("its sign follows from position.z's, which is not settled") }
                return r
            }
            r.choices[k].scale = approach.sign < 0 ? -1 : nil
            r.choices[k].confidence = 0.7
        }
        // The force's sign against the motion, as for the built-in layouts.
        if var p = try? Profile.parse(r.toml, source: "inferred") {
            p.name = name
            let check = ProfileInference.forceSign(file, p)
            if let k = r.choices.firstIndex(where: { $0.signal == "force.z" }) {
                r.choices[k].evidence.append(check.evidence)
                if check.flip { r.choices[k].scale = -(r.choices[k].scale ?? 1) }
            }
        }
        return r
    }

    /// The direction the tool moves along z in the 0.3 s before each contact begins (the
    /// force leaving its resting value by 3 N after 0.5 s within 1 N of it): the approach.
    static func approachSign(_ file: HDF5File, force: InferredProfile.Choice, position: InferredProfile.Choice) -> (sign: Double, evidence: String)? {
        func series(_ c: InferredProfile.Choice) -> (t: [Double], v: [Double])? {
            guard let d = c.dataset, let k = c.column, let ds = try? file.dataset(d), k < ds.rowWidth,
                  let all = try? ds.read(Double.self) else { return nil }
            let v = stride(from: k, to: all.count, by: ds.rowWidth).map { all[$0] }
            let scale = (c.timestampScale ?? 1e9) / 1e9
            if let ts = c.timestamps, let t = try? file.dataset(ts).read(Double.self), t.count == v.count { return (t.map { $0 * scale }, v) }
            if let h = c.rateHz { return ((0..<v.count).map { Double($0) / h }, v) }
            return nil
        }
        guard let f = series(force), let z = series(position), f.v.count > 100, z.v.count > 10 else { return nil }
        let rest = f.v.sorted()[f.v.count / 2]
        var quietSince: Double? = f.t.first, inContact = false, onsets: [Double] = []
        for i in f.v.indices {
            let d = abs(f.v[i] - rest), t = f.t[i]
            if inContact {
                if d < 1 { inContact = false; quietSince = t }
            } else if d < 1 {
                if quietSince == nil { quietSince = t }
            } else if d > 3 {
                if let q = quietSince, t - q >= 0.5 { onsets.append(t) }
                inContact = true; quietSince = nil
            } else {
                quietSince = nil
            }
        }
        var up = 0, down = 0, j = 0
        for onset in onsets {
            while j + 1 < z.t.count, z.t[j + 1] <= onset { j += 1 }
            var i = j
            while i > 0, z.t[i] > onset - 0.3 { i -= 1 }
            guard i < j else { continue }
            if z.v[j] > z.v[i] { up += 1 } else if z.v[j] < z.v[i] { down += 1 }
        }
        // Three contacts at least, three in four moving the same way.
        let text = "before \(up + down) contact onset(s) the tool moved up \(up) time(s) and down \(down) time(s) along \(position.dataset ?? "")[\(position.column ?? 0)]"
        guard up + down >= 3, max(up, down) * 4 >= (up + down) * 3 else { return (0, text + ": too few, or too mixed, to tell the approach") }
        let sign: Double = up > down ? 1 : -1
        return (sign, text + ": that is the approach, so z \(sign > 0 ? "as recorded" : "negated") grows as the tool advances")
    }

    static func isTime(_ leaf: String) -> Bool {
        ["timestamps", "timestamp", "time", "times", "t", "stamp", "stamps", "time_s", "t_s"].contains(leaf) || leaf.hasSuffix("_time") || leaf.hasSuffix("_timestamps")
    }
}
