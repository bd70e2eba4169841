import Foundation
import Geostatistics
import RasterIO
import Testing
import TestSupport

/// The kriged map stops at the samples' support: with every sample in one quarter of the scene,
/// no pixel beyond the support is valid, the pixels within it equal the unmasked map bit for bit,
/// and the mask is the same in any tiling.
@Suite("regolith krige: the map is nodata beyond the samples' support")
struct KrigeSupportMaskTests {
    static let width = 640, height = 520

    func krige(_ dir: TemporaryDirectory, _ name: String, _ options: [String]) throws -> [Float] {
        let out = dir.file(name)
        let result = try ChildProcess.regolith(["krige", dir.file("samples.csv"), "--like", dir.file("like.tif"), "--out", out,
                                                "--model", "exp", "--nmax", "16", "--block", "4", "--quiet"] + options)
        #expect(result.status == 0, "\(result.stderr)")
        let map = try Raster.open(out)
        return try map.read(map.fullWindow, as: Float.self)
    }

    @Test(arguments: [[], ["--support-distance", "150"]])
    func samplesInOneQuarter(distance: [String]) throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("like.tif"), width: Self.width, height: Self.height, bands: 1)
        // The scene is 2560 × 2080 m; the samples lie in its top-left 1280 × 1040 m, values without a
        // trend so that the variogram's practical range (measured: 793 m) ends inside the scene.
        let points = try KrigeCommandTests.writeSamples(dir.file("samples.csv"), count: 60, width: 1280, height: 1040) { x, y in
            3 + sin(x / 70) + cos(y / 90)
        }
        let unmasked = try krige(dir, "unmasked.tif", ["--no-support-mask", "--tile-size", "512"])
        let masked256 = try krige(dir, "masked-256.tif", distance + ["--tile-size", "256"])
        let masked512 = try krige(dir, "masked-512.tif", distance + ["--tile-size", "512"])
        #expect(masked256 == masked512, "\(zip(masked256, masked512).filter { $0 != $1 }.count) pixels differ between tile sizes")

        // The limit the mask should apply: the given distance, or the fitted variogram's practical range.
        let samples = try SpatialSamples(x: points.map(\.x), y: points.map(\.y), z: points.map(\.z))
        let model = try VariogramModel.fit(.exponential, to: ExperimentalVariogram(samples: samples)).model
        let limit = distance.isEmpty ? model.practicalRange : 150
        var valid = 0, beyond = 0, validBeyond = 0, differ = 0, lastQuarterValid = 0
        for row in 0..<Self.height {
            for column in 0..<Self.width {
                let i = row * Self.width + column
                let centre = TestRasters.studyAreaOrigin.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
                // Brute force, unlike the command's KD-tree.
                let nearest = points.map { (($0.x - centre.x) * ($0.x - centre.x) + ($0.y - centre.y) * ($0.y - centre.y)).squareRoot() }.min()!
                let isValid = masked512[i] != -9999
                if nearest > limit { beyond += 1 }
                if isValid {
                    valid += 1
                    if nearest > limit { validBeyond += 1 }
                    if masked512[i].bitPattern != unmasked[i].bitPattern { differ += 1 }
                    if row >= Self.height / 2 && column >= Self.width / 2 { lastQuarterValid += 1 }
                }
            }
        }
        #expect(validBeyond == 0, "\(validBeyond) valid pixels lie farther than \(limit) m from every sample")
        #expect(beyond > Self.width * Self.height / 4, "only \(beyond) pixels beyond the support: the test would not see a missing mask")
        #expect(valid > 0 && differ == 0, "\(differ) of \(valid) pixels within the support differ from the unmasked map")
        if !distance.isEmpty { #expect(lastQuarterValid == 0, "\(lastQuarterValid) valid pixels in the quarter farthest from the samples") }
    }
}
