import Foundation

/// One `longtail scan` (or merge) that wrote the catalog.
public struct CatalogRun: Sendable, Equatable {
    public var version: String
    public var profile: String
    public var flags: String
    /// ISO 8601, UTC.
    public var startedAt: String
    public var endedAt: String
    public init(version: String, profile: String, flags: String, startedAt: String, endedAt: String) {
        self.version = version; self.profile = profile; self.flags = flags; self.startedAt = startedAt; self.endedAt = endedAt
    }
}

/// One input file (or HDF5 episode) and how its scan went.
public struct CatalogSource: Sendable, Equatable {
    public var path: String
    public var size: Int64
    /// `crc32:adler32` of the whole file, hex.
    public var contentHash: String
    /// `ok` or `failed`.
    public var status: String
    public var error: String?
    public var profile: String?
    public var messages: Int
    /// Decompressed bytes of the values read.
    public var bytes: Int64
    /// The file's absolute path when it was scanned (nil in catalogs written before it was kept).
    public var absolutePath: String?
    /// The file's path below the directory argument it was found under (its file name when
    /// it was named itself): where it lies under a moved data root.
    public var relativePath: String?
    public init(path: String, size: Int64, contentHash: String, status: String, error: String? = nil,
                profile: String? = nil, messages: Int = 0, bytes: Int64 = 0, absolutePath: String? = nil, relativePath: String? = nil) {
        self.path = path; self.size = size; self.contentHash = contentHash; self.status = status; self.error = error
        self.profile = profile; self.messages = messages; self.bytes = bytes
        self.absolutePath = absolutePath; self.relativePath = relativePath
    }

    /// Where `file` (this source's file, or an episode's file) is readable now: under
    /// `dataRoot` (its relative path, then its name) when given, else where it was scanned
    /// (as given, then absolute). Nil when none of these is a readable file.
    public func locate(dataRoot: String?, isReadable: (String) -> Bool) -> String? {
        var candidates: [String] = []
        if let root = dataRoot {
            if let rel = relativePath { candidates.append(root + "/" + rel) }
            candidates.append(root + "/" + (path as NSString).lastPathComponent)
        }
        candidates.append(path)
        if let abs = absolutePath { candidates.append(abs) }
        return candidates.first(where: isReadable)
    }
}

/// An event as the catalog holds it: one row per segment the event overlaps.
public struct CatalogEvent: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var confidence: Double
    public var startNs: Int64
    public var endNs: Int64
    /// The facts as a JSON object.
    public var facts: String
    public init(name: String, kind: String, confidence: Double, startNs: Int64, endNs: Int64, facts: String) {
        self.name = name; self.kind = kind; self.confidence = confidence; self.startNs = startNs; self.endNs = endNs; self.facts = facts
    }
}

/// A segment with its tier, rarity and the events it overlaps.
public struct CatalogSegment: Sendable, Equatable {
    /// Stable id: the source's content hash and the segment's index (`3fa2b19c0d-42`).
    public var id: String
    public var source: String
    public var index: Int
    public var startNs: Int64
    public var endNs: Int64
    /// `alignment` or `pretrain`.
    public var tier: String
    /// Whether the segment's data is in the pretraining shards too.
    public var inPretrain: Bool
    public var rarity: Double
    public var percentile: Double
    /// Feature name → value, as a JSON object.
    public var features: String
    public var events: [CatalogEvent]
    public init(id: String, source: String, index: Int, startNs: Int64, endNs: Int64, tier: String, inPretrain: Bool,
                rarity: Double, percentile: Double, features: String, events: [CatalogEvent]) {
        self.id = id; self.source = source; self.index = index; self.startNs = startNs; self.endNs = endNs; self.tier = tier
        self.inPretrain = inPretrain; self.rarity = rarity; self.percentile = percentile; self.features = features; self.events = events
    }

    /// The highest confidence among the segment's events (0 without events).
    public var maxConfidence: Double { events.map(\.confidence).max() ?? 0 }
}
