import Foundation
import Inversion
import NeuralNet
import RasterIO
import Testing
import TestSupport
import TileEngine

private let gdalwarp = ChildProcess.which("gdalwarp")
private let gdaldem = ChildProcess.which("gdaldem")

/// Covariates on the scene's grid through GDAL's warper, and terrain derivatives streamed tile by
/// tile, against gdalwarp and gdaldem run on the same files.
@Suite("Covariate stacks: warped covariates and terrain derivatives", .enabled(if: gdalwarp != nil && gdaldem != nil, "needs gdalwarp and gdaldem"))
struct CovariateStackTests {
    /// The fixture world's scene (600 × 600, UTM 48N, 4 m): the grid every covariate lands on.
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")

    /// gdalwarp onto the scene's grid, written by the command-line tool.
    static func gdalwarpOntoScene(_ source: String, resampling: String, into path: String) throws -> String {
        let scene = try Raster.open(Self.scene)
        let extent = scene.extent!
        let result = try ChildProcess.run(gdalwarp!, ["-q", "-overwrite", "-t_srs", "EPSG:32648", "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
                                                      "-ts", "\(scene.width)", "\(scene.height)", "-r", resampling, "-ot", "Float32", "-dstnodata", "nan",
                                                      "-et", "0", source, path])
        guard result.status == 0 else { throw TestSupportError("gdalwarp: \(result.stderr)") }
        return path
    }

    /// Largest relative difference (|a − b| / max(|b|, 1)) over pixels valid in both; NaN placement must agree.
    static func compare(_ ours: [Float], _ theirs: [Float]) -> (largest: Double, nanMismatches: Int, valid: Int) {
        var largest = 0.0, mismatches = 0, valid = 0
        for (a, b) in zip(ours, theirs) {
            if a.isNaN || b.isNaN { if a.isNaN != b.isNaN { mismatches += 1 }; continue }
            valid += 1
            largest = max(largest, abs(Double(a) - Double(b)) / max(abs(Double(b)), 1))
        }
        return (largest, mismatches, valid)
    }

    @Test(arguments: [(Covariate.Resampling.bilinear, "bilinear"), (.cubic, "cubic"), (.nearest, "near"), (.mode, "mode")])
    func aCovariateInAnotherCRSEqualsGdalwarp(resampling: Covariate.Resampling, gdalName: String) throws {
        let dir = try TemporaryDirectory()
        let dem = try TestDEM.write(dir.file("dem-4326.tif"), seed: 17, nodataHole: true)
        let stacked = try RasterSource.file(Self.scene).stacking([Covariate(name: "dem", path: dem, resampling: resampling)]).open()
        #expect(stacked.bandCount == 5)
        let ours = try stacked.read(stacked.fullWindow, bands: [5], as: Float.self)
        let reference = try Raster.open(try Self.gdalwarpOntoScene(dem, resampling: gdalName, into: dir.file("gdalwarp.tif")))
        let theirs = try reference.read(reference.fullWindow, as: Float.self)
        let (largest, mismatches, valid) = Self.compare(ours, theirs)
        // Measured: identical (largest relative difference 0, no NaN mismatch, 356,485 valid pixels of 360,000
        // for bilinear, cubic, nearest; 356,590 for mode); the DEM's nodata hole and its surroundings are NaN in both.
        #expect(valid > 300_000 && mismatches == 0)
        if resampling == .nearest || resampling == .mode { #expect(largest == 0) } else { #expect(largest <= 1e-6) }
        // The scene's own bands pass through unchanged.
        #expect(try stacked.read(Window(x: 100, y: 200, width: 50, height: 40), bands: [1, 2, 3, 4], as: Float.self)
                == (try Raster.open(Self.scene).read(Window(x: 100, y: 200, width: 50, height: 40), bands: [1, 2, 3, 4], as: Float.self)))
    }

    /// Outputs a feature stack's features (for the test: scene band 1, the DEM, its terrain derivatives).
    struct FeatureKernel: TileKernel {
        let extractor: FeatureExtractor
        var signature: String { "features \(extractor.stack.featureNames)" }
        var inputBands: [Int] { extractor.inputBands(sceneBandCount: 4) }
        var halo: Int { extractor.halo }
        var outputDescriptions: [String] { extractor.stack.featureNames }
        var outputNodata: Float { .nan }
        func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
            let features = try extractor.features(raw: input.samples, width: input.window.width, height: input.window.height,
                                                  outside: { input.state[$0] == PixelState.edge.rawValue },
                                                  hasData: { input.state[$0] == PixelState.data.rawValue })
            for i in features.indices { output[i] = features[i] }
        }
    }

    @Test func terrainDerivativesStreamedInTilesEqualOneGdaldemCall() throws {
        let dir = try TemporaryDirectory()
        let dem = try TestDEM.write(dir.file("dem-4326.tif"), seed: 5, nodataHole: true)
        let terrain = ["slope", "aspect", "tri", "tpi", "roughness"]
        let stack = FeatureStack(sceneBands: [1], covariates: [.init(name: "dem", path: dem, resampling: "cubic", bands: 1)], terrain: terrain, terrainSource: "dem")
        let extractor = try FeatureExtractor(stack: stack, affine: nil, pixelWidth: 4, pixelHeight: -4)
        var options = EngineOptions()
        options.tileSize = 256  // 600 × 600 in 3 × 3 tiles: the seams are inside the scene
        options.threads = 2
        let source = RasterSource.file(Self.scene).stacking([Covariate(name: "dem", path: dem, resampling: .cubic)])
        let result = try TilePipeline.run(FeatureKernel(extractor: extractor), source: source, outputs: [dir.file("features.tif")], options: options)
        #expect(result.tiles == 9)
        let features = try Raster.open(dir.file("features.tif"))
        let warped = try Self.gdalwarpOntoScene(dem, resampling: "cubic", into: dir.file("dem-utm.tif"))
        for (index, name) in terrain.enumerated() {
            let mode = TerrainAnalysis.processing[name]!
            let run = try ChildProcess.run(gdaldem!, [mode, "-q", warped, dir.file("\(name).tif")])
            #expect(run.status == 0, "\(run.stderr)")
            let reference = try Raster.open(dir.file("\(name).tif"))
            var theirs = try reference.read(reference.fullWindow, as: Float.self)
            if let nodata = reference.bands[0].nodata { theirs = theirs.map { Double($0) == nodata ? .nan : $0 } }
            let ours = try features.read(features.fullWindow, bands: [3 + index], as: Float.self)
            let (largest, mismatches, valid) = Self.compare(ours, theirs)
            // Measured: identical (largest relative difference 0, no nodata mismatch, 353,843 valid pixels) for all five,
            // the seams of the 3 × 3 tiles and the scene edges included.
            #expect(valid > 300_000 && mismatches == 0, "\(name): \(mismatches) nodata mismatches")
            #expect(largest <= 1e-6, "\(name): largest relative difference \(largest)")
        }
    }
}
