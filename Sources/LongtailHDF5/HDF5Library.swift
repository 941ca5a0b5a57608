import CHDF5
#if canImport(Glibc)
import Glibc
#endif

/// Facts about the linked libhdf5, and its one-time set-up.
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

    /// Opens the library once: no shutdown at exit, HDF5's automatic error printing silenced
    /// (the library never prints; errors come back as `HDF5Error`), the zstd filter registered.
    static let ready: Bool = {
        // No library shutdown at process exit: every file is closed explicitly, and after a
        // failed write (a full disk) libhdf5's exit-time cleanup of the half-closed file
        // crashed the process (it also printed "infinite loop closing library" at times).
        _ = H5dont_atexit()
        _ = H5open()
        _ = H5Eset_auto2(lt_h5e_default(), nil, nil)
        ZstdFilter.register()
        return true
    }()

    /// Readies the library and silences its automatic error printing on the calling thread:
    /// in a thread-safe libhdf5 that setting is per thread, so a worker thread would
    /// otherwise print whole error stacks to stderr (tens of thousands of lines on a full disk).
    static func ensureReady() {
        _ = ready
        if pthread_getspecific(silencedKey) == nil {
            _ = H5Eset_auto2(lt_h5e_default(), nil, nil)
            _ = pthread_setspecific(silencedKey, UnsafeRawPointer(bitPattern: 1))
        }
    }

    /// Per-thread flag: this thread's automatic error printing is off.
    private static let silencedKey: pthread_key_t = {
        var key = pthread_key_t()
        _ = pthread_key_create(&key, nil)
        return key
    }()

    /// HDF5's error stack as one line (innermost cause last), then cleared.
    static func errorStack() -> String {
        final class Box { var lines: [String] = [] }
        let box = Box()
        let context = Unmanaged.passUnretained(box).toOpaque()
        _ = H5Ewalk2(lt_h5e_default(), H5E_WALK_UPWARD, { _, desc, ctx in
            guard let desc, let ctx else { return 0 }
            let box = Unmanaged<Box>.fromOpaque(ctx).takeUnretainedValue()
            if let d = desc.pointee.desc, let f = desc.pointee.func_name {
                box.lines.append("\(String(cString: f)): \(String(cString: d))")
            }
            return 0
        }, context)
        _ = H5Eclear2(lt_h5e_default())
        return box.lines.isEmpty ? "no detail from HDF5" : box.lines.suffix(3).joined(separator: "; ")
    }
}
