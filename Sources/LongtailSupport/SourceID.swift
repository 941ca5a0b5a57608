/// One source of segments: an MCAP file, or one episode of an HDF5 file that holds several.
/// Written as `path` or `path#/episode/group`, the form every output and the catalog keep.
public struct SourceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file on disk.
    public var file: String
    /// The episode's group inside the file, when the file holds several.
    public var episode: String?

    public init(file: String, episode: String? = nil) { self.file = file; self.episode = episode }

    /// Reads the written form back (`path` or `path#episode`).
    public init(parsing text: String) {
        if let i = text.firstIndex(of: "#") {
            file = String(text[..<i])
            episode = String(text[text.index(after: i)...])
        } else {
            file = text
            episode = nil
        }
    }

    /// `path` or `path#episode`.
    public var text: String { episode.map { file + "#" + $0 } ?? file }
    public var description: String { text }

    /// The file's base name, with the episode: `run.mcap`, `demo.h5#/data/demo_0`.
    public var shortName: String {
        let base = file.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? file
        return episode.map { base + "#" + $0 } ?? base
    }

    public static func < (a: SourceID, b: SourceID) -> Bool { a.text < b.text }
}
