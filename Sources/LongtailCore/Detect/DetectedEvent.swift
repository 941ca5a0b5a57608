/// A named event found by a detector: where it is, how sure the detector is, and the
/// measured facts behind it, so a reader can check the label.
public struct DetectedEvent: Sendable, Equatable {
    /// A fact's value: a measurement or a word (severity, class, systems).
    public enum Fact: Sendable, Equatable {
        case number(Double)
        case text(String)
    }
    /// Event name from EVENTS.md (`hard_brake`, `insert`, ...).
    public var name: String
    /// `ego`, `actor`, `weather` or `manipulation`.
    public var kind: String
    public var startNs: Int64
    public var endNs: Int64
    /// In [0, 1]: how far past its threshold the evidence went.
    public var confidence: Double
    /// Facts in a stable order.
    public var facts: [(String, Fact)]

    public init(name: String, kind: String, startNs: Int64, endNs: Int64, confidence: Double, facts: [(String, Fact)]) {
        self.name = name; self.kind = kind; self.startNs = startNs; self.endNs = endNs
        self.confidence = Swift.min(1, Swift.max(0, confidence)); self.facts = facts
    }

    public static func == (a: DetectedEvent, b: DetectedEvent) -> Bool {
        a.name == b.name && a.kind == b.kind && a.startNs == b.startNs && a.endNs == b.endNs && a.confidence == b.confidence
            && a.facts.map(\.0) == b.facts.map(\.0) && a.facts.map(\.1) == b.facts.map(\.1)
    }

    /// Every event of EVENTS.md with its kind (`ego`, `actor`, `weather`, `manipulation`),
    /// from `EventTable`.
    public static let kinds: [String: String] = Dictionary(uniqueKeysWithValues: EventTable.all.map { ($0.name, $0.kind) })

    /// A total order: start, name, end (used to sort outputs deterministically).
    public static func ordered(_ a: DetectedEvent, _ b: DetectedEvent) -> Bool {
        (a.startNs, a.name, a.endNs, a.confidence) < (b.startNs, b.name, b.endNs, b.confidence)
    }
}

/// Confidence from a margin: 0.5 at the threshold, rising to 1 when the measurement is
/// `full` past it (in the threshold's direction).
@inline(__always)
func marginConfidence(_ value: Double, threshold: Double, full: Double) -> Double {
    guard full != 0, value.isFinite else { return 0.5 }
    return 0.5 + 0.5 * Swift.min(1, Swift.max(0, (value - threshold) / full))
}

/// Confidence from persistence: 0.5 when a run just met its `minimum` duration (where
/// sensor noise decides whether it did), rising to 1 when it lasted `full` seconds longer.
/// A detection's confidence is the smaller of this and its margin: sure means both well
/// past the threshold and well past the minimum time.
@inline(__always)
func persistenceConfidence(_ duration: Double, minimum: Double, full: Double) -> Double {
    guard full > 0, duration.isFinite else { return 0.5 }
    return 0.5 + 0.5 * Swift.min(1, Swift.max(0, (duration - minimum) / full))
}

/// Detector thresholds: EVENTS.md defaults, each overridable by name from a profile.
public struct Thresholds: Sendable, Equatable {
    public private(set) var values: [String: Double]

    /// Every driving threshold with its default (`EventTable`).
    public static let driving: [String: Double] = EventTable.thresholds(for: .driving)

    /// Every manipulation threshold with its default (`EventTable`).
    public static let robot: [String: Double] = EventTable.thresholds(for: .robot)

    /// The defaults of `defaults` with `overrides` applied.
    /// - Throws: `UnknownThreshold` naming the key and listing the valid ones.
    public init(_ defaults: [String: Double], overrides: [String: Double] = [:]) throws(UnknownThreshold) {
        values = defaults
        for (k, v) in overrides.sorted(by: { $0.key < $1.key }) {
            guard defaults[k] != nil else { throw UnknownThreshold(key: k, valid: defaults.keys.sorted()) }
            values[k] = v
        }
    }

    public subscript(_ key: String) -> Double {
        guard let v = values[key] else { preconditionFailure("no threshold \(key)") }
        return v
    }

    /// A threshold name that no detector knows.
    public struct UnknownThreshold: Error, Sendable, Equatable {
        public var key: String
        public var valid: [String]
    }
}
