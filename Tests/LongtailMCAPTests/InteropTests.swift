import Foundation
import Testing
import TestSupport
@testable import LongtailMCAP

/// Longtail against an independent implementation: the Python `mcap` and
/// `mcap-ros2-support` packages (in .venv, installed by scripts/bootstrap.sh).
@Suite struct InteropTests {
    static let scripts = TestSupport.repoRoot.appendingPathComponent("Tests/Interop")

    /// Python writes every layout; Longtail decodes identical values, with both readers.
    @Test func readsFilesPythonWrote() throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with mcap and mcap-ros2-support: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("interop-py")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TestSupport.run(python, [Self.scripts.appendingPathComponent("write_mcap.py").path, dir.path])
        try #require(r.status == 0, "write_mcap.py failed: \(r.stderr)")
        let expected = try DecodedComparison.parse([UInt8](Data(contentsOf: dir.appendingPathComponent("expected.json"))))
        guard case .object(let files) = expected else { Issue.record("bad expected.json"); return }
        #expect(files.count == 8)
        for file in files {
            guard case .array(let messages) = file.value else { continue }
            let path = dir.appendingPathComponent(file.name).path
            var got: [(String, UInt64, UInt64, UInt32, DecodedValue)] = []
            let reader = try MCAPIndexedReader(path: path)
            #expect(reader.usedFileSummary == (file.name.contains("-summary") && file.name.hasPrefix("chunked")), "\(file.name)")
            try reader.readMessages { (m) throws(MCAPError) in
                let v = try? MessageDecoder.make(channel: m.channel, schema: m.schema).decode(m.data, topic: m.channel.topic)
                got.append((m.channel.topic, m.logTime, m.publishTime, m.sequence, v ?? .null))
            }
            #expect(got.count == messages.count, "\(file.name): message count")
            for (i, e) in messages.enumerated() where i < got.count {
                #expect(e["topic"] == .string(got[i].0) && e["log_time"] == .int(Int64(got[i].1))
                        && e["publish_time"] == .int(Int64(got[i].2)) && e["sequence"] == .int(Int64(got[i].3)),
                        "\(file.name) message \(i)")
                if let diff = DecodedComparison.difference(got[i].4, e["decoded"]!) {
                    Issue.record("\(file.name) message \(i) \(got[i].0)\(diff)")
                }
            }
            // The streamed reader sees the same messages, plus the attachment and metadata.
            var streamed = 0, attachments = 0, metadata = 0
            try MCAPStreamReader.forEachRecord(inFile: path) { (raw) throws(MCAPError) in
                switch raw.opcode {
                case Opcode.message: streamed += 1
                case Opcode.attachment:
                    if case .attachment(let a) = try raw.parse() {
                        #expect(a.name == "calib.yaml" && a.data == Array("fx: 500\n".utf8))
                        attachments += 1
                    }
                case Opcode.metadata:
                    if case .metadata(let m) = try raw.parse() {
                        #expect(m.name == "vehicle" && m.metadata.map(\.0).sorted() == ["fw", "id"])
                        metadata += 1
                    }
                default: break
                }
            }
            #expect(streamed == messages.count && attachments == 1 && metadata == 1, "\(file.name)")
        }
    }

    /// Longtail writes every layout; Python reads it back (CRCs validated) with identical values.
    @Test(arguments: [
        (ChunkCompression.zstd(level: 3), true), (.lz4, true), (.none, true), (.none, false),
    ])
    func pythonReadsFilesLongtailWrote(compression: ChunkCompression, chunked: Bool) throws {
        guard let python = TestSupport.interopPython else {
            Issue.record("no Python with mcap and mcap-ros2-support: run scripts/bootstrap.sh"); return
        }
        let dir = TestSupport.temporaryDirectory("interop-lt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.mcap").path
        let written = try SampleFile.write(path: path, compression: compression, chunked: chunked)
        let r = try TestSupport.run(python, [Self.scripts.appendingPathComponent("read_mcap.py").path, path])
        try #require(r.status == 0, "read_mcap.py failed: \(r.stderr)")
        let py = try DecodedComparison.parse([UInt8](r.stdout))
        #expect(py["statistics"]?["message_count"] == .int(Int64(written.count)))
        #expect(py["statistics"]?["message_start_time"] == .int(Int64(written.map(\.logTime).min()!)))
        #expect(py["statistics"]?["message_end_time"] == .int(Int64(written.map(\.logTime).max()!)))
        if chunked { #expect(py["chunk_indexes"] != .int(0)) }
        #expect(py["attachments"]?.arrayCount == 1 && py["metadata"]?.arrayCount == 1)
        guard case .array(let messages)? = py["messages"] else { Issue.record("no messages"); return }
        let sorted = written.enumerated().sorted { ($0.element.logTime, $0.offset) < ($1.element.logTime, $1.offset) }.map(\.element)
        #expect(messages.count == sorted.count)
        for (i, m) in messages.enumerated() where i < sorted.count {
            #expect(m["topic"] == .string(sorted[i].topic) && m["log_time"] == .int(Int64(sorted[i].logTime)))
            if let diff = DecodedComparison.difference(sorted[i].value, m["decoded"]!) {
                Issue.record("message \(i) \(sorted[i].topic)\(diff)")
            }
        }
    }
}

extension DecodedValue {
    var arrayCount: Int? { if case .array(let a) = self { return a.count } else { return nil } }
}

/// A file written with Longtail's writer and CDR encoder, with the values that went in.
enum SampleFile {
    struct Written { var topic: String; var logTime: UInt64; var value: DecodedValue }

