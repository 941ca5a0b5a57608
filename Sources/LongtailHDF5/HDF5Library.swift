import CHDF5

/// Facts about the HDF5 library Longtail is linked against.
public enum HDF5Library {
    /// The linked libhdf5's version as `major.minor.release`.
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        _ = H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }

    /// Whether the library was built thread-safe (one global lock inside it).
    public static var isThreadSafe: Bool {
        var flag: hbool_t = false
        _ = H5is_library_threadsafe(&flag)
        return flag
    }

    /// The native float type id, through the shim (the `H5T_NATIVE_FLOAT` macro does not import).
    static var nativeFloat: hid_t { lt_h5t_native_float() }
}
