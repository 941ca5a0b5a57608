import LongtailHDF5

/// `longtail profiles infer`: a profile for a log Longtail has never seen, from its message
/// types and field names (the candidates), settled by physics on the data.
///
/// - The accelerometer axis that averages ±g is vertical; the gyro axis along it is yaw, its
///   sign the gravity's (an IMU's accelerometer and gyro share axes).
/// - Of the two horizontal axes, the one whose one-second means follow the change of speed
///   is forward, its sign the correlation's; the other is lateral, signed to make a
///   right-handed frame (left = up × forward).
/// - Speed units from the slope of the speed's change against that acceleration (1: m/s,
///   3.6: km/h, 2.24: mph), or from the field's name; gyro units likewise against an
///   odometry's yaw rate.
/// - Weather, road and mode fields by name; force/torque from wrench messages; HDF5 files
///   by the layout of a built-in profile.
///
/// Each choice carries its evidence and a confidence; one the data cannot settle is written
/// commented out, with the reason.
public enum ProfileInference {
    /// Infers a profile from `paths` (MCAP or ROS 1 bag files of one layout, or HDF5 files).
    /// - Throws: the reader's error for a file that cannot be read; `ProfileError` when the
    ///   files hold nothing a profile could map.
    public static func infer(paths: [String], name: String, seconds: Double = 600) throws -> InferredProfile {
        if let first = paths.first, HDF5File.isHDF5(path: first) { return try hdf5(paths: paths, name: name) }
        var sampler = FieldSampler()
        sampler.seconds = seconds
        for p in paths { try sampler.sample(path: p) }
        var result = InferredProfile(name: name, domain: "driving", rateHz: 50, sources: paths)
        result.notes += sampler.notes
        var topics = Array(sampler.topics.values).sorted { $0.name < $1.name }
        for t in topics where t.undecodable != nil {
            result.notes.append("\(t.name) [\(t.type)] not decoded: \(t.undecodable!)")
        }
        topics = topics.filter { $0.undecodable == nil }
        let wrench = topics.first { forceFields($0) != nil }
        let imu = topics.filter(isIMU).max { $0.messages < $1.messages }
        if let wrench, imu == nil, speedCandidates(topics).isEmpty {
            robot(wrench, into: &result)
        } else {
            Driving(topics: topics).settle(imu: imu, into: &result)
        }
        var actorLists: [(FieldSampler.Topic, String, [(String, String)])] = []
        for t in topics {
            for list in t.objectLists.sorted() {
                if let item = t.listItems[list], let fields = actorFields(FieldSampler.itemPaths(item, list: list)) {
                    actorLists.append((t, list, fields))
                } else {
                    result.notes.append("\(t.name) \(list.isEmpty ? "" : "field \(list) ")is a list of objects [\(t.type)] without positions by name: not an actor list")
                }
            }
        }
        if result.domain == "driving", let (t, list, fields) = actorLists.max(by: { $0.2.count < $1.2.count }) {
            result.actors = [("topic", t.name)] + (t.stamp.map { [("stamp", $0)] } ?? []) + fields
            result.actorEvidence = ["the object list \(list) of \(t.name) [\(t.type)]: its fields by name",
                                    "velocity_frame (object, ego or relative velocities), front_m (where positions are measured from) and classes are not in the data: set them from the sensor's documentation (docs/profiles.md)"]
        }
        if result.choices.filter(\.accepted).isEmpty {
            let seen = topics.map { "\($0.name) [\($0.type)]" }.joined(separator: ", ")
            throw ProfileError(source: paths.joined(separator: ", "),
                               message: "found nothing a profile could map with confidence (topics: \(seen.isEmpty ? "none" : seen)); write one by hand (docs/profiles.md)")
        }
        return result
    }

    // MARK: Candidates by type and name

    static func isIMU(_ t: FieldSampler.Topic) -> Bool {
        ["linear_acceleration.x", "linear_acceleration.y", "linear_acceleration.z",
         "angular_velocity.x", "angular_velocity.y", "angular_velocity.z"].allSatisfy { t.series[$0] != nil }
    }

    /// (linear.x, angular.z) paths of an Odometry, TwistStamped or Twist message.
    static func twistFields(_ t: FieldSampler.Topic) -> (String, String)? {
        for base in ["twist.twist.", "twist.", ""] where t.series[base + "linear.x"] != nil && t.series[base + "angular.z"] != nil {
            return (base + "linear.x", base + "angular.z")
        }
        return nil
    }

