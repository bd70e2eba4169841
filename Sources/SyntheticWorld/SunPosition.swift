import Foundation

/// Where the sun stands, seen from a place at an instant, and how far away it is: the algorithm of
/// NOAA's solar calculator spreadsheet (Global Monitoring Laboratory), which follows Meeus,
/// *Astronomical Algorithms*, ch. 25: the sun's geometric mean longitude and anomaly in Julian
/// centuries from J2000, the equation of centre, the apparent longitude (nutation and aberration),
/// the corrected obliquity, declination and equation of time, then the hour angle of the place.
///
/// Written from the physics for the synthetic world only, apart from the calibration it is checked
/// against. Against pvlib's NREL SPA over 2014–2026 in China it agrees to about 0.01° in zenith,
/// 0.02° in azimuth and 6e-5 AU (the Moon's pull on the Earth, which NOAA leaves out).
public struct SunPosition: Sendable, Equatable {
    /// Geometric zenith angle (no atmospheric refraction), degrees.
    public let zenith: Double
    /// Azimuth, degrees clockwise from north.
    public let azimuth: Double
    /// The sun's radius vector: the Earth–Sun distance in astronomical units.
    public let earthSunDistance: Double

    public init(at time: AcquisitionTime, longitude: Double, latitude: Double) {
        let julianCentury = (time.julianDay - 2_451_545) / 36_525
        let t = julianCentury
        let meanLongitude = (280.46646 + t * (36_000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.52911 + t * (35_999.05029 - 0.0001537 * t)
        let eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let m = radians(meanAnomaly)
        let equationOfCentre = sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t))
            + sin(2 * m) * (0.019993 - 0.000101 * t) + sin(3 * m) * 0.000289
        let trueLongitude = meanLongitude + equationOfCentre
        let trueAnomaly = meanAnomaly + equationOfCentre
        earthSunDistance = 1.000001018 * (1 - eccentricity * eccentricity) / (1 + eccentricity * cos(radians(trueAnomaly)))
        // Nutation in longitude and aberration, through the longitude of the Moon's ascending node.
        let node = radians(125.04 - 1934.136 * t)
        let apparentLongitude = radians(trueLongitude - 0.00569 - 0.00478 * sin(node))
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let obliquity = radians(meanObliquity + 0.00256 * cos(node))
        let declination = asin(sin(obliquity) * sin(apparentLongitude))

        // Equation of time (minutes): the sun's right ascension against its mean longitude.
        let y = pow(tan(obliquity / 2), 2)
        let l0 = radians(meanLongitude)
        let equationOfTime = 4 * degrees(y * sin(2 * l0) - 2 * eccentricity * sin(m)
            + 4 * eccentricity * y * sin(m) * cos(2 * l0) - 0.5 * y * y * sin(4 * l0)
            - 1.25 * eccentricity * eccentricity * sin(2 * m))
        var trueSolarMinutes = (time.minutesOfDay + equationOfTime + 4 * longitude).truncatingRemainder(dividingBy: 1440)
        if trueSolarMinutes < 0 { trueSolarMinutes += 1440 }
        let hourAngle = radians(trueSolarMinutes / 4 - 180)

        let phi = radians(latitude)
        let cosZenith = sin(phi) * sin(declination) + cos(phi) * cos(declination) * cos(hourAngle)
        zenith = degrees(acos(min(1, max(-1, cosZenith))))
        let fromSouth = atan2(sin(hourAngle), cos(hourAngle) * sin(phi) - tan(declination) * cos(phi))
        azimuth = (degrees(fromSouth) + 180).truncatingRemainder(dividingBy: 360)
    }
}

private func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
private func degrees(_ radians: Double) -> Double { radians * 180 / .pi }
