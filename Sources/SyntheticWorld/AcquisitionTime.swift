/// A UTC instant as GF-2 metadata prints it ("yyyy-MM-dd HH:mm:ss"), and its Julian day, from which
/// the world computes where the sun stands.
public struct AcquisitionTime: Sendable, Equatable {
    public let year: Int, month: Int, day: Int
    public let hour: Int, minute: Int, second: Int

    /// Parses "yyyy-MM-dd HH:mm:ss" (also with "T" between date and time); nil unless it is a real
    /// instant of the Gregorian calendar.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { "- :T".contains($0) }).map { Int($0) }
        guard parts.count == 6, let year = parts[0], let month = parts[1], let day = parts[2],
              let hour = parts[3], let minute = parts[4], let second = parts[5],
              (1...12).contains(month), (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else {
            return nil
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthLength = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...monthLength).contains(day) else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// "yyyy-MM-dd HH:mm:ss", as the product XML's `ReceiveTime`.
    public var text: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let y = String(year)
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }

    /// Julian day (UT) of the instant, by Meeus, *Astronomical Algorithms* (2nd ed.), eq. 7.1, for the
    /// Gregorian calendar: January and February count as months 13 and 14 of the year before.
    public var julianDay: Double {
        let (y, m) = month > 2 ? (year, month) : (year - 1, month + 12)
        let century = y / 100
        let gregorianCorrection = 2 - century + century / 4
        let dayFraction = (Double(hour) + (Double(minute) + Double(second) / 60) / 60) / 24
        return (365.25 * Double(y + 4716)).rounded(.down) + (30.6001 * Double(m + 1)).rounded(.down)
            + Double(day) + dayFraction + Double(gregorianCorrection) - 1524.5
    }

    /// Minutes since 00:00 UTC of the day.
    var minutesOfDay: Double { Double(hour * 60 + minute) + Double(second) / 60 }
}
