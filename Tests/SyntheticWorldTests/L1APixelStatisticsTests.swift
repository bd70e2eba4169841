import Foundation
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// The L1A MSS is rendered from the world model in its own pixels, the sensor noise added once per
/// L1A pixel: orthorectified back onto the ortho grid with nearest neighbour (each ortho pixel takes
/// one sensor pixel, no averaging), it has the ortho world's DN statistics and its pixel-scale
/// variation, not a smoothed copy of it. Bilinear orthorectification, which averages up to four
/// sensor pixels, shows the smoothing the nearest-neighbour one must not have.
@Suite("Synthetic L1A product: its pixels have the ortho world's statistics and noise")
struct L1APixelStatisticsTests {
    /// Per band over the pixels valid in both: means, standard deviations, the pixel-by-pixel
    /// correlation, and the standard deviations of a high-pass (each pixel minus the mean of its four
    /// neighbours).
    struct BandComparison: CustomStringConvertible {
        var mean: (l1a: Double, ortho: Double)
        var sd: (l1a: Double, ortho: Double)
        var correlation: Double
        var highPassSD: (l1a: Double, ortho: Double)

        var description: String {
            String(format: "mean %.2f/%.2f, SD %.2f/%.2f, r %.3f, high-pass SD %.2f/%.2f", mean.l1a, mean.ortho, sd.l1a, sd.ortho,
                   correlation, highPassSD.l1a, highPassSD.ortho)
        }
    }

    static func compare(_ candidatePath: String, with referencePath: String) throws -> [BandComparison] {
        let (a, b) = (try Raster.open(candidatePath), try Raster.open(referencePath))
        #expect(a.width == b.width && a.height == b.height && a.geoTransform == b.geoTransform)
        let (width, height, n) = (b.width, b.height, b.width * b.height)
        let (x, y) = (try a.read(a.fullWindow, as: Double.self), try b.read(b.fullWindow, as: Double.self))
        return (0..<4).map { band in
            let base = band * n
            func valid(_ i: Int) -> Bool { x[base + i] > 0 && y[base + i] > 0 }
            let pixels = (0..<n).filter(valid)
            func moments(_ v: [Double]) -> (mean: Double, sd: Double) {
                let mean = v.reduce(0, +) / Double(v.count)
                return (mean, (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot())
            }
            let (mx, my) = (moments(pixels.map { x[base + $0] }), moments(pixels.map { y[base + $0] }))
            let covariance = pixels.reduce(0.0) { $0 + (x[base + $1] - mx.mean) * (y[base + $1] - my.mean) } / Double(pixels.count - 1)
            var highX: [Double] = [], highY: [Double] = []
            for row in 1..<(height - 1) {
                for column in 1..<(width - 1) {
                    let i = row * width + column, neighbours = [i - 1, i + 1, i - width, i + width]
                    guard valid(i), neighbours.allSatisfy(valid) else { continue }
                    highX.append(x[base + i] - neighbours.reduce(0.0) { $0 + x[base + $1] } / 4)
                    highY.append(y[base + i] - neighbours.reduce(0.0) { $0 + y[base + $1] } / 4)
                }
            }
            return BandComparison(mean: (mx.mean, my.mean), sd: (mx.sd, my.sd), correlation: covariance / (mx.sd * my.sd),
                                  highPassSD: (moments(highX).sd, moments(highY).sd))
        }
    }

    /// 300 × 300 px, seed 23, relief 300 m (`L1AProductTests.world`), orthorectified by GDAL with the
    /// DEM onto the ortho grid. Measured with nearest neighbour, bands 1–4 against the ortho world:
    /// means within 2.2e-4, SDs within 1.3e-3 (relative), pixel correlation 0.948–0.982 (the same
    /// ground texture, but each ortho pixel takes the sensor pixel whose centre lies nearest, not its
    /// own point), high-pass SDs 1.9–3.3 % below (a sensor pixel now and then taken by two
    /// neighbouring ortho pixels); bounds 2e-3, 1.5e-2, 0.8 and 15 %. Bilinear: high-pass SDs 59–60 %
    /// below the ortho world's (bound: at least 40 % below). L1A pixels made as they were before
    /// (the ortho DNs resampled bilinearly into the sensor's grid) would fail the nearest-neighbour
    /// bound: modelled on this world's band 2 (a 10.5° rotation there, nearest back), their
    /// high-pass SD is 45 % below the ortho world's.
    @Test(.enabled(if: L1AProductTests.gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func nearestNeighbourOrthoKeepsTheOrthoWorldsStatisticsAndNoise() throws {
        let (folder, files, scene) = try L1AProductTests.world.get()
        let nearest = folder.file("ortho-nearest.tif"), bilinear = folder.file("ortho-bilinear.tif")
        try L1AProductTests.orthorectify(files, scene: scene, dem: true, resampling: "near", to: nearest)
        try L1AProductTests.orthorectify(files, scene: scene, dem: true, resampling: "bilinear", to: bilinear)
        for (band, c) in try Self.compare(nearest, with: files.scene).enumerated() {
            print("L1A → ortho nearest, band \(band + 1): \(c)")
            #expect(abs(c.mean.l1a / c.mean.ortho - 1) <= 2e-3, "band \(band + 1): \(c)")
            #expect(abs(c.sd.l1a / c.sd.ortho - 1) <= 1.5e-2, "band \(band + 1): \(c)")
            #expect(c.correlation >= 0.8, "band \(band + 1): \(c)")
            #expect(abs(c.highPassSD.l1a / c.highPassSD.ortho - 1) <= 0.15, "band \(band + 1), noise smoothed or added: \(c)")
        }
        for (band, c) in try Self.compare(bilinear, with: files.scene).enumerated() {
            print("L1A → ortho bilinear, band \(band + 1): \(c)")
            #expect(c.highPassSD.l1a / c.highPassSD.ortho <= 0.6, "band \(band + 1): bilinear should smooth, \(c)")
        }
    }
}
