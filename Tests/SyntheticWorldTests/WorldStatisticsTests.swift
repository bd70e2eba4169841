import Foundation
import Geostatistics
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

@Suite("Synthetic world: samples and spectra behave like the paper's")
struct WorldStatisticsTests {
    /// DN of each sample's pixel, located from its recorded lon/lat as the method will.
    static func sampleSpectra(_ scene: SyntheticScene, _ samples: [Sample]) throws -> [[Double]] {
        let toUTM = try CoordinateTransformer(from: .wgs84, to: scene.spatialReference)
        return try samples.map { sample in
            let map = try toUTM.transform(x: sample.longitude, y: sample.latitude)
            let pixel = scene.geoTransform.pixel(x: map.x, y: map.y)!
            let window = Window(x: Int(pixel.column), y: Int(pixel.row), width: 1, height: 1)
            return scene.model.render(window).dn.map(Double.init)
        }
    }

    /// Table 1 of the paper: n = 374, mean 3.47, sd 2.06, min 0.16, max 15.99.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func sampleContentStatistics(seed: UInt64) throws {
        let scene = try SyntheticScene(width: 600, height: 600, seed: seed)
        let samples = try SampleSurvey.take(in: scene)
        let content = samples.map(\.content)
        let mean = content.reduce(0, +) / Double(content.count)
        let sd = (content.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(content.count - 1)).squareRoot()
        #expect(samples.count == 374)
        #expect(Set(samples.map(\.id)).count == 374, "sample ids are unique")
        #expect((2.8...4.8).contains(mean), "mean \(mean)")
        #expect((1.6...3.2).contains(sd), "sd \(sd)")
        #expect(content.min()! < 1.0 && content.min()! >= 0.1)
        #expect((9.0...22.0).contains(content.max()!), "max \(content.max()!)")
        // Samples stand in the sampling area and carry a little lab error around the truth.
        let relativeErrors = samples.map { abs($0.content / $0.trueContent - 1) }
        #expect(relativeErrors.reduce(0, +) / Double(samples.count) < 0.08)
    }

    /// Table 3: weak negative rho for bands 2–4 (−0.136, −0.148, −0.136), band 1 insignificant.
    @Test func spearmanSignsLikeTableThree() throws {
        var meanRho = [Double](repeating: 0, count: 4)
        let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]
        for seed in seeds {
            let scene = try SyntheticScene(width: 600, height: 600, seed: seed)
            let samples = try SampleSurvey.take(in: scene)
            let spectra = try Self.sampleSpectra(scene, samples)
            for band in 0..<4 {
                let rho = try Correlation.spearman(samples.map(\.content), spectra.map { $0[band] })
                meanRho[band] += rho.coefficient / Double(seeds.count)
                if band == 0 {
                    #expect(rho.pValue > 0.05, "seed \(seed): band 1 should be insignificant, rho \(rho.coefficient)")
                } else {
                    #expect(rho.coefficient < -0.05 && rho.coefficient > -0.30, "seed \(seed) band \(band + 1): rho \(rho.coefficient)")
                }
            }
        }
        #expect(abs(meanRho[0]) < 0.05, "band 1 mean rho \(meanRho[0])")
        for band in 1..<4 {
            let rho: Double = meanRho[band]
            #expect(rho > -0.22 && rho < -0.10, "band \(band + 1) mean rho \(rho)")
        }
    }

    @Test func fixtureWorldHasEveryLandCoverAndBothZones() throws {
        let world = Fixtures.path("world")
        let cover = try Raster.open("\(world)/truth/landcover.tif")
        let classes = try cover.read(cover.fullWindow, as: UInt8.self)
        var counts = [Int](repeating: 0, count: 5)
        for value in classes { counts[Int(value)] += 1 }
        #expect(counts[0] == 0, "no nodata inside the scene")
        for cls in 1...4 { #expect(counts[cls] > 0, "land cover \(cls) present") }
        #expect(Double(counts[2]) / Double(classes.count) > 0.05, "some vegetation")
        let zones = try Raster.open("\(world)/truth/zones.tif")
        let values = try zones.read(zones.fullWindow, as: UInt8.self)
        #expect(values.contains(1) && values.contains(2))
        // Zone pixels carry high content: the true anomaly zones are anomalous.
        let content = try Raster.open("\(world)/truth/re2o3.tif")
        let map = try content.read(content.fullWindow, as: Float.self)
        let inside = zip(values, map).filter { $0.0 != 0 }.map { Double($0.1) }
        let outside = zip(values, map).filter { $0.0 == 0 }.map { Double($0.1) }
        let insideMean: Double = inside.reduce(0, +) / Double(inside.count)
        let outsideMean: Double = outside.reduce(0, +) / Double(outside.count)
        #expect(insideMean > 2 * outsideMean)
    }
}