    /// The force prefix and torque prefix of a Wrench(Stamped) message.
    static func forceFields(_ t: FieldSampler.Topic) -> (String, String)? {
        for base in ["wrench.", ""] where t.series[base + "force.z"] != nil && t.series[base + "torque.z"] != nil {
            return (base + "force.", base + "torque.")
        }
        return nil
    }

    /// Speed fields by name, best first: (topic, field, rank, unit scale from the name).
    static func speedCandidates(_ topics: [FieldSampler.Topic]) -> [(FieldSampler.Topic, String, Int, Double?)] {
        var out: [(FieldSampler.Topic, String, Int, Double?)] = []
        for t in topics where !isIMU(t) {
            for path in t.paths {
                let leaf = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
                let unit: Double? = leaf.contains("kmh") || leaf.contains("kph") ? 1 / 3.6 : leaf.contains("mph") ? 0.44704 : nil
                if ["longitudinal_velocity", "speed", "vehicle_speed", "v_ego", "speed_mps", "speed_kmh", "speed_kph", "speed_mph", "velocity"].contains(leaf) {
                    out.append((t, path, 3, unit))
                } else if let (lin, _) = twistFields(t), path == lin {
                    out.append((t, path, t.name.lowercased().contains("speed") || t.name.lowercased().contains("velocity") ? 2 : 1, nil))
                }
            }
        }
        return out.sorted { ($0.2, $0.0.messages) > ($1.2, $1.0.messages) }
    }

    /// Weather, road-condition and mode fields by name: canonical signal for a field's leaf.
    static func stateSignal(leaf raw: String) -> String? {
        let leaf = raw.lowercased()
        let tokens = Set(leaf.split { !$0.isLetter && !$0.isNumber }.map(String.init))
        if leaf.contains("precip") || tokens.contains("rain") || leaf.hasPrefix("rain") { return "precipitation_mm_h" }
        if leaf.contains("wiper") { return "wiper_level" }
        if leaf.contains("temperature") || tokens.contains("temp") { return "ambient_temperature_c" }
        if leaf.contains("visibility") { return "visibility_m" }
        if tokens.contains("abs") { return "abs_active" }
        if tokens.contains("esc") { return "esc_active" }
        if tokens.contains("tcs") || leaf.contains("traction") { return "tcs_active" }
        return nil
    }

    /// Actor fields by name among an object list's item paths: (key, path) in profile order;
    /// nil without positions.
    static func actorFields(_ paths: [String]) -> [(String, String)]? {
        func first(_ test: (String) -> Bool) -> String? { paths.first { test($0.lowercased()) } }
        func position(_ axis: String) -> String? {
            first { $0.hasSuffix("pose.position.\(axis)") } ?? first { $0.hasSuffix("position.\(axis)") } ?? first { $0.hasSuffix("[*].\(axis)") }
        }
        guard let x = position("x"), let y = position("y") else { return nil }
        var out: [(String, String)] = []
        if let id = first({ $0.contains("uuid") }) ?? first({ ["id", "track_id", "object_id", "id[0]"].contains($0.split(separator: ".").last.map(String.init) ?? "") }) {
            out.append(("id", id))
        }
        if let c = first({ $0.contains("classification") && $0.hasSuffix("label") }) ?? first({ $0.hasSuffix("classification") })
            ?? first({ ["class", "label", "type"].contains($0.split(separator: ".").last.map(String.init) ?? "") }) {
            out.append(("class", c))
        }
        out += [("x", x), ("y", y)]
        let quaternion = ["x", "y", "z", "w"].compactMap { a in first { $0.hasSuffix("orientation.\(a)") } }
        if quaternion.count == 4 { out.append(("orientation", "[" + quaternion.map { InferredProfile.quoted($0) }.joined(separator: ", ") + "]")) }
        for (key, axis) in [("vx", "x"), ("vy", "y")] {
            if let v = first({ $0.contains("twist") && $0.hasSuffix("linear.\(axis)") }) ?? first({ $0.hasSuffix("velocity.\(axis)") }) ?? first({ $0.hasSuffix("[*].v\(axis)") }) {
                out.append((key, v))
            }
        }
        if let l = first({ $0.hasSuffix("dimensions.x") }) ?? first({ $0.hasSuffix("size.x") }) ?? first({ $0.hasSuffix(".length") }) {
            out.append(("length", l))
        }
        return out
    }

