import Foundation
import RasterIO
import Testing
import TestSupport

/// `samples`, `train` and `invert` with a DEM covariate in EPSG:4326 on the fixture world (UTM 48N).
@Suite("regolith samples, train, invert with covariates")
struct CovariateCommandTests {
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    static let samples = Fixtures.path("world/samples.csv")

    @Test func aModelTrainedWithCovariatesRecordsThemAndInvertNeedsThem() throws {
        let dir = try TemporaryDirectory()
        let dem = try TestDEM.write(dir.file("dem-4326.tif"), seed: 3)
        let calibrate = try ChildProcess.regolith(["calibrate", Self.scene, "--out", dir.file("refl.tif"), "--dos", "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        let features = ["--covariate", "dem=\(dem):cubic", "--terrain", "slope,tpi", "--index", "ndvi,ratio_b4_b3"]
        let samples = try ChildProcess.regolith(["samples", dir.file("refl.tif"), Self.samples, "--out", dir.file("set.csv"), "--quiet"] + features)
        #expect(samples.status == 0, "\(samples.stderr)")
        let header = try String(contentsOfFile: dir.file("set.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header == "id,x,y,column,row,pixel_x,pixel_y,b1,b2,b3,b4,dem,slope,tpi,ndvi,ratio_b4_b3,re2o3,re2o3_sample")

        let train = try ChildProcess.regolith(["train", dir.file("set.csv"), "--out", dir.file("model"), "--iterations", "100", "--folds", "3", "--quiet"] + features)
        #expect(train.status == 0, "\(train.stderr)")
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("model/model.json")))) as! [String: Any]
        let input = spec["input"] as! [String: Any]
        #expect((input["bands"] as! [[String: Any]]).map { $0["name"] as! String } == ["b1", "b2", "b3", "b4", "dem", "slope", "tpi", "ndvi", "ratio_b4_b3"])
        let recorded = input["features"] as! [String: Any]
        #expect((recorded["covariates"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["resampling"]!)" } == ["dem=cubic"])
        #expect(recorded["terrain"] as! [String] == ["slope", "tpi"])

        // Without the covariate: one line naming it, nothing written.
        let refused = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("map.tif")])
        #expect(refused.status == 1 && refused.stderr.contains("'dem'") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("map.tif")))
        let other = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("map.tif"), "--covariate", "s1_vv=\(dem)"])
        #expect(other.status == 1 && other.stderr.contains("'s1_vv'"), "\(other.stderr)")

        // With it, in two tilings: the same map, predicted wherever the terrain has a value.
        for (name, tile) in [("map-256.tif", "256"), ("map-512.tif", "512")] {
            let invert = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file(name), "--covariate", "dem=\(dem)",
                                                    "--tile-size", tile, "--everywhere", "--quiet"])
            #expect(invert.status == 0, "\(invert.stderr)")
        }
        let a = try Raster.open(dir.file("map-256.tif")), b = try Raster.open(dir.file("map-512.tif"))
        let first = try a.read(a.fullWindow, as: Float.self), second = try b.read(b.fullWindow, as: Float.self)
        #expect(first == second)
        let nodata = first.filter { $0 == -9999 }.count
        // The scene's outermost ring has no slope (as gdaldem leaves it): 4 × 599 pixels.
        #expect(nodata == 4 * 599, "\(nodata) nodata pixels")

        // The sample set's features are the map's: a model of them predicts at each sample what the map holds there.
        let set = try Fixtures.csvFile(dir.file("set.csv"))
        let refusedOld = try ChildProcess.regolith(["train", dir.file("set.csv"), "--out", dir.file("model-bands"), "--iterations", "10", "--folds", "3", "--quiet",
                                                    "--covariate", "dem=\(dem)"])
        #expect(refusedOld.status == 1 && refusedOld.stderr.contains("set.csv"), "\(refusedOld.stderr)")
        #expect(set.count > 300)
    }
}
