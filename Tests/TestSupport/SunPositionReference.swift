/// pvlib's NREL SPA sun positions and Earth–Sun distances (`fixtures/reference/sun-positions-pvlib.csv`,
/// from `tools/reference-sun-positions.py`): 48 UTC instants of 2014–2026 over China.
public struct SunPositionReference: Sendable {
    /// "yyyy-MM-dd HH:mm:ss", UTC.
    public let time: String
    public let longitude: Double
    public let latitude: Double
    public let zenith: Double
    public let azimuth: Double
    public let earthSunDistance: Double

    public static func all() throws -> [SunPositionReference] {
        try Fixtures.csv("reference/sun-positions-pvlib.csv").map { row in
            SunPositionReference(time: row["time"]!, longitude: Double(row["lon"]!)!, latitude: Double(row["lat"]!)!,
                                 zenith: Double(row["zenith"]!)!, azimuth: Double(row["azimuth"]!)!,
                                 earthSunDistance: Double(row["earth_sun_distance"]!)!)
        }
    }

    /// The smaller angle between two azimuths, degrees (359.9° and 0.1° are 0.2° apart).
    public static func azimuthDifference(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b).truncatingRemainder(dividingBy: 360)
        return min(d, 360 - d)
    }
}
