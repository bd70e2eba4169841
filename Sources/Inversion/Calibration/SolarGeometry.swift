import Foundation

/// Sun position and Earth–Sun distance, to the accuracy calibration needs (~0.1°, ~1e-4 AU).
public enum SolarGeometry {
    /// Earth–Sun distance in astronomical units on a day of the year (1…366).
    public static func earthSunDistance(dayOfYear: Int) -> Double {
        1 - 0.01672 * cos(0.9856 * Double(dayOfYear - 4) * .pi / 180)
    }

    /// Solar zenith and azimuth (degrees, azimuth clockwise from north) at a UTC time and place,
    /// from NOAA's low-precision equations (declination and equation of time by Spencer's series).
    public static func sunPosition(at date: Date, longitude: Double, latitude: Double) -> (zenith: Double, azimuth: Double) {
        let c = Calendar.utc.dateComponents([.hour, .minute, .second], from: date)
        let day = Double(Calendar.utc.ordinality(of: .day, in: .year, for: date)!)
        let hour = Double(c.hour!) + Double(c.minute!) / 60 + Double(c.second!) / 3600
        let gamma = 2 * Double.pi / 365 * (day - 1 + (hour - 12) / 24)
        let equationOfTime = 229.18 * (0.000075 + 0.001868 * cos(gamma) - 0.032077 * sin(gamma)
            - 0.014615 * cos(2 * gamma) - 0.040849 * sin(2 * gamma))
        let declination = 0.006918 - 0.399912 * cos(gamma) + 0.070257 * sin(gamma) - 0.006758 * cos(2 * gamma)
            + 0.000907 * sin(2 * gamma) - 0.002697 * cos(3 * gamma) + 0.00148 * sin(3 * gamma)
        let trueSolarMinutes = hour * 60 + equationOfTime + 4 * longitude
        let hourAngle = (trueSolarMinutes / 4 - 180) * .pi / 180
        let phi = latitude * .pi / 180
        let cosZenith = sin(phi) * sin(declination) + cos(phi) * cos(declination) * cos(hourAngle)
        let zenith = acos(max(-1, min(1, cosZenith)))
        var azimuth = atan2(sin(hourAngle), cos(hourAngle) * sin(phi) - tan(declination) * cos(phi)) * 180 / .pi + 180
        azimuth = azimuth.truncatingRemainder(dividingBy: 360)
        return (zenith * 180 / .pi, azimuth)
    }
}

/// DN ↔ radiance ↔ top-of-atmosphere reflectance for one scene: its coefficients, sun zenith and
/// Earth–Sun distance. `ρ = π L d² / (ESUN cos θs)`.
public struct TOAReflectanceModel: Sendable, Equatable {
    public let coefficients: CalibrationCoefficients
    public let solarZenith: Double
    public let earthSunDistance: Double
    /// Reflectance per unit radiance in each band: `π d² / (ESUN cos θs)`.
    public let reflectancePerRadiance: [Double]

    public init(coefficients: CalibrationCoefficients, solarZenith: Double, earthSunDistance: Double) {
        self.coefficients = coefficients
        self.solarZenith = solarZenith
        self.earthSunDistance = earthSunDistance
        let cosZenith = cos(solarZenith * .pi / 180)
        reflectancePerRadiance = coefficients.solarIrradiance.map { .pi * earthSunDistance * earthSunDistance / ($0 * cosZenith) }
    }

    /// The model a GF-2 product's metadata implies: coefficients by sensor and year, sun from the XML.
    public init(metadata: GF2Metadata) throws {
        self.init(coefficients: try CalibrationTable.lookup(satellite: metadata.satelliteID, sensor: metadata.sensorID,
                                                             year: metadata.year),
                  solarZenith: metadata.solarZenith,
                  earthSunDistance: SolarGeometry.earthSunDistance(dayOfYear: metadata.dayOfYear))
    }

    @inlinable public func reflectance(dn: Double, band: Int) -> Double {
        coefficients.radiance(dn: dn, band: band) * reflectancePerRadiance[band]
    }

    /// The exact (unrounded) DN that gives reflectance `rho`.
    @inlinable public func dn(reflectance rho: Double, band: Int) -> Double {
        coefficients.dn(radiance: rho / reflectancePerRadiance[band], band: band)
    }
}