    // MARK: Robot logs (MCAP / bag) and HDF5 layouts

    static func robot(_ t: FieldSampler.Topic, into result: inout InferredProfile) {
        guard let (force, torque) = forceFields(t) else { return }
        result.domain = "robot"
        let rate = Double(t.messages) / max(1e-9, (t.series[force + "z"]?.last?.t ?? 0) - (t.series[force + "z"]?.first?.t ?? 0))
        result.rateHz = min(1000, max(10, (rate / 10).rounded() * 10))
        let press = pressingSign(t.series[force + "z"] ?? [])
        for (signal, field) in [("force.x", force + "x"), ("force.y", force + "y"), ("force.z", force + "z"), ("torque.z", torque + "z")] {
            var evidence = ["\(t.type) field \(field) at \(Int(rate.rounded())) Hz"]
            var scale = 1.0, confidence = 0.6
            if signal == "force.z" {
                evidence.append(press.evidence)
                if let sign = press.sign { scale = sign < 0 ? 1 : -1; confidence = 0.8 } else { confidence = 0.4 }
            } else {
                evidence.append("sign taken as recorded")
            }
            result.choices.append(.init(signal: signal, topic: t.name, field: field, scale: scale, stamp: t.stamp, confidence: confidence,
                                        evidence: evidence, accepted: confidence >= 0.5))
        }
        result.notes.append("robot log: position, rotation and gripper are not inferred from messages; add them by hand")
    }

    /// The sign with which pressing the tool into a part reads on the approach axis: contact
    /// phases are the large departures from the resting (median) force, and pressing
    /// dominates them (an insertion, a press-fit, a push all press). nil when neither tail
    /// dominates or contact never exceeds 2 N.
    static func pressingSign(_ s: [(t: Double, v: Double)]) -> (sign: Double?, evidence: String) {
        let v = s.map(\.v).filter(\.isFinite).sorted()
        guard v.count >= 100 else { return (nil, "too few samples (\(v.count)) to tell the pressing direction: check the sign by hand") }
        let median = v[v.count / 2], low = median - v[v.count / 200], high = v[v.count - 1 - v.count / 200] - median
        let text = "departures from the resting \(rounded(median)) N reach -\(rounded(low)) and +\(rounded(high)) N (0.5th, 99.5th percentiles)"
        guard max(low, high) >= 2, max(low, high) >= 2 * min(low, high) else {
            return (nil, text + ": no contact dominates, the pressing direction is undetermined; check the sign by hand")
        }
        let sign: Double = high > low ? 1 : -1
        return (sign, text + ": pressing reads \(sign > 0 ? "positive" : "negative") here, negative in Longtail (docs/profiles.md)")
    }

    private static func rounded(_ v: Double) -> String { "\((v * 10).rounded() / 10)" }

    /// An HDF5 file is matched against the built-in HDF5 layouts: the one whose datasets all exist.
    static func hdf5(paths: [String], name: String) throws -> InferredProfile {
        let file = try HDF5File(path: paths[0])
        let present = Set(try file.walk().filter { $0.kind == .dataset }.map(\.path))
        var best: (String, Int)?
        for builtin in BuiltinProfiles.names {
            guard let p = try? Profile.load(builtin), let text = BuiltinProfiles.text[builtin], !text.isEmpty else { continue }
            let needed = Set(p.signals.compactMap(\.dataset) + p.signals.compactMap(\.timestamps))
            guard !needed.isEmpty else { continue }
            let matched = needed.filter { d in present.contains(d) || present.contains { $0.hasSuffix(d) } }
            if matched.count == needed.count, matched.count > best?.1 ?? 0 { best = (builtin, matched.count) }
        }
        guard let (builtin, count) = best else {
            if let generic = try HDF5Inference.infer(file, paths: paths, name: name) { return generic }
            throw ProfileError(source: paths[0], message: "HDF5 datasets \(present.sorted().prefix(12).joined(separator: ", ")) match no built-in layout (reassemble, aloha, robomimic) and none is named like a force, position or gripper; write a profile by hand (docs/profiles.md)")
        }
        var r = InferredProfile(name: name, domain: "robot", rateHz: 0, sources: paths)
        r.builtin = builtin
        r.notes.append("all \(count) datasets the built-in profile '\(builtin)' reads are present")
        if let p = try? Profile.load(builtin) {
            let check = forceSign(file, p)
            r.notes.append(check.evidence)
            if check.flip, let text = BuiltinProfiles.text[builtin], let flipped = flippingForceZ(text, name: "\(builtin)-fz-flipped") {
                r.text = flipped
                r.notes.append("force.z is mapped with the opposite sign to the built-in profile's: this file's sensor reads pressing the other way")
            }
        }
        return r
    }

