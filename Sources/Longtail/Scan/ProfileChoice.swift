import LongtailHDF5

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
