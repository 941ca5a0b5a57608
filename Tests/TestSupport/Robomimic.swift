import LongtailHDF5

extension TestSupport {
    /// A robomimic-layout file with three demos (`/data/demo_0`, `demo_1`, `demo_10`: 90,
    /// 130 and 50 rows of end-effector position, quaternion and gripper fingers): one HDF5
    /// file that holds several sources.
    /// `startTimes`: per demo, a start-time attribute `start_time` on its group (an integer
    /// in ns, or a float in seconds), as layouts that keep it beside the episode do.
    public static func writeRobomimicDemos(to path: String, startTimes: [HDF5AttributeValue]? = nil) throws {
        let w = try HDF5Writer(path: path)
        for (d, rows) in [(0, 90), (1, 130), (10, 50)] {
            var pos: [Double] = [], quat: [Double] = [], grip: [Double] = []
            for i in 0..<rows {
                let k = Double(i)
                pos += [0.5 + 0.001 * k, 0.1, 0.9 - 0.002 * k]
                quat += [0, 0, 0, 1]
                let finger: Double = 0.04 - 0.0002 * k
                grip += [finger, -finger]
            }
            try w.writeDataset("/data/demo_\(d)/obs/robot0_eef_pos", values: pos, shape: [rows, 3])
            try w.writeDataset("/data/demo_\(d)/obs/robot0_eef_quat", values: quat, shape: [rows, 4])
            try w.writeDataset("/data/demo_\(d)/obs/robot0_gripper_qpos", values: grip, shape: [rows, 2])
            if let startTimes { try w.setAttribute("start_time", on: "/data/demo_\(d)", startTimes[[0, 1, 10].firstIndex(of: d)!]) }
        }
        try w.close()
    }
}