    /// Whether the profile's force.z has the sign Longtail's convention needs on this file:
    /// in contact the environment's force opposes the tool's motion (pressing in while
    /// advancing, pulling back while extracting), so force.z (from its resting value) times
    /// the approach velocity (d position.z / dt) sums negative. Checked where both come from
    /// one dataset column each, with timestamps.
    static func forceSign(_ file: HDF5File, _ p: Profile) -> (flip: Bool, evidence: String) {
        guard let f = p.signals.first(where: { $0.name == "force.z" }), let z = p.signals.first(where: { $0.name == "position.z" }),
              let fd = f.dataset, let fc = f.column, let ft = f.timestamps, let zd = z.dataset, let zc = z.column, let zt = z.timestamps,
              let force = try? column(file, fd, fc), let ftimes = (try? file.dataset(ft).read(Double.self))?.map({ $0 * (f.timestampScale ?? 1e9) / 1e9 }),
              let pos = try? column(file, zd, zc), let ztimes = (try? file.dataset(zt).read(Double.self))?.map({ $0 * (z.timestampScale ?? 1e9) / 1e9 }),
              force.count == ftimes.count, pos.count == ztimes.count, force.count > 100, pos.count > 10 else {
            return (false, "force.z's sign is taken from the built-in profile (not checked: it needs force.z and position.z as dataset columns with timestamps)")
        }
        let fs = f.scale ?? 1, zs = z.scale ?? 1
        let rest = force.sorted()[force.count / 2] * fs
        var power = 0.0, n = 0, j = 0
        for k in 1..<pos.count where ztimes[k] > ztimes[k - 1] {
            let v = (pos[k] - pos[k - 1]) * zs / (ztimes[k] - ztimes[k - 1])
            while j + 1 < ftimes.count, ftimes[j + 1] <= ztimes[k] { j += 1 }
            let df = force[j] * fs - rest
            guard abs(df) > 2, v.isFinite, df.isFinite else { continue }
            power += df * v
            n += 1
        }
        guard n >= 20 else { return (false, "force.z's sign is taken from the built-in profile (\(n) samples in contact: too few to check)") }
        let text = "in \(n) contact samples, force.z (from its resting \(rounded(rest)) N) times the approach velocity sums \(rounded(power))"
        return power > 0 ? (true, text + ": the force follows the motion, so this file's force.z reads the other way")
                         : (false, text + ": the force opposes the motion, as the built-in profile's sign expects")
    }

    private static func column(_ file: HDF5File, _ path: String, _ c: Int) throws(HDF5Error) -> [Double] {
        let ds = try file.dataset(path)
        let w = ds.rowWidth
        guard c < w else { return [] }
        let all = try ds.read(Double.self)
        return stride(from: c, to: all.count, by: w).map { all[$0] }
    }

    /// The built-in profile's TOML with force.z's scale negated and a new name.
    static func flippingForceZ(_ text: String, name: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let n = lines.firstIndex(where: { $0.hasPrefix("name = ") }), let at = lines.firstIndex(of: "name = \"force.z\"") else { return nil }
        lines[n] = "name = \(InferredProfile.quoted(name))"
        let end = lines[(at + 1)...].firstIndex { $0.hasPrefix("[[") } ?? lines.endIndex
        if let s = lines[(at + 1)..<end].firstIndex(where: { $0.hasPrefix("scale = ") }), let v = Double(lines[s].dropFirst(8)) {
            if -v == 1 { lines.remove(at: s) } else { lines[s] = "scale = \(InferredProfile.number(-v))" }
        } else {
            lines.insert("scale = -1", at: at + 1)
        }
        return lines.joined(separator: "\n")
    }
}
