import Foundation
import Inversion
import NeuralNet
import RasterIO
import Testing
import TestSupport
import TileEngine

/// Focal means (`FeatureStack.focalMeans`): each scene band's mean over a k × k window of the
/// pixels with data, streamed tile by tile with their halo, against scipy's `uniform_filter`
/// (`tools/reference-focal-means.py`), and the same numbers for a sample's pixel as for the map.
@Suite("Focal means: spatial context as features")
struct FocalMeanTests {
    /// The reference's scene: the fixture world's, with DN 0 (its nodata) over columns 200–259, rows 300–339.
    static func sceneWithHole(in dir: TemporaryDirectory) throws -> String {
        let scene = try Raster.open(Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff"))
        var values = try scene.read(scene.fullWindow, as: Float.self)
        for band in 0..<4 {
            for row in 300..<340 {
                for column in 200..<260 { values[band * scene.width * scene.height + row * scene.width + column] = 0 }
            }
        }
        let output = try GeoTIFFOutput(creating: dir.file("scene.tif"), spec: RasterSpec(like: scene, bandCount: 4, pixelType: .uint16, nodata: 0))
        try output.raster.write(scene.fullWindow, from: values)
        try output.commit()
        return dir.file("scene.tif")
    }

    struct Reference {
        var side: Int, column: Int, row: Int
        var means: [Double]
    }

    static let reference: [Reference] = {
        let text = try! String(contentsOfFile: Fixtures.path("reference/focal/means.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst(2).map { line in
            let fields = line.split(separator: ",")
            return Reference(side: Int(fields[0])!, column: Int(fields[1])!, row: Int(fields[2])!, means: fields[3...].map { Double($0)! })
        }
    }()

    static let stack = FeatureStack(sceneBands: [1, 2, 3, 4], focalMeans: [5, 9])

    @Test(arguments: [256, 512])
    func focalMeansStreamedInTilesEqualScipy(tileSize: Int) throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.sceneWithHole(in: dir)
        let extractor = try FeatureExtractor(stack: Self.stack, affine: nil, pixelWidth: 4, pixelHeight: -4)
        #expect(extractor.halo == 4 && extractor.featureCount == 12)
        var options = EngineOptions()
        options.tileSize = tileSize
        options.threads = 2
        let result = try TilePipeline.run(CovariateStackTests.FeatureKernel(extractor: extractor), source: .file(scene), outputs: [dir.file("features.tif")],
                                          options: options)
        #expect(result.tiles == (600 + tileSize - 1) / tileSize * ((600 + tileSize - 1) / tileSize))
        let features = try Raster.open(dir.file("features.tif"))
        let planes = try features.read(features.fullWindow, as: Float.self)
        var largest = 0.0, compared = 0, nodataChecked = 0
        for point in Self.reference {
            let inHole = (200..<260).contains(point.column) && (300..<340).contains(point.row)
            let first = 4 + (point.side == 5 ? 0 : 4)
            for band in 0..<4 {
                let ours = planes[(first + band) * 360_000 + point.row * 600 + point.column]
                if inHole {
                    // A pixel without data has no features (the engine's nodata), whatever its neighbours hold.
                    #expect(ours.isNaN, "(\(point.column), \(point.row)) in the hole")
                    nodataChecked += 1
                    continue
                }
                let theirs = point.means[band]
                #expect(!theirs.isNaN, "(\(point.column), \(point.row)): a pixel with data has data in its window")
                largest = max(largest, abs(Double(ours) - theirs) / abs(theirs))
                compared += 1
            }
        }
        // Measured: largest relative difference 5.8e-8 (Float32 rounding of the means), over the
        // scene's corners and edges, the hole's rim and the tiles' seams.
        #expect(compared > 9_000 && nodataChecked > 100)
        #expect(largest <= 6e-7, "largest relative difference \(largest)")
    }

    /// A sample set row and a patch model's windows read a pixel's features through `pixelFeatures`:
    /// they must be the map tile's numbers exactly, at the edges and beside nodata too.
    @Test func aPixelsFeaturesAreTheTilesFeaturesBitForBit() throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.sceneWithHole(in: dir)
        let affine = BandAffine(scales: [2e-4, 1.9e-4, 1.8e-4, 1.7e-4], shifts: [0.01, -0.02, 0.0, 0.03])
        let extractor = try FeatureExtractor(stack: Self.stack, affine: affine, pixelWidth: 4, pixelHeight: -4)
        var options = EngineOptions()
        options.tileSize = 256
        _ = try TilePipeline.run(CovariateStackTests.FeatureKernel(extractor: extractor), source: .file(scene), outputs: [dir.file("features.tif")],
                                 options: options)
        let features = try Raster.open(dir.file("features.tif")), raster = try Raster.open(scene)
        let planes = try features.read(features.fullWindow, as: Float.self)
        var checked = 0
        for point in Self.reference where point.side == 9 && !((200..<260).contains(point.column) && (300..<340).contains(point.row)) {
            let pixel = try extractor.pixelFeatures(of: raster, column: point.column, row: point.row, sceneBandCount: 4)
            let tile = (0..<12).map { planes[$0 * 360_000 + point.row * 600 + point.column] }
            #expect(pixel.map(\.bitPattern) == tile.map(\.bitPattern), "(\(point.column), \(point.row)): \(pixel) against \(tile)")
            checked += 1
        }
        #expect(checked > 1_000)
    }

    @Test func badWindowSidesAreRefused() throws {
        for side in [1, 4, 65, -3] {
            #expect(throws: InversionError.self) {
                try FeatureExtractor(stack: FeatureStack(sceneBands: [1], focalMeans: [side]), affine: nil, pixelWidth: 4, pixelHeight: -4)
            }
        }
    }

    /// `arch: auto`'s spatial context is a ground distance (36 m): its window in pixels follows the grid.
    @Test func theContextWindowFollowsThePixelSize() {
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 4) == 9)
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 1) == 37)
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 2) == 19)
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 0.5) == 63)
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 100) == 3)
        #expect(FeatureStack.focalMeanSide(metres: 36, pixelSize: 0) == 3 && FeatureStack.focalMeanSide(metres: .infinity, pixelSize: 4) == 3)
    }

    /// Model files written before focal means existed have no `focalMeans` key: they read as none.
    @Test func aStackWithoutTheKeyHasNoFocalMeans() throws {
        let json = #"{"sceneBands": [1, 2], "covariates": [], "terrain": [], "indices": ["ndvi"]}"#
        let stack = try JSONDecoder().decode(FeatureStack.self, from: Data(json.utf8))
        #expect(stack.focalMeans.isEmpty && stack.featureNames == ["b1", "b2", "ndvi"])
        let wider = FeatureStack(sceneBands: [2, 3], focalMeans: [9])
        #expect(wider.featureNames == ["b2", "b3", "b2_mean9", "b3_mean9"])
        #expect(try JSONDecoder().decode(FeatureStack.self, from: JSONEncoder().encode(wider)) == wider)
    }
}
