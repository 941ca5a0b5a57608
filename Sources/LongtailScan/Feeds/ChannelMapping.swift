#if canImport(Glibc)
import Glibc
#endif
import LongtailCore
import LongtailMCAP

/// How one MCAP channel feeds a profile: the message plan compiled for exactly the fields
/// the profile maps, each signal's input columns and arithmetic, the header-stamp columns
/// and the actor-list columns. The one way from profile + channel to decoded samples: the
/// scanner (`MCAPScanner`) and the alignment re-read (`NativeSignals`) both build on it.
struct ChannelMapping {
    /// One profile signal this channel feeds.
    struct Signal {
        /// Index in the profile's signals.
        var index: Int
        /// Input columns (scalar columns of the extractor), one per mapped field.
        var columns: [Int]
        var combiner: Combiner
        /// Where it came from: `topic field[,field…]`.
        var from: String
    }

    /// How a channel's payloads become columns: compiled from its schema (CDR, ROS 1) or
    /// by field path (JSON).
    enum Extractor {
        case plan(CDRColumnExtractor)
        case paths(PathColumnExtractor)
        case protobuf(ProtobufColumnExtractor)

        var scalarNames: [String] {
            switch self { case .plan(let x): x.scalarNames; case .paths(let x): x.scalarNames; case .protobuf(let x): x.scalarNames }
        }
        var raggedNames: [String] {
            switch self { case .plan(let x): x.raggedNames; case .paths(let x): x.raggedNames; case .protobuf(let x): x.raggedNames }
        }

        @inline(__always)
        func extract(_ payload: UnsafeRawBufferPointer, timestamp: Int64, into block: ColumnBlock, ragged: RaggedColumns?) throws(CDRError) {
            switch self {
            case .plan(let x): try x.extract(payload, timestamp: timestamp, into: block, ragged: ragged)
            case .paths(let x): try x.extract(payload, timestamp: timestamp, into: block, ragged: ragged)
            case .protobuf(let x): try x.extract(payload, timestamp: timestamp, into: block, ragged: ragged)
            }
        }
    }

    /// The compiled schema (nil for JSON, which has no fast path).
    let plan: CDRPlan?
    let extractor: Extractor
    var signals: [Signal] = []
    /// Stamp columns (sec, nanosec), when a signal asks for header times and the message has them.
    var stamp: (Int, Int)?
    /// The stamp field names of the first signal that asks for one (the fast path reads them).
    var stampNames: (String, String)?
    var actors: MCAPScanner.ActorColumns?
    /// What did not map, for the scan's warnings (in the order found).
    var warnings: [String] = []

    /// `*` matches any run of characters.
    static func matches(_ pattern: String, _ topic: String) -> Bool {
        guard pattern.contains("*") else { return pattern == topic }
        return fnmatch(pattern, topic, 0) == 0
    }

    /// Whether any signal (or, with `actors`, the actor list) of `profile` maps `topic`.
    static func wanted(_ profile: Profile, topic: String, actors: Bool) -> Bool {
        profile.signals.contains { matches($0.topic ?? "\u{0}", topic) } || (actors && profile.actors.map { matches($0.topic, topic) } == true)
    }

    /// A channel's schema: name, encoding (`ros2msg`, `ros1msg`, `protobuf`, `jsonschema`) and
    /// its bytes (a definition's text, or a serialized `FileDescriptorSet`).
    struct SchemaText {
        var name: String
        var encoding: String
        var data: [UInt8]
        var text: String { String(decoding: data, as: UTF8.self) }

        init(name: String, encoding: String, data: [UInt8]) { self.name = name; self.encoding = encoding; self.data = data }
        init(name: String, encoding: String, text: String) { self.init(name: name, encoding: encoding, data: Array(text.utf8)) }
    }

