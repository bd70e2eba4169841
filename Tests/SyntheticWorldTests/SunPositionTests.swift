import SyntheticWorld
import Testing
import TestSupport

@Suite("The world's sun: NOAA's algorithm against pvlib")
struct SunPositionTests {
    /// Measured worst over the 48 references (2014–2026, China): zenith 0.0104°, azimuth 0.0168°,
    /// distance 6.2e-5 AU (NOAA leaves out the Moon's pull on the Earth). The bounds are the
    /// accuracy the world is specified to (0.05°, 1e-4 AU).
    @Test func agreesWithPvlib() throws {
        var worst = (zenith: 0.0, azimuth: 0.0, distance: 0.0)
        for reference in try SunPositionReference.all() {
            let time = try #require(AcquisitionTime(reference.time))
            let sun = SunPosition(at: time, longitude: reference.longitude, latitude: reference.latitude)
            worst.zenith = max(worst.zenith, abs(sun.zenith - reference.zenith))
            worst.azimuth = max(worst.azimuth, SunPositionReference.azimuthDifference(sun.azimuth, reference.azimuth))
            worst.distance = max(worst.distance, abs(sun.earthSunDistance - reference.earthSunDistance))
        }
        #expect(worst.zenith < 0.05 && worst.azimuth < 0.05, "worst \(worst)")
        #expect(worst.distance < 1e-4, "worst \(worst)")
    }

    /// Meeus, Astronomical Algorithms, example 7.a (Sputnik 1, 1957 October 4.81 = 19:26:24 UT) and J2000.
    @Test func julianDaysOfKnownInstants() throws {
        // To 1e-8 day (1 ms): the day fraction is a sum of rounded quotients.
        #expect(abs(try #require(AcquisitionTime("1957-10-04 19:26:24")).julianDay - 2_436_116.31) < 1e-8)
        #expect(abs(try #require(AcquisitionTime("2000-01-01 12:00:00")).julianDay - 2_451_545) < 1e-8)
        #expect(abs(try #require(AcquisitionTime("2020-02-29 00:00:00")).julianDay - 2_458_908.5) < 1e-8)
        #expect(try #require(AcquisitionTime("2020-11-12T03:15:42")).text == "2020-11-12 03:15:42")
    }

    @Test func impossibleTimesAreRejected() {
        for text in ["2021-02-29 00:00:00", "2020-13-01 00:00:00", "2020-11-12 24:00:00", "2020-11-12 03:60:00", "2020-11-12", "noon"] {
            #expect(AcquisitionTime(text) == nil, "\(text)")
        }
    }
}
