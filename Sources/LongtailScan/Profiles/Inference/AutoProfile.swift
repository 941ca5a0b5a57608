import LongtailBag
import LongtailHDF5
import LongtailMCAP
import LongtailSupport

extension ProfileChoice {
    /// `--profile auto` for one file: HDF5 by its layout; an MCAP or bag that carries the
    /// synth-driving topics gets that profile; any other log gets a profile inferred from
    /// its first ten minutes (`ProfileInference`, accepted choices only), named
    /// `inferred-HASH` by its mapping so that logs of one layout share a name (and a rarity
    /// group). When inference finds nothing, synth-driving: the scan then says what is missing.
    /// - Throws: `ProfileError` when a built-in profile does not load (a bug).
    public static func profile(for path: String) throws(ProfileError) -> Profile {
        let builtin = try Profile.load(auto(for: path))
        if HDF5File.isHDF5(path: path) { return builtin }
        let topics = Self.topics(of: path)
        let wanted = Set(builtin.signals.compactMap(\.topic) + [builtin.actors?.topic].compactMap { $0 })
        guard !topics.isEmpty, wanted.isDisjoint(with: topics),
              let inferred = try? ProfileInference.infer(paths: [path], name: "inferred"),
              var p = try? Profile.parse(inferred.toml, source: path), !p.signals.isEmpty else { return builtin }
        p.name = "inferred-" + FNV1a.hex(FNV1a.hash(p.signals.map { "\($0.name) \($0.topic ?? "") \($0.field ?? "") \($0.scale ?? 1)" }
            .joined(separator: "\n"))).prefix(8)
        p.description = "inferred by --profile auto from \(path.split(separator: "/").last.map(String.init) ?? path): "
            + p.signals.map { "\($0.name) ← \($0.topic ?? "") \($0.field ?? "")\(($0.scale ?? 1) != 1 ? " ×\($0.scale!)" : "")" }.joined(separator: ", ")
        return p
    }

    /// The topics of an MCAP (from its summary, or a scan) or a bag (its connections); empty
    /// when the file cannot be read (the scan then reports why).
    static func topics(of path: String) -> Set<String> {
        if SourceScanner.isBag(path) {
            guard let reader = try? BagReader(path: path), let index = try? reader.index() else { return [] }
            return Set(index.connections.values.map(\.topic))
        }
        guard let reader = try? MCAPIndexedReader(path: path) else { return [] }
        return Set(reader.summary.channels.values.map(\.topic))
    }
}