    /// The mapping of a channel (`topic` with its message `encoding` and schema), nil when
    /// the profile maps nothing on it. A channel in an encoding Longtail cannot decode, or
    /// whose schema does not parse, is `Skipped` with the warning to show.
    /// - Parameter actors: also map the profile's actor list (the scanner does; re-reads do not).
    static func make(_ profile: Profile, topic: String, encoding: String, schema: SchemaText?,
                     actors withActors: Bool) -> Result<ChannelMapping, Skipped>? {
        let wanted = profile.signals.enumerated().filter { matches($0.element.topic ?? "\u{0}", topic) }
        let actorSpec = withActors ? profile.actors.flatMap { matches($0.topic, topic) ? $0 : nil } : nil
        guard !wanted.isEmpty || actorSpec != nil else { return nil }
        var names = Set<String>()
        for (_, spec) in wanted {
            names.formUnion(spec.fieldList)
            if let st = spec.stamp { names.insert(st + ".sec"); names.insert(st + ".nanosec") }
        }
        if let a = actorSpec {
            names.formUnion(a.fieldList)
            if let st = a.stamp { names.insert(st + ".sec"); names.insert(st + ".nanosec") }
        }
        var m: ChannelMapping
        let schemaName: String
        if encoding == "json" {   // fields by path; the schema (JSON Schema, if any) is not needed
            schemaName = schema?.name ?? "json"
            m = ChannelMapping(plan: nil, extractor: .paths(PathColumnExtractor(fields: Array(names), source: .json)))
        } else if encoding == "protobuf" {
            guard let s = schema, s.encoding == "protobuf" else {
                return .failure(Skipped(warning: "topic \(topic): protobuf messages need a protobuf schema, not '\(schema?.encoding ?? "none")'; its signals are skipped"))
            }
            let plan: ProtobufPlan
            do throws(ProtobufPlan.SchemaError) { plan = try ProtobufPlan(fileDescriptorSet: s.data, messageName: s.name) } catch {
                return .failure(Skipped(warning: "topic \(topic): \(error); its signals are skipped"))
            }
            schemaName = s.name
            m = ChannelMapping(plan: nil, extractor: .protobuf(ProtobufColumnExtractor(plan: plan, fields: Array(names))))
        } else {
            let ros2 = encoding == "cdr" && schema?.encoding == "ros2msg", ros1 = encoding == "ros1" && schema?.encoding == "ros1msg"
            guard ros2 || ros1, let s = schema else {
                return .failure(Skipped(warning: "topic \(topic): message encoding '\(encoding)' with schema encoding '\(schema?.encoding ?? "none")' is not one Longtail reads (cdr + ros2msg, ros1 + ros1msg, protobuf, json); its signals are skipped"))
            }
            let plan: CDRPlan
            do throws(ROS2SchemaError) {
                plan = ros1 ? try CDRPlan(ros1msgNamed: s.name, text: s.text) : try CDRPlan(ros2msgNamed: s.name, text: s.text)
            } catch {
                return .failure(Skipped(warning: "topic \(topic): schema \(s.name) does not parse (\(error)); its signals are skipped"))
            }
            schemaName = s.name
            m = ChannelMapping(plan: plan, extractor: .plan(CDRColumnExtractor(plan: plan, keeping: { names.contains($0) })))
        }
        m.mapSignals(wanted.map { ($0.offset, $0.element) }, topic: topic, schema: schemaName)
        if let a = actorSpec { m.mapActors(a, topic: topic, schema: schemaName) }
        m.stampNames = wanted.compactMap(\.element.stamp).first.map { ($0 + ".sec", $0 + ".nanosec") }
        return .success(m)
    }

    /// A channel whose signals cannot be read, and why.
    struct Skipped: Error { var warning: String }

    private var scalarIndex: [String: Int] {
        Dictionary(extractor.scalarNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private mutating func mapSignals(_ wanted: [(Int, SignalSpec)], topic: String, schema: String) {
        let scalar = scalarIndex
        for (i, spec) in wanted {
            let cols = spec.fieldList.map { scalar[$0] }
            if let bad = zip(spec.fieldList, cols).first(where: { $0.1 == nil }) {
                warnings.append("signal \(spec.name): topic \(topic) (\(schema)) has no field '\(bad.0)'")
                continue
            }
            if let st = spec.stamp {
                if let sec = scalar[st + ".sec"], let nsec = scalar[st + ".nanosec"] {
                    stamp = (sec, nsec)
                } else {
                    warnings.append("signal \(spec.name): topic \(topic) has no stamp '\(st)'; using log time")
                }
            }
            signals.append(Signal(index: i, columns: cols.map { $0! }, combiner: spec.combiner(),
                                  from: "\(topic) \(spec.fieldList.joined(separator: ","))"))
        }
    }

    private mutating func mapActors(_ a: ActorSpec, topic: String, schema: String) {
        let ragged = Dictionary(extractor.raggedNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        if let miss = [a.id, a.x, a.y, a.vx].first(where: { ragged[$0] == nil }) {
            warnings.append("actors: topic \(topic) (\(schema)) has no sequence field '\(miss)'")
            return
        }
        let orientation = a.orientation?.compactMap { ragged[$0] }
        let classes = Dictionary((a.classes ?? [:]).compactMap { k, v in Int(k).flatMap { id in ActorClass(rawValue: v).map { (id, $0) } } },
                                 uniquingKeysWith: { x, _ in x })
        actors = MCAPScanner.ActorColumns(id: ragged[a.id]!, cls: a.class.flatMap { ragged[$0] }, x: ragged[a.x]!, y: ragged[a.y]!,
                                          vx: ragged[a.vx]!, vy: a.vy.flatMap { ragged[$0] },
                                          orientation: orientation?.count == 4 ? orientation : nil,
                                          yaw: a.yaw.flatMap { ragged[$0] }.map { ($0, a.yawScale ?? 1, a.yawOffset ?? 0) },
                                          length: a.length.flatMap { ragged[$0] }, objectFrame: a.velocityFrame == "object", classes: classes)
        let scalar = scalarIndex
        if let st = a.stamp, let sec = scalar[st + ".sec"], let nsec = scalar[st + ".nanosec"] { stamp = (sec, nsec) }
    }
}
