import LongtailHDF5
import LongtailMCAP

/// `synth --preview DIR`: one SVG per event class, plotting the published signals around
/// its first instance (event interval shaded), so a person can judge realism by eye.
enum SVGPreview {
    struct Series { var name: String; var points: [(Double, Double)] }

    static func write(options o: SynthJob.Options, labels: [GroundTruthLabel], to dir: String) throws {
        var seen: Set<String> = []
        for label in labels where seen.insert(label.event).inserted {
            let from = Double(label.startNs) / 1e9 - 5, to = Double(label.endNs) / 1e9 + 5
            let panels: [[Series]]
            if label.source.hasSuffix(".mcap") {
                panels = try drivingPanels(path: o.out + "/" + label.source, kind: label.kind, from: from, to: to)
            } else {
                panels = try robotPanels(path: o.out + "/" + label.source, from: from, to: to)
            }
            let svg = render(title: "\(label.event) — \(label.source)", panels: panels,
                             shade: (Double(label.startNs) / 1e9, Double(label.endNs) / 1e9), from: from, to: to)
            try AtomicFile.write("\(dir)/\(label.event).svg", svg)
        }
    }

    static func drivingPanels(path: String, kind: String, from: Double, to: Double) throws -> [[Series]] {
        var series: [String: [(Double, Double)]] = [:]
        let reader = try MCAPIndexedReader(path: path)
        var plans: [UInt16: CDRPlan] = [:]
        try reader.readMessages(startTime: UInt64(max(0, from) * 1e9), endTime: UInt64(to * 1e9)) { (m) throws(MCAPError) in
            guard let schema = m.schema else { return }
            if plans[m.channel.id] == nil {
                plans[m.channel.id] = try? CDRPlan(ros2msgNamed: schema.name, text: String(decoding: schema.data, as: UTF8.self))
            }
            guard let v = try? plans[m.channel.id]?.decode(m.data) else { return }
            let t = Double(m.logTime) / 1e9
            func add(_ name: String, _ value: Double?) { if let value { series[name, default: []].append((t, value)) } }
            switch m.channel.topic {
            case "/sensing/imu/imu_data":
                add("imu accel x (m/s²)", v["linear_acceleration"]?["x"]?.doubleValue)
                add("imu accel y (m/s²)", v["linear_acceleration"]?["y"]?.doubleValue)
                add("yaw rate (rad/s)", v["angular_velocity"]?["z"]?.doubleValue)
            case "/vehicle/status/velocity_status":
                add("speed (m/s)", v["longitudinal_velocity"]?.doubleValue)
            case "/vehicle/status/control_mode":
                add("autonomous (1) / manual (4)", v["mode"]?.doubleValue)
            case "/vehicle/status/weather":
                add("precipitation (mm/h)", v["precipitation_mm_h"]?.doubleValue)
                add("visibility (km)", v["visibility_m"]?.doubleValue.map { $0 / 1000 })
                add("temperature (°C)", v["ambient_temperature_c"]?.doubleValue)
                add("ABS active", v["abs_active"]?.doubleValue)
            case "/perception/object_recognition/tracking/objects":
                if case .array(let objects)? = v["objects"] {
                    let nearest = objects.compactMap { o -> (Double, Double)? in
                        guard let x = o["kinematics"]?["pose_with_covariance"]?["pose"]?["position"]?["x"]?.doubleValue,
                              let y = o["kinematics"]?["pose_with_covariance"]?["pose"]?["position"]?["y"]?.doubleValue else { return nil }
                        return (x, y)
                    }.min { hypot($0.0, $0.1) < hypot($1.0, $1.1) }
                    add("nearest object x (m)", nearest?.0)
                    add("nearest object y (m)", nearest?.1)
                }
            default: break
            }
        }
        func s(_ n: String) -> Series { Series(name: n, points: series[n] ?? []) }
        switch kind {
        case "weather":
            return [[s("precipitation (mm/h)")], [s("visibility (km)")], [s("temperature (°C)"), s("ABS active")]]
        case "actor":
            return [[s("speed (m/s)")], [s("nearest object x (m)")], [s("nearest object y (m)")], [s("imu accel x (m/s²)")]]
        default:
            return [[s("speed (m/s)")], [s("imu accel x (m/s²)")], [s("imu accel y (m/s²)"), s("yaw rate (rad/s)")],
                    [s("autonomous (1) / manual (4)")]]
        }
    }

