import Foundation
import LongtailSupport

/// A batch's progress, updated by the workers as files finish and read by whoever shows
/// it (the CLI's live line or log lines). The library itself never prints.
public final class BatchProgress: @unchecked Sendable {
    public struct Snapshot: Sendable {
        public var filesDone = 0
        public var filesTotal = 0
        public var failed = 0
        /// Input bytes (file sizes on disk) done and in all.
        public var bytesDone: Int64 = 0
        public var bytesTotal: Int64 = 0
        public var events = 0
        public var seconds = 0.0
        /// The stage after scanning ("writing tiers"), nil while scanning.
        public var stage: String?
        public var megabytesPerSecond: Double { seconds > 0 ? Double(bytesDone) / seconds / 1e6 : 0 }
        /// Seconds left at the rate so far (nil before the first file finishes).
        public var eta: Double? {
            guard bytesDone > 0, seconds > 0 else { return nil }
            return Double(bytesTotal - bytesDone) / (Double(bytesDone) / seconds)
        }
    }

    private let lock = NSLock()
    private var state = Snapshot()
    private var started = Clock.monotonicSeconds()

    public init() {}

    public func snapshot() -> Snapshot {
        lock.lock(); defer { lock.unlock() }
        var s = state
        s.seconds = Clock.monotonicSeconds() - started
        return s
    }

    func begin(files: Int, bytes: Int64) {
        lock.lock(); defer { lock.unlock() }
        state.filesTotal = files; state.bytesTotal = bytes; started = Clock.monotonicSeconds()
    }

    func finished(bytes: Int64, events: Int, failed: Bool) {
        lock.lock(); defer { lock.unlock() }
        state.filesDone += 1; state.bytesDone += bytes; state.events += events
        if failed { state.failed += 1 }
    }

    /// Names the stage after scanning (shown beside the counts).
    public func stage(_ name: String?) { lock.lock(); state.stage = name; lock.unlock() }
}

/// Set from a signal handler (SIGINT): workers take no new file, the run finishes what it
/// has and writes consistent outputs.
public final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    public func set() { lock.lock(); value = true; lock.unlock() }
}
