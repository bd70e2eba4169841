import Foundation
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// `regolith calibrate`, run as a user runs it on the fixture world, against the world's truth: the
/// world (rendered here in-process from its seed) knows each pixel's true reflectance and the sensor
/// that turned it into the DN in the file.
@Suite("regolith calibrate recovers the world's reflectance")
struct CalibrateCommandTests {
    @Test func calibrateRecoversTheTrueReflectance() throws {
        let scene = try SyntheticScene(width: 600, height: 600, seed: 1)
        let sceneFile = Fixtures.path("world/\(scene.productName).tiff")
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["calibrate", sceneFile, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let p = scene.model.parameters, sensor = scene.model.sensor
        #expect(result.stdout.contains("\(p.satelliteID) \(p.sensorID) \(p.sensorCalibrationYear)"), "\(result.stdout)")
        let refl = try Raster.open(dir.file("refl.tif"))
        #expect(refl.bandCount == 4 && refl.bands[0].pixelType == .float32 && refl.bands[3].description.contains("nir"))

        let window = Window(width: 600, height: 600), n = window.pixelCount
        let calibrated = try refl.read(window, as: Float.self)
        let dns = try Raster.open(sceneFile).read(window, as: Double.self)
        let truth = scene.model.render(window)
        #expect(truth.dn.map(Double.init) == dns, "the fixture world is not what the world model renders")
        for b in 0..<4 {
            let reflectancePerDN = 1 / (sensor.dn(reflectance: 1, band: b) - sensor.dn(reflectance: 0, band: b))
            var worstBackToDN = 0.0, worstInSigma = 0.0
            for i in 0..<n where dns[b * n + i] > 1 && dns[b * n + i] < p.dnMaximum {
                let rho = Double(calibrated[b * n + i]), trueRho = Double(truth.reflectance[b * n + i])
                // The world's sensor takes the calibrated reflectance back to the DN in the file, up to
                // Float32 output and calibration's own Earth–Sun distance (9.1e-6 AU from the world's).
                worstBackToDN = max(worstBackToDN, abs(sensor.dn(reflectance: rho, band: b) / dns[b * n + i] - 1))
                // And it lies within half a DN plus the sensor noise (bounded at 3.46 σ) of the truth.
                let sigmaDN = p.sensorNoiseDN + p.sensorNoiseFraction * sensor.dn(reflectance: trueRho, band: b)
                worstInSigma = max(worstInSigma, (abs(rho - trueRho) / reflectancePerDN - 0.5) / sigmaDN)
            }
            // Measured: 1.84e-5 relative in every band (2 Δd / d), at most 3.29 σ.
            #expect(worstBackToDN < 2e-4, "band \(b + 1): \(worstBackToDN)")
            #expect(worstInSigma <= 3.47, "band \(b + 1): worst \(worstInSigma) σ")
        }
    }
}
