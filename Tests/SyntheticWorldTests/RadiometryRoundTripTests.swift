import Foundation
import Inversion
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// Calibration (Inversion) against the world's own forward radiometry (`SimulatedSensor`): two
/// independent implementations of `L = gain · DN + offset` and `ρ = π L d² / (ESUN cos θs)`.
@Suite("Calibration inverts the world's sensor")
struct RadiometryRoundTripTests {
    static let scene = Result { try SyntheticScene(width: 512, height: 512, seed: 9) }

    /// The world's product XML as calibration reads it.
    static func metadata(of scene: SyntheticScene) throws -> GF2Metadata {
        let dir = try TemporaryDirectory()
        try Data(scene.metadata.xml.utf8).write(to: URL(fileURLWithPath: dir.file("meta.xml")))
        return try GF2Metadata.read(dir.file("meta.xml"))
    }

    /// Calibration's model for the scene: the table's row for the XML's satellite, sensor and year.
    static func calibration(of scene: SyntheticScene) throws -> TOAReflectanceModel {
        try TOAReflectanceModel(metadata: metadata(of: scene))
    }

    /// Calibration's reader takes from the world's XML what the world wrote into it.
    @Test func calibrationReadsTheWorldsXML() throws {
        let scene = try Self.scene.get(), written = scene.metadata
        let read = try Self.metadata(of: scene)
        #expect(read.satelliteID == written.satelliteID && read.sensorID == written.sensorID)
        // The same instant by both clocks: Foundation's calendar there, the world's Julian day here.
        #expect(abs(read.receiveTime.timeIntervalSince1970 - (written.receiveTime.julianDay - 2_440_587.5) * 86_400) < 1e-3)
        #expect(read.solarZenith == written.solarZenith && read.solarAzimuth == written.solarAzimuth)
        #expect(read.satelliteZenith == written.satelliteZenith && read.satelliteAzimuth == written.satelliteAzimuth)
        #expect(read.widthInPixels == written.widthInPixels && read.heightInPixels == written.heightInPixels)
        let corners = [read.topLeft, read.topRight, read.bottomRight, read.bottomLeft]
        #expect(corners.map(\.longitude) == written.corners.map(\.longitude) && corners.map(\.latitude) == written.corners.map(\.latitude))
        #expect(read.otherTags.map(\.tag) == written.otherTags.map(\.tag) && read.otherTags.map(\.value) == written.otherTags.map(\.value))
    }

    /// The table row calibration picks is the world's sensor (gains, offsets, ESUN exactly) and the
    /// XML carries the sun zenith the DNs were made with; only the Earth–Sun distance is computed on
    /// each side, by different algorithms: measured 9.1e-6 AU apart here (each is within 7e-5 of pvlib).
    @Test func theXMLGivesCalibrationTheWorldsSensorAndSun() throws {
        let scene = try Self.scene.get(), sensor = scene.model.sensor, p = scene.model.parameters
        let model = try Self.calibration(of: scene)
        #expect(model.coefficients.year == p.sensorCalibrationYear)
        #expect(model.coefficients.gains == sensor.gains && model.coefficients.offsets == sensor.offsets)
        #expect(model.coefficients.solarIrradiance == sensor.solarIrradiance)
        #expect(model.solarZenith == sensor.solarZenith)
        #expect(abs(model.earthSunDistance - sensor.earthSunDistance) < 1e-4, "\(model.earthSunDistance) against \(sensor.earthSunDistance)")
    }

    /// Unrounded, noise-free DNs from the world's sensor calibrate back to the true reflectance.
    /// Measured worst relative error 4.0e-16 (a few roundings) over the 4 × 512 × 512 pixels.
    @Test func exactDNsCalibrateToTheTrueReflectance() throws {
        let scene = try Self.scene.get(), sensor = scene.model.sensor
        let table = try Self.calibration(of: scene)
        // The same row and sun, at the world's Earth–Sun distance: the inversion alone.
        let model = TOAReflectanceModel(coefficients: table.coefficients, solarZenith: sensor.solarZenith,
                                        earthSunDistance: sensor.earthSunDistance)
        let tile = scene.model.render(Window(width: 512, height: 512))
        let n = 512 * 512
        var worst = 0.0
        for b in 0..<4 {
            for i in 0..<n {
                let rho = Double(tile.reflectance[b * n + i])
                worst = max(worst, abs(model.reflectance(dn: sensor.dn(reflectance: rho, band: b), band: b) - rho) / rho)
            }
        }
        #expect(worst < 5e-15, "worst relative error \(worst)")
    }

    /// The written DNs (noisy, rounded, clipped) calibrate, through the XML alone, to the true
    /// reflectance without bias beyond what rounding and noise explain, and each pixel lies within
    /// half a DN plus 3.47 σ of noise (the noise is bounded at 3.46 σ) of the truth.
    @Test func writtenDNsCalibrateWithoutBias() throws {
        let scene = try Self.scene.get(), sensor = scene.model.sensor, p = scene.model.parameters
        let model = try Self.calibration(of: scene)
        // Calibration's own Earth–Sun distance scales its reflectance by (d_cal / d_world)².
        let distanceScale = pow(model.earthSunDistance / sensor.earthSunDistance, 2)
        let tile = scene.model.render(Window(width: 512, height: 512))
        let n = 512 * 512
        for b in 0..<4 {
            let perDN = model.reflectance(dn: 1, band: b) - model.reflectance(dn: 0, band: b)
            var sum = 0.0, sumSquares = 0.0, worstInSigma = 0.0
            var counted = 0
            for i in 0..<n where tile.dn[b * n + i] > 1 && Double(tile.dn[b * n + i]) < p.dnMaximum {
                let rho = Double(tile.reflectance[b * n + i])
                let error = model.reflectance(dn: Double(tile.dn[b * n + i]), band: b) / distanceScale - rho
                let sigmaDN = p.sensorNoiseDN + p.sensorNoiseFraction * sensor.dn(reflectance: rho, band: b)
                sum += error
                sumSquares += error * error
                worstInSigma = max(worstInSigma, (abs(error) / perDN - 0.5) / sigmaDN)
                counted += 1
            }
            let bias = sum / Double(counted)
            let standardError = (sumSquares / Double(counted) - bias * bias).squareRoot() / Double(counted).squareRoot()
            // Rounding and noise are zero-mean: the bias is within 4 standard errors of the mean
            // (measured at most 1.5 standard errors, |bias| ≤ 2.3e-6 in reflectance).
            #expect(abs(bias) < 4 * standardError, "band \(b + 1): bias \(bias), standard error \(standardError)")
            #expect(worstInSigma <= 3.47, "band \(b + 1): worst \(worstInSigma) σ (measured at most 3.26)")
        }
    }
}
