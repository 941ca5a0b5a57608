#if canImport(Glibc)
import Glibc
#endif
import LongtailBag
import LongtailHDF5
import LongtailSupport

/// The scan library's entry point: one file and a profile in, one result per source out
/// (an MCAP file is one source, an HDF5 file one per episode). Writes nothing.
public enum SourceScanner {
    /// A path that is not a readable file.
    public struct UnreadableFile: Error, CustomStringConvertible, Sendable {
        public var path: String
        /// Why, in words (`RegularFile.problem`).
        public var reason: String
        public init(path: String, reason: String = "no such file, or not readable") { self.path = path; self.reason = reason }
        public var description: String { "\(path): \(reason)" }
    }

    /// Scans one file (MCAP, ROS 1 bag or HDF5, told apart by their first bytes).
    /// - Parameters:
    ///   - pretrainHz: also keep the signals at this rate for the pretraining tier.
    ///   - pipelined: MCAP chunks are read and decompressed on a second thread.
    ///   - digest: fed the file's bytes as an MCAP file is read whole (its content hash
    ///     without a second read); other formats leave it empty.
    /// - Throws: `UnreadableFile`, `MCAPError` or `HDF5Error` naming the file.
    public static func scan(_ path: String, profile: Profile, dryRun: Bool = false, pretrainHz: Double? = nil,
                            pipelined: Bool = false, digest: ContentDigest? = nil) throws -> [SourceScan] {
        if let problem = RegularFile.problem(path) { throw UnreadableFile(path: path, reason: problem) }
        if isBag(path) {
            return [try BagScanner(profile: profile, path: path, pretrainHz: pretrainHz).scan(dryRun: dryRun)]
        }
        if HDF5File.isHDF5(path: path) {
            return try HDF5Scanner(profile: profile, path: path, pretrainHz: pretrainHz).scan(dryRun: dryRun)
        }
        return [try MCAPScanner(profile: profile, path: path, pretrainHz: pretrainHz, pipelined: pipelined, digest: digest).scan(dryRun: dryRun)]
    }

    /// Whether the file starts with a ROS 1 bag's magic line (any version: the bag reader
    /// names older versions).
    static func isBag(_ path: String) -> Bool { BagReader.looksLikeBag(head(path, 7)) }

    /// Whether the file starts with MCAP's magic.
    static func isMCAP(_ path: String) -> Bool { head(path, 8) == [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A] }

    /// The file's first `count` bytes (fewer when it is shorter or cannot be read).
    private static func head(_ path: String, _ count: Int) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = fread(&bytes, 1, count, f)
        return Array(bytes.prefix(n))
    }

    /// The features of a domain's segments, in vector order (the rarity model's).
    public static func features(for domain: Profile.Domain) -> [FeatureSpec] { FeatureSpec.features(for: domain) }
}
