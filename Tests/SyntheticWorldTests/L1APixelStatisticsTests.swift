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

    /// An L1A world with terrain (`synth --level L1A --terrain`) renders its L1A pixels with the
    /// crust's terrain factor, as its ortho truth has it: against the same world without terrain, the
    /// nearest-neighbour ortho of its MSS differs as the ortho truth does. 300 × 300 px, seed 23,
    /// relief 300 m; measured, bands 1–4: correlation of the two differences 0.806–0.957, slope
    /// 0.980–1.000 (bounds 0.5 and ±0.2). Rendered without the factor, both would be about 0.
    @Test(.enabled(if: L1AProductTests.gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func terrainWorldsL1APixelsCarryTheTerrainFactor() throws {
        let l1a = L1AParameters()
        let flat = try SyntheticScene(width: 300, height: 300, seed: 23)
        let scene = flat.withTerrain(TerrainParameters(l1a: l1a), l1a: l1a)
        let folder = try TemporaryDirectory("regolith-l1a-terrain")
        var writer = WorldWriter()
        writer.l1a = l1a
        let files = try writer.write(scene, to: folder.path, samples: [])
        let nearest = folder.file("ortho-nearest.tif")
        try L1AProductTests.orthorectify(files, scene: scene, dem: true, resampling: "near", to: nearest)
        let (a, b) = (try Raster.open(nearest), try Raster.open(files.scene))
        let (sensed, truth) = (try a.read(a.fullWindow, as: Double.self), try b.read(b.fullWindow, as: Double.self))
        let withoutTerrain = flat.model.render(Window(width: 300, height: 300)).dn.map(Double.init)
        let n = 300 * 300
        for band in 0..<4 {
            let pixels = (band * n..<(band + 1) * n).filter { sensed[$0] > 0 }
            #expect(pixels.count > n * 9 / 10, "band \(band + 1): the L1A covers the scene")
            let seen = pixels.map { sensed[$0] - withoutTerrain[$0] }, made = pixels.map { truth[$0] - withoutTerrain[$0] }
            let (ms, mm) = (seen.reduce(0, +) / Double(seen.count), made.reduce(0, +) / Double(made.count))
            let covariance = zip(seen, made).reduce(0.0) { $0 + ($1.0 - ms) * ($1.1 - mm) }
            let (vs, vm) = (seen.reduce(0.0) { $0 + ($1 - ms) * ($1 - ms) }, made.reduce(0.0) { $0 + ($1 - mm) * ($1 - mm) })
            let (correlation, slope) = (covariance / (vs * vm).squareRoot(), covariance / vm)
            print(String(format: "L1A with terrain, band %d: terrain effect r %.3f, slope %.3f", band + 1, correlation, slope))
            #expect(correlation >= 0.5 && abs(slope - 1) <= 0.2, "band \(band + 1): r \(correlation), slope \(slope)")
        }
    }
}
