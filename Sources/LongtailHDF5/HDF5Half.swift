import CHDF5

/// IEEE 754 half precision, stored as the 16-bit float h5py reads as `numpy.float16`.
///
/// HDF5 1.10 has no predefined half type: it is derived from the 32-bit IEEE type
/// (sign bit 15, exponent bits 10–14 with bias 15, mantissa bits 0–9). The type is made
/// once and kept for the life of the process.
extension Float16: HDF5Writable {
    public static var hdf5MemoryType: hid_t { HDF5Half.type }
}

enum HDF5Half {
    static let type: hid_t = {
        HDF5Library.ensureReady()
        let t = H5Tcopy(lt_h5t_ieee_f32le())
        _ = H5Tset_fields(t, 15, 10, 5, 0, 10)
        _ = H5Tset_size(t, 2)
        _ = H5Tset_ebias(t, 15)
        return t
    }()
}
