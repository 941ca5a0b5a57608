import Foundation

/// Times on the command line (`--since`, `--until`), as nanoseconds since the Unix epoch.
public enum CatalogTime {
    /// What `parse` accepts, for error messages and `--help`.
    public static let formats = """
        integer nanoseconds since the Unix epoch (1732530000000000000), seconds with a decimal \
        point or an s suffix (1732530000.5, 1732530000s), an ISO 8601 date-time in UTC or with an offset (2024-11-25T10:20:00Z, \
        2024-11-25T10:20:00.250+01:00, 2024-11-25 10:20:00), or a date (2024-11-25, midnight UTC)
        """

    /// The time `text` names.
    /// - Throws: `CatalogError.invalidArgument` naming the text and the accepted formats.
    public static func parse(_ text: String, flag: String = "time") throws(CatalogError) -> Int64 {
        let s = text.trimmingCharacters(in: .whitespaces)
        func bad() -> CatalogError {
            CatalogError(path: "", .invalidArgument("\(flag): cannot read '\(text)' as a time; accepted formats: \(formats)"))
        }
        if let n = Int64(s), !s.isEmpty { return n }
        // Seconds: with an s suffix, or with a decimal point (`cat` and `query` read the same forms).
        let seconds = s.hasSuffix("s") ? String(s.dropLast()) : s.contains(".") && !s.contains("-") && !s.contains(":") ? s : nil
        if let seconds, let secs = Double(seconds), secs.isFinite, abs(secs) < 9e9 {
            let whole = secs.rounded(.down)
            return Int64(whole) * 1_000_000_000 + Int64(((secs - whole) * 1e9).rounded())
        }
        guard let t = parseISO(s) else { throw bad() }
        return t
    }

    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]][Z|±hh:mm]]`.
    static func parseISO(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= u.count else { return nil }
            var v = 0
            for k in 0..<digits {
                let c = u[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool { guard i < u.count, u[i] == c else { return false }; i += 1; return true }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, nanos: Int64 = 0, offset = 0
        if i < u.count {
            guard u[i] == 84 || u[i] == 32 else { return nil }   // T or space
            i += 1
            guard let h = number(2), expect(58), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if expect(58) {
                guard let sec = number(2), sec < 61 else { return nil }
                second = sec
                if expect(46) {
                    var digits = 0
                    while i < u.count, u[i] >= 48, u[i] <= 57 {
                        if digits < 9 { nanos = nanos * 10 + Int64(u[i] - 48) }
                        digits += 1; i += 1
                    }
                    guard digits > 0 else { return nil }
                    if digits < 9 { for _ in digits..<9 { nanos *= 10 } }
                }
            }
            if expect(90) {   // Z
            } else if i < u.count, u[i] == 43 || u[i] == 45 {
                let sign = u[i] == 45 ? -1 : 1
                i += 1
                guard let oh = number(2), expect(58), let om = number(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == u.count else { return nil }
        // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        // Checked: a year far outside ±292 of 1970 does not fit nanoseconds in an Int64.
        let (daySeconds, o1) = Int64(days).multipliedReportingOverflow(by: 86400)
        let (seconds, o2) = daySeconds.addingReportingOverflow(Int64(hour * 3600 + minute * 60 + second - offset))
        let (ns, o3) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o4) = ns.addingReportingOverflow(nanos)
        return o1 || o2 || o3 || o4 ? nil : total
    }

    /// An ISO 8601 UTC rendering with milliseconds.
    public static func format(_ ns: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: Double(ns) / 1e9))
    }
}