    static func robotPanels(path: String, from: Double, to: Double) throws -> [[Series]] {
        let file = try HDF5File(path: path)
        func load(_ dataset: String, times: String?, rate: Double, t0: Double, columns: [(Int, String)]) throws -> [Series] {
            guard file.exists(dataset) else { return [] }
            let ds = try file.dataset(dataset)
            let values = try ds.read(Double.self)
            let t: [Double] = try times.flatMap { file.exists($0) ? try file.dataset($0).read(Double.self) : nil }
                ?? (0..<ds.rows).map { t0 + Double($0) / rate }
            return columns.map { (c, name) in
                Series(name: name, points: (0..<ds.rows).compactMap { r in
                    t[r] >= from && t[r] <= to ? (t[r], values[r * ds.rowWidth + c]) : nil
                })
            }
        }
        if file.exists("/robot_state/measured_force") {
            let f = try load("/robot_state/measured_force", times: "/timestamps/measured_force", rate: 1000, t0: 0,
                             columns: [(0, "Fx (N)"), (1, "Fy (N)"), (2, "Fz (N)")])
            let tq = try load("/robot_state/measured_torque", times: "/timestamps/measured_torque", rate: 1000, t0: 0,
                              columns: [(2, "Tz (N·m)")])
            let z = try load("/robot_state/pose", times: "/timestamps/pose", rate: 100, t0: 0, columns: [(0, "x (m)"), (2, "z (m)")])
            let g = try load("/robot_state/gripper_positions", times: "/timestamps/gripper_positions", rate: 50, t0: 0,
                             columns: [(0, "finger (m)")])
            return [f, tq, z, g]
        }
        let t0 = try file.attributes(of: "/").first { $0.name == "longtail_t0_ns" }.flatMap { a -> Double? in
            if case .integers(let v) = a.value { return Double(v[0]) / 1e9 } else { return nil }
        } ?? 0
        let e = try load("/observations/effort", times: nil, rate: 50, t0: t0, columns: [(1, "effort j1"), (2, "effort j2"), (3, "effort j3"), (5, "effort j5")])
        let q = try load("/observations/qpos", times: nil, rate: 50, t0: t0, columns: [(1, "qpos j1"), (6, "gripper")])
        return [e, q]
    }

    /// Stacked line plots sharing the time axis.
    static func render(title: String, panels: [[Series]], shade: (Double, Double), from: Double, to: Double) -> String {
        let width = 900.0, panelHeight = 150.0, left = 70.0, right = 200.0, top = 40.0
        let height = top + panelHeight * Double(panels.count) + 30
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        func fmt(_ v: Double) -> String { Formatting.fixed(v, 2) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"\(left)\" y=\"20\" font-size=\"14\">\(escape(title))</text>\n"
        let plotW = width - left - right
        func px(_ t: Double) -> Double { left + (t - from) / max(to - from, 1e-9) * plotW }
        for (k, panel) in panels.enumerated() {
            let y0 = top + Double(k) * panelHeight, h = panelHeight - 20
            let all = panel.flatMap { $0.points.map(\.1) }
            var lo = all.min() ?? 0, hi = all.max() ?? 1
            if hi - lo < 1e-9 { lo -= 1; hi += 1 }
            func py(_ v: Double) -> Double { y0 + h - (v - lo) / (hi - lo) * h }
            s += "<rect x=\"\(fmt(px(shade.0)))\" y=\"\(fmt(y0))\" width=\"\(fmt(max(1, px(shade.1) - px(shade.0))))\" height=\"\(fmt(h))\" fill=\"#fde7c4\"/>\n"
            s += "<rect x=\"\(left)\" y=\"\(fmt(y0))\" width=\"\(fmt(plotW))\" height=\"\(fmt(h))\" fill=\"none\" stroke=\"#999\"/>\n"
            s += "<text x=\"\(fmt(left - 5))\" y=\"\(fmt(y0 + 10))\" text-anchor=\"end\">\(fmt(hi))</text>\n"
            s += "<text x=\"\(fmt(left - 5))\" y=\"\(fmt(y0 + h))\" text-anchor=\"end\">\(fmt(lo))</text>\n"
            for (c, series) in panel.enumerated() where !series.points.isEmpty {
                let step = max(1, series.points.count / 1500)
                let pts = stride(from: 0, to: series.points.count, by: step).map { series.points[$0] }
                s += "<polyline fill=\"none\" stroke=\"\(colors[c % colors.count])\" stroke-width=\"1\" points=\""
                s += pts.map { "\(fmt(px($0.0))),\(fmt(py($0.1)))" }.joined(separator: " ") + "\"/>\n"
                s += "<text x=\"\(fmt(left + plotW + 8))\" y=\"\(fmt(y0 + 14 + 14 * Double(c)))\" fill=\"\(colors[c % colors.count])\">\(escape(series.name))</text>\n"
            }
        }
        s += "<text x=\"\(left)\" y=\"\(fmt(height - 8))\">t − \(fmt(from)) s: 0 … \(fmt(to - from)) s (shaded: labelled interval)</text>\n</svg>\n"
        return s
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

extension String {
    func replacingAll(_ a: Character, _ b: String) -> String { reduce(into: "") { $0 += $1 == a ? b : String($1) } }
}

#if canImport(Glibc)
import Glibc
import LongtailSupport
#endif
