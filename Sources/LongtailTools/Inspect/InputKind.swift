import Foundation
import LongtailHDF5
import LongtailMCAP

/// Which reader a file needs, from its first bytes (not its name).
public enum InputKind {
    case mcap, hdf5

    /// MCAP when the file starts with the MCAP magic, HDF5 when libhdf5 recognises it;
    /// otherwise MCAP, whose reader then reports the bad magic with the bytes it found.
    public static func of(_ path: String) throws -> InputKind {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .mcap }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        if [UInt8](head) == mcapMagic { return .mcap }
        return HDF5File.isHDF5(path: path) ? .hdf5 : .mcap
    }
}
