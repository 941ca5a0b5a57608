#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two clocks Longtail reads: a monotonic one for durations, the wall clock for records.
public enum Clock {
    /// Seconds on the monotonic clock (differences only).
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Nanoseconds since the epoch, now.
    public static func wallClockNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// Numbers as Longtail prints them.
public enum Formatting {
    /// `v` with exactly `digits` decimals (no locale, no Foundation).
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded()
        let whole = Int64(r / scale)
        let frac = Int64(abs(r) - abs(Double(whole)) * scale)
        let fs = String(frac)
        return "\(r < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: max(0, digits - fs.count)))\(fs)"
    }

    /// A byte count in KiB or MiB with one decimal.
    public static func bytes(_ n: UInt64) -> String {
        n >= 1 << 20 ? "\(fixed(Double(n) / Double(1 << 20), 1)) MiB" : "\(fixed(Double(n) / 1024, 1)) KiB"
    }
}
