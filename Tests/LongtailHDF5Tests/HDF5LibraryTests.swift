import Testing
@testable import LongtailHDF5

/// The CHDF5 binding links and its macro shims resolve (the reader and writers come with issue 3).
@Suite struct HDF5LibraryTests {
    @Test func linksAndReportsVersion() {
        let parts = HDF5Library.version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count == 3 && parts[0] == 1 && parts[1] >= 10)
        // H5T_NATIVE_FLOAT only exists after H5open(); the shim makes it a valid id (> 0).
        #expect(HDF5Library.nativeFloat > 0)
    }
}
