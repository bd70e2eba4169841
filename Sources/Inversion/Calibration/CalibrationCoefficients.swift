/// Absolute radiometric calibration of one sensor in one year: `L = gain × DN + offset`
/// (L in W·m⁻²·sr⁻¹·µm⁻¹), band by band, plus the band-averaged solar irradiance (ESUN) that
/// turns radiance into top-of-atmosphere reflectance.
public struct CalibrationCoefficients: Sendable, Equatable, Codable {
    public let satellite: String
    public let sensor: String
    public let year: Int
    public let gains: [Double]
    public let offsets: [Double]
    public let solarIrradiance: [Double]

    public var bandCount: Int { gains.count }

    /// Radiance of a DN in band `band` (0-based).
    @inlinable public func radiance(dn: Double, band: Int) -> Double { gains[band] * dn + offsets[band] }

    /// The DN (not rounded) that gives radiance `l` in band `band`.
    @inlinable public func dn(radiance l: Double, band: Int) -> Double { (l - offsets[band]) / gains[band] }

    /// A label for reports and file metadata, e.g. "GF2 PMS1 2018".
    public var label: String { "\(satellite) \(sensor) \(year)" }
}

/// The versioned table of calibration coefficients, as CRESDA (China Centre for Resources
/// Satellite Data and Application) publishes them: one row per satellite, sensor and year.
///
/// Gains and offsets are CRESDA's published GF-2 PMS multispectral values (blue, green, red, NIR) for
/// 2014–2018 ("国产陆地观测卫星绝对辐射定标系数", yearly); every row agrees digit for digit with the
/// GF-2 table of desertstsung/Project_JiaoTang `sourceCode/gainOffsetExtForMSPN.pro`, and the 2016–2018
/// rows with OKzsy/work `auto_process/atm/atm_GF2.py`. Years after the last published row use that
/// row, the practice of common GF-2 processing tools, and `lookup` says which row it chose.
///
/// ESUN (band-averaged exo-atmospheric solar irradiance at 1 AU, W·m⁻²·µm⁻¹): CRESDA's GF-2 PMS1/PMS2
/// values were not found in a citable source. The values below are CRESDA's GF-1 PMS figures to within
/// 0.04 (GF-1 PMS2 blue 1945.34 and green 1854.15, GF-1 PMS1 red 1542.63, NIR between PMS1's 1080.81 and
/// PMS2's 1081.93, as a public IDL GF-1 routine `GetEs` tabulates them), not GF-2's; they are one set
/// for both cameras. Replace them, per camera, with CRESDA's GF-2 figures when at hand (the synthetic
/// world's `WorldParameters.solarIrradiance` holds the same values).
public enum CalibrationTable {
    public static let version = "cresda-gf2-pms-2014-2018"

    /// GF-1 PMS figures standing in for GF-2's (see above).
    static let pmsSolarIrradiance = [1945.3, 1854.15, 1542.63, 1080.77]

    public static let rows: [CalibrationCoefficients] = [
        row("PMS1", 2014, [0.1585, 0.1883, 0.1740, 0.1897], offsets: [-0.8765, -0.9742, -0.7652, -0.7233]),
        row("PMS1", 2015, [0.1457, 0.1604, 0.1550, 0.1731]),
        row("PMS1", 2016, [0.1322, 0.1550, 0.1477, 0.1613]),
        row("PMS1", 2017, [0.1193, 0.1530, 0.1424, 0.1569]),
        row("PMS1", 2018, [0.1356, 0.1736, 0.1644, 0.1788]),
        row("PMS2", 2014, [0.1748, 0.1817, 0.1741, 0.1975], offsets: [-0.5930, -0.2717, -0.2879, -0.2773]),
        row("PMS2", 2015, [0.1761, 0.1843, 0.1677, 0.1830]),
        row("PMS2", 2016, [0.1762, 0.1856, 0.1754, 0.1980]),
        row("PMS2", 2017, [0.1434, 0.1595, 0.1511, 0.1685]),
        row("PMS2", 2018, [0.1859, 0.2072, 0.1934, 0.2180]),
    ]

    private static func row(_ sensor: String, _ year: Int, _ gains: [Double], offsets: [Double] = [0, 0, 0, 0]) -> CalibrationCoefficients {
        CalibrationCoefficients(satellite: "GF2", sensor: sensor, year: year, gains: gains, offsets: offsets,
                                solarIrradiance: pmsSolarIrradiance)
    }

    /// The row for a satellite, sensor and year: that year's, or the latest published before it.
    public static func lookup(satellite: String, sensor: String, year: Int) throws -> CalibrationCoefficients {
        let candidates = rows.filter { $0.satellite == satellite.uppercased() && $0.sensor == sensor.uppercased() }
        guard !candidates.isEmpty else {
            let known = Set(rows.map { "\($0.satellite) \($0.sensor)" }).sorted().joined(separator: ", ")
            throw CalibrationError("no calibration coefficients for \(satellite) \(sensor); known: \(known)")
        }
        if let exact = candidates.first(where: { $0.year == year }) { return exact }
        guard let earlier = candidates.filter({ $0.year < year }).max(by: { $0.year < $1.year }) else {
            throw CalibrationError("no calibration coefficients for \(satellite) \(sensor) in \(year); the first published year is \(candidates.map(\.year).min()!)")
        }
        return earlier
    }
}

public struct CalibrationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
