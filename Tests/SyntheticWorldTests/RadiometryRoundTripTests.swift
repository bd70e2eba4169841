import Foundation
import Inversion
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

@Suite("DN → reflectance recovers the generator's reflectance")
struct RadiometryRoundTripTests {
    /// Calibration rebuilt from the XML alone is the generator's radiometry, and inverts it.
    @Test func calibrationFromTheXMLInvertsTheGenerator() throws {
        let dir = try TemporaryDirectory()
        let scene = try SyntheticScene(width: 256, height: 256, seed: 5)
        try scene.metadata.write(to: dir.file("meta.xml"))
        let calibration = try TOAReflectanceModel(metadata: GF2Metadata.read(dir.file("meta.xml")))
        #expect(calibration == scene.model.radiometry)
        let tile = scene.model.render(Window(width: 256, height: 256))
        let n = 256 * 256
        var worst = 0.0
        for b in 0..<4 {
            for i in stride(from: 0, to: n, by: 7) {
                let rho = Double(tile.reflectance[b * n + i])
                let dn = scene.model.radiometry.dn(reflectance: rho, band: b)   // the generator's exact DN
                worst = max(worst, abs(calibration.reflectance(dn: dn, band: b) - rho))
            }
        }
        #expect(worst < 1e-4, "worst \(worst)")
    }

    /// On the written, quantised and noisy DNs: no bias beyond 1e-4, and each pixel within the
    /// quantisation step plus 4 σ of sensor noise.
    @Test func quantisedDNsAreUnbiased() throws {
        let scene = try SyntheticScene(width: 512, height: 512, seed: 9)
        let tile = scene.model.render(Window(width: 512, height: 512))
        let n = 512 * 512, p = scene.model.parameters, radiometry = scene.model.radiometry
        for b in 0..<4 {
            var bias = 0.0
            var worstInSigma = 0.0
            var counted = 0
            for i in 0..<n where tile.dn[b * n + i] > 1 && Double(tile.dn[b * n + i]) < p.dnMaximum {
                let rho = Double(tile.reflectance[b * n + i])
                let recovered = radiometry.reflectance(dn: Double(tile.dn[b * n + i]), band: b)
                let perDN = radiometry.reflectance(dn: 1, band: b) - radiometry.reflectance(dn: 0, band: b)
                let sigmaDN = p.sensorNoiseDN + p.sensorNoiseFraction * radiometry.dn(reflectance: rho, band: b)
                bias += recovered - rho
                worstInSigma = max(worstInSigma, (abs(recovered - rho) / perDN - 0.5) / sigmaDN)
                counted += 1
            }
            bias /= Double(counted)
            #expect(abs(bias) < 1e-4, "band \(b + 1) bias \(bias)")
            #expect(worstInSigma <= 3.47, "band \(b + 1): worst \(worstInSigma) σ (the noise is bounded at 3.46 σ)")
        }
    }
}
