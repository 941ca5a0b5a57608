import LongtailCore
import LongtailSupport

/// What scanning one source (an MCAP file or an HDF5 episode) found.
public struct SourceScan: Sendable {
    public var id: SourceID
    /// The source as outputs write it (`path` or `path#episode`).
    public var source: String { id.text }
    public var segments: [SegmentRecord] = []
    public var events: [DetectedEvent] = []
    /// One event-centred clip per event (for the alignment tier).
    public var clips: [EventClip] = []
    public var gaps: [SignalGap] = []
    /// Canonical signal → where it was found (`topic field` or `dataset[column]`).
    public var found: [String: String] = [:]
    /// Canonical signals the profile maps but the source lacks (or that failed to decode).
    public var missing: [String] = []
    /// Events that could not run, with the signals they lacked.
    public var disabled: [(event: String, missing: [String])] = []
    /// Things worth telling the user that did not stop the scan.
    public var warnings: [String] = []
    public var messages = 0
    /// Uncompressed bytes of the messages (MCAP) or values (HDF5) read.
    public var bytes: UInt64 = 0
    public var ticks = 0
    /// The canonical signals downsampled for the pretraining tier (nil when not collected).
    public var pretrain: PretrainSeries?

    public init(id: SourceID) { self.id = id }
    /// A source from its written form (`path` or `path#episode`).
    public init(source: String) { id = SourceID(parsing: source) }
}

