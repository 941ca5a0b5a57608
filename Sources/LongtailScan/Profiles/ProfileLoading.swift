import Foundation
import LongtailCore
import LongtailHDF5

/// A profile that cannot be used, with where and why.
public struct ProfileError: Error, Sendable, CustomStringConvertible {
    /// The profile's file or built-in name.
    public var source: String
    public var message: String
    public var description: String { "profile \(source): \(message)" }
}

extension Profile {
    /// The file layout of a profile, as TOML spells it.
    struct File: Codable {
        struct Segments: Codable {
            var windowS: Double?
            var hopS: Double?
            var clipPadS: Double?
            enum CodingKeys: String, CodingKey, CaseIterable { case windowS = "window_s", hopS = "hop_s", clipPadS = "clip_pad_s" }
        }
        var name: String
        var description: String?
        var domain: String
        var rateHz: Double?
        var segments: Segments?
        var signal: [SignalSpec]?
        var actors: ActorSpec?
        var episodeGroup: String?
        var t0Attribute: String?
        var thresholds: [String: [String: Double]]?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, description, domain, rateHz = "rate_hz", segments, signal, actors
            case episodeGroup = "episode_group", t0Attribute = "t0_attribute", thresholds
        }
    }

    /// Parses and checks a profile's TOML text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(ProfileError) -> Profile {
        func fail(_ m: String) -> ProfileError { ProfileError(source: source, message: m) }
        // `TOMLReader` parses (with line and column on syntax errors); the table then goes
        // through JSON so that integers are accepted where numbers are expected (rate_hz = 100).
        let table: [String: Any]
        do throws(TOMLReader.SyntaxError) {
            table = try TOMLReader.parse(text)
        } catch {
            throw fail("TOML syntax error at line \(error.line), column \(error.column): \(error.message)")
        }
        let file: File
        do {
            let data = try JSONSerialization.data(withJSONObject: table)
            try checkKeys(data)
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let e as ProfileError {
            throw ProfileError(source: source, message: e.message)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw fail("missing key '\(key.stringValue)' in \(path(ctx.codingPath))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw fail("wrong type at \(path(ctx.codingPath + []))")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw fail("bad value at \(path(ctx.codingPath)): \(ctx.debugDescription)")
        } catch {
            throw fail("\(error)")
        }
        guard let domain = Domain(rawValue: file.domain) else { throw fail("domain must be driving or robot, not '\(file.domain)'") }
        var flat: [String: Double] = [:]
        for (group, values) in file.thresholds ?? [:] { for (k, v) in values { flat["\(group).\(k)"] = v } }
        if let front = file.actors?.frontM {
            guard front.isFinite, abs(front) <= 50 else { throw fail("actors.front_m must be a distance in metres within ±50, not \(front)") }
            if let t = flat["ego.front_m"], t != front { throw fail("actors.front_m = \(front) contradicts thresholds ego.front_m = \(t)") }
            flat["ego.front_m"] = front
        }
        let thresholds: Thresholds
        do {
            thresholds = try Thresholds(domain == .driving ? Thresholds.driving : Thresholds.robot, overrides: flat)
        } catch {
            throw fail("unknown threshold '\(error.key)'; valid: \(error.valid.joined(separator: ", "))")
        }
        let driving = domain == .driving
        var profile = Profile(
            name: file.name, description: file.description ?? "", domain: domain,
            rateHz: file.rateHz ?? (driving ? 50 : 1000),
            windowSeconds: file.segments?.windowS ?? (driving ? 10 : 2), hopSeconds: file.segments?.hopS ?? (driving ? 5 : 1),
            clipPadSeconds: file.segments?.clipPadS ?? (driving ? 3 : 0.5),
            signals: file.signal ?? [], actors: file.actors, episodeGroup: file.episodeGroup, t0Attribute: file.t0Attribute,
            thresholds: thresholds)
        try profile.validate(source)
        profile.toml = text
        return profile
    }

    /// Unknown keys are errors (a misspelt key would otherwise be ignored silently).
    static func checkKeys(_ data: Data) throws(ProfileError) {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        func check(_ object: Any?, _ allowed: [String], _ at: String) throws(ProfileError) {
            guard let dict = object as? [String: Any] else { return }
            let unknown = dict.keys.filter { !allowed.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw ProfileError(source: "", message: "unknown key\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")) in \(at); valid: \(allowed.joined(separator: ", "))")
            }
        }
        try check(top, File.CodingKeys.allCases.map(\.rawValue), "the top level")
        try check(top["segments"], File.Segments.CodingKeys.allCases.map(\.rawValue), "[segments]")
        try check(top["actors"], ActorSpec.CodingKeys.allCases.map(\.rawValue), "[actors]")
        for (i, s) in ((top["signal"] as? [Any]) ?? []).enumerated() {
            try check(s, SignalSpec.CodingKeys.allCases.map(\.rawValue), "[[signal]] #\(i + 1)")
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    func validate(_ source: String) throws(ProfileError) {
        func fail(_ m: String) -> ProfileError { ProfileError(source: source, message: m) }
        // Every number is checked against a range it can physically have: a value such as
        // 1e300 or 1e-300 would otherwise overflow a conversion or size an allocation.
        guard rateHz >= 0.1, rateHz <= 100_000 else { throw fail("rate_hz must be in [0.1, 100000], not \(rateHz)") }
        guard windowSeconds > 0, windowSeconds <= 3600, hopSeconds > 0, hopSeconds <= 3600 else {
            throw fail("segments.window_s and hop_s must be in (0, 3600] seconds, not \(windowSeconds) and \(hopSeconds)")
        }
        guard windowSeconds * rateHz <= 10_000_000 else {
            throw fail("segments.window_s × rate_hz = \(windowSeconds * rateHz) ticks a segment; at most 10 000 000")
        }
        guard clipPadSeconds >= 0, clipPadSeconds <= 3600 else { throw fail("segments.clip_pad_s must be in [0, 3600], not \(clipPadSeconds)") }
        for (key, value) in thresholds.values.sorted(by: { $0.key < $1.key }) where !value.isFinite || abs(value) > 1e9 {
            throw fail("threshold \(key) = \(value) is not a finite number of reasonable size")
        }
        // A duration becomes a window of ticks that detectors allocate: as for segments.
        for (key, value) in thresholds.values.sorted(by: { $0.key < $1.key }) where key.hasSuffix("_s") && abs(value) * rateHz > 10_000_000 {
            throw fail("threshold \(key) = \(value) s × rate_hz \(rateHz) = \(abs(value) * rateHz) ticks; at most 10 000 000")
        }
        var seen: Set<String> = []
        for s in signals {
            guard canonicalNames.contains(s.name) else {
                throw fail("unknown \(domain.rawValue) signal '\(s.name)'; valid: \(canonicalNames.joined(separator: ", "))")
            }
            guard seen.insert(s.name).inserted else { throw fail("signal '\(s.name)' is mapped twice") }
            guard (s.topic == nil) != (s.dataset == nil) else { throw fail("signal '\(s.name)' needs exactly one of topic or dataset") }
            let inputs = s.topic != nil ? s.fieldList.count : max(1, s.columnList.count)
            if s.topic != nil && inputs == 0 { throw fail("signal '\(s.name)' needs field or fields") }
            if let w = s.weights, w.count != inputs { throw fail("signal '\(s.name)': \(w.count) weights for \(inputs) inputs") }
            if let t = s.transform {
                guard t == "yaw" else { throw fail("signal '\(s.name)': unknown transform '\(t)' (known: yaw)") }
                guard inputs == 4 else { throw fail("signal '\(s.name)': transform yaw takes 4 inputs (x, y, z, w), not \(inputs)") }
            }
            if inputs > 1 && s.weights == nil && s.transform == nil {
                throw fail("signal '\(s.name)': several inputs need weights or a transform")
            }
            func bounded(_ name: String, _ v: Double?, _ range: ClosedRange<Double>) throws(ProfileError) {
                guard let v else { return }
                guard v.isFinite, range.contains(v) else { throw fail("signal '\(s.name)': \(name) = \(v) must be in \(range.lowerBound)…\(range.upperBound)") }
            }
            try bounded("scale", s.scale, -1e12...1e12)
            try bounded("offset", s.offset, -1e12...1e12)
            try bounded("max_gap_s", s.maxGapS, 0...86_400)
            try bounded("rate_hz", s.rateHz, 0.001...1_000_000)
            try bounded("timestamp_scale", s.timestampScale, 1e-3...1e12)
            for w in s.weights ?? [] { try bounded("weights", w, -1e12...1e12) }
            for (k, v) in s.map ?? [:] { try bounded("map.\(k)", v, -1e12...1e12) }
            if let k = s.kind, k != "continuous" && k != "state" { throw fail("signal '\(s.name)': kind must be continuous or state, not '\(k)'") }
        }
        if let a = actors {
            for id in (a.classes ?? [:]).keys.sorted() where Int(id) == nil {
                throw fail("actors.classes key '\(id)' is not an integer class id")
            }
            for (id, cls) in a.classes ?? [:] where ActorClass(rawValue: cls) == nil {
                throw fail("actors.classes.\(id) = '\(cls)' is not a class; valid: \(ActorClass.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let f = a.velocityFrame, !["object", "ego", "relative"].contains(f) {
                throw fail("actors.velocity_frame must be object, ego or relative, not '\(f)'")
            }
            if let o = a.orientation, o.count != 4 { throw fail("actors.orientation takes 4 fields (x, y, z, w)") }
            if a.orientation != nil && a.yaw != nil { throw fail("actors: map the heading from orientation or from yaw, not both") }
            if a.yaw == nil && (a.yawScale != nil || a.yawOffset != nil) { throw fail("actors.yaw_scale and yaw_offset need actors.yaw") }
            for v in [a.yawScale, a.yawOffset].compactMap({ $0 }) where !v.isFinite || abs(v) > 1e6 {
                throw fail("actors.yaw_scale / yaw_offset must be finite numbers of reasonable size, not \(v)")
            }
            if a.velocityFrame == "object" && a.orientation == nil && a.yaw == nil {
                throw fail("actors.velocity_frame = object needs the actor's heading (orientation or yaw) to turn the velocity into the ego frame")
            }
        }
    }

    /// Loads a built-in profile by name, or a profile file by path.
    public static func load(_ nameOrPath: String) throws(ProfileError) -> Profile {
        if let text = BuiltinProfiles.text[nameOrPath] { return try parse(text, source: nameOrPath) }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw ProfileError(source: nameOrPath, message: "no such file, and not a built-in profile (built-in: \(BuiltinProfiles.names.joined(separator: ", ")))")
        }
        guard let text = try? String(contentsOfFile: nameOrPath, encoding: .utf8) else {
            throw ProfileError(source: nameOrPath, message: "cannot read the file as UTF-8 text")
        }
        return try parse(text, source: nameOrPath)
    }
}

/// `--profile auto`: a built-in profile chosen from a file's contents.
public enum ProfileChoice {
    /// The built-in profile that fits `path`: HDF5 by its layout, MCAP → synth-driving.
    public static func auto(for path: String) -> String {
        guard HDF5File.isHDF5(path: path), let f = try? HDF5File(path: path) else { return "synth-driving" }
        if f.exists("/observations/effort") { return "aloha" }
        if f.exists("/robot_state") { return "reassemble" }
        if f.exists("/data") { return "robomimic" }
        return "reassemble"
    }
}