    static func write(path: String, compression: ChunkCompression, chunked: Bool,
                      count: Int = 60, chunkSize: Int = 4096) throws -> [Written] {
        let sink = try FileSink(path: path)
        var options = MCAPWriterOptions()
        options.compression = compression
        options.useChunks = chunked
        options.chunkSize = chunkSize
        let w = MCAPWriter(sink: sink, options: options)
        try w.start(profile: "ros2", library: "longtail-test")
        let imuS = try w.addSchema(name: "sensor_msgs/msg/Imu", encoding: "ros2msg", data: Array(CommonSchemas.imu.utf8))
        let wrS = try w.addSchema(name: "geometry_msgs/msg/WrenchStamped", encoding: "ros2msg",
                                  data: Array(CommonSchemas.wrenchStamped.utf8))
        let jsS = try w.addSchema(name: "sensor_msgs/msg/JointState", encoding: "ros2msg", data: Array(CommonSchemas.jointState.utf8))
        let imu = try w.addChannel(topic: "/imu", messageEncoding: "cdr", schemaID: imuS)
        let wr = try w.addChannel(topic: "/wrench", messageEncoding: "cdr", schemaID: wrS)
        let js = try w.addChannel(topic: "/joints", messageEncoding: "cdr", schemaID: jsS)
        var out: [Written] = []
        var e = CDREncoder()
        func stamp(_ t: UInt64, _ frame: String) -> DecodedValue {
            .object([.init(name: "stamp", value: .object([.init(name: "sec", value: .int(Int64(t / 1_000_000_000))),
                                                           .init(name: "nanosec", value: .uint(t % 1_000_000_000))])),
                     .init(name: "frame_id", value: .string(frame))])
        }
        func v3(_ x: Double, _ y: Double, _ z: Double) -> DecodedValue {
            .object([.init(name: "x", value: .float64(x)), .init(name: "y", value: .float64(y)), .init(name: "z", value: .float64(z))])
        }
        for i in 0..<count {
            let t = 1_700_000_000_000_000_000 + UInt64(i) * 10_000_000 + (i % 7 == 3 ? 25_000_000 : 0)  // some disorder
            let a = Double(i) * 0.1 + 1.0 / 3.0
            e.reset()
            e.time(nanoseconds: t); e.string("imu")
            for q in [0.0, 0.0, 0.5, 0.8660254037844386] { e.float64(q) }
            for k in 0..<9 { e.float64(i == 5 && k == 0 ? .nan : Double(k)) }
            e.float64(a); e.float64(-a); e.float64(1e-310)
            for _ in 0..<9 { e.float64(0) }
            e.float64(9.81); e.float64(.infinity); e.float64(-0.0)
            for _ in 0..<9 { e.float64(0) }
            try w.addMessage(channelID: imu, sequence: UInt32(i), logTime: t, publishTime: t, data: e.bytes)
            let cov: [DecodedValue] = (0..<9).map { .float64(i == 5 && $0 == 0 ? .nan : Double($0)) }
            let zeros = DecodedValue.array(Array(repeating: .float64(0), count: 9))
            out.append(Written(topic: "/imu", logTime: t, value: .object([
                .init(name: "header", value: stamp(t, "imu")),
                .init(name: "orientation", value: .object([.init(name: "x", value: .float64(0)), .init(name: "y", value: .float64(0)),
                                                           .init(name: "z", value: .float64(0.5)),
                                                           .init(name: "w", value: .float64(0.8660254037844386))])),
                .init(name: "orientation_covariance", value: .array(cov)),
                .init(name: "angular_velocity", value: v3(a, -a, 1e-310)),
                .init(name: "angular_velocity_covariance", value: zeros),
                .init(name: "linear_acceleration", value: v3(9.81, .infinity, -0.0)),
                .init(name: "linear_acceleration_covariance", value: zeros),
            ])))
            e.reset()
            e.time(nanoseconds: t + 1); e.string("tool0")
            for v in [a, 2 * a, -3 * a, 0.25, -0.5, 1e300] { e.float64(v) }
            try w.addMessage(channelID: wr, sequence: UInt32(i), logTime: t + 1, publishTime: t + 1, data: e.bytes)
            out.append(Written(topic: "/wrench", logTime: t + 1, value: .object([
                .init(name: "header", value: stamp(t + 1, "tool0")),
                .init(name: "wrench", value: .object([.init(name: "force", value: v3(a, 2 * a, -3 * a)),
                                                      .init(name: "torque", value: v3(0.25, -0.5, 1e300))])),
            ])))
            let n = i % 4
            e.reset()
            e.time(nanoseconds: t + 2); e.string("")
            e.sequenceLength(n); for k in 0..<n { e.string("j\(k)") }
            e.sequenceLength(n); for k in 0..<n { e.float64(Double(k) * a) }
            e.sequenceLength(n); for k in 0..<n { e.float64(-Double(k)) }
            e.sequenceLength(0)
            try w.addMessage(channelID: js, sequence: UInt32(i), logTime: t + 2, publishTime: t + 2, data: e.bytes)
            out.append(Written(topic: "/joints", logTime: t + 2, value: .object([
                .init(name: "header", value: stamp(t + 2, "")),
                .init(name: "name", value: .array((0..<n).map { .string("j\($0)") })),
                .init(name: "position", value: .array((0..<n).map { .float64(Double($0) * a) })),
                .init(name: "velocity", value: .array((0..<n).map { .float64(-Double($0)) })),
                .init(name: "effort", value: .array([])),
            ])))
            if i == 10 {
                try w.addAttachment(name: "calib.yaml", mediaType: "text/yaml", data: Array("fx: 500\n".utf8), logTime: t, createTime: t)
                try w.addMetadata(name: "vehicle", metadata: [("id", "car-7")])
            }
        }
        try w.finish()
        try sink.close()
        return out
    }
}
