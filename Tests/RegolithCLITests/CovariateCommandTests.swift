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

        // The patch network reads windows of every feature: a pixel whose 3 × 3 window reaches the
        // ring without terrain has no prediction either.
        let patch = try ChildProcess.regolith(["train", dir.file("set.csv"), "--out", dir.file("model-patch"), "--arch", "patch", "--patch-size", "3",
                                               "--scene", dir.file("refl.tif"), "--iterations", "30", "--folds", "3", "--quiet"] + features)
        #expect(patch.status == 0, "\(patch.stderr)")
        let patchInvert = try ChildProcess.regolith(["invert", dir.file("model-patch"), dir.file("refl.tif"), "--out", dir.file("patch.tif"),
                                                     "--covariate", "dem=\(dem)", "--everywhere", "--quiet"])
        #expect(patchInvert.status == 0, "\(patchInvert.stderr)")
        let patchMap = try Raster.open(dir.file("patch.tif"))
        #expect(try patchMap.read(patchMap.fullWindow, as: Float.self).filter { $0 == -9999 }.count == 600 * 600 - 596 * 596)

        // The sample set's features are the map's: a model of them predicts at each sample what the map holds there.
        let set = try Fixtures.csvFile(dir.file("set.csv"))
        let refusedOld = try ChildProcess.regolith(["train", dir.file("set.csv"), "--out", dir.file("model-bands"), "--iterations", "10", "--folds", "3", "--quiet",
                                                    "--covariate", "dem=\(dem)"])
        #expect(refusedOld.status == 1 && refusedOld.stderr.contains("set.csv"), "\(refusedOld.stderr)")
        #expect(set.count > 300)
    }

    /// The fixture scene calibrated (`refl.tif`) and its sample set with `features` (`set.csv`) in `dir`.
    static func calibratedSampleSet(in dir: TemporaryDirectory, features: [String]) throws {
        let calibrate = try ChildProcess.regolith(["calibrate", Self.scene, "--out", dir.file("refl.tif"), "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        let samples = try ChildProcess.regolith(["samples", dir.file("refl.tif"), Self.samples, "--out", dir.file("set.csv"), "--quiet"] + features)
        #expect(samples.status == 0, "\(samples.stderr)")
    }

    /// `arch: auto` with an index: MLR, PLSR and XGBoost are scored on the whole stack, with the
    /// bands' focal means added, and on the scene bands alone; the folder holds the winner with
    /// exactly the features it read.
    @Test func autoScoresEachRegressionWithContextAndWithoutTheExtraFeatures() throws {
        let dir = try TemporaryDirectory()
        try Self.calibratedSampleSet(in: dir, features: ["--index", "ndvi"])
        let train = try ChildProcess.regolith(["train", dir.file("set.csv"), "--arch", "auto", "--scene", dir.file("refl.tif"), "--index", "ndvi",
                                               "--out", dir.file("model"), "--iterations", "60", "--folds", "3", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let candidates = train.stdout.split(separator: "\n").drop { !$0.hasPrefix("candidate ") }.dropFirst().prefix { !$0.hasPrefix("winner") }
            .map { String($0.prefix(14)).trimmingCharacters(in: .whitespaces) }
        #expect(candidates == ["MLR", "MLR+mean9", "MLR bands", "PLSR", "PLSR+mean9", "PLSR bands", "XGBoost", "XGBoost+mean9", "XGBoost bands",
                               "CNN paper", "CNN patch"], "\(train.stdout)")
        let winner = try #require(train.stdout.split(separator: "\n").first { $0.hasPrefix("winner") }).dropFirst(6).trimmingCharacters(in: .whitespaces)
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("model/model.json")))) as! [String: Any]
        let names = ((spec["input"] as! [String: Any])["bands"] as! [[String: Any]]).map { $0["name"] as! String }
        let expected = winner.hasSuffix("+mean9") ? ["b1", "b2", "b3", "b4", "ndvi", "b1_mean9", "b2_mean9", "b3_mean9", "b4_mean9"]
            : winner.hasSuffix(" bands") ? ["b1", "b2", "b3", "b4"] : ["b1", "b2", "b3", "b4", "ndvi"]
        #expect(names == expected, "winner \(winner): \(names)")
        // The map's kernel reads what the folder records (the index by name only if the model has it).
        let invert = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("map.tif"), "--quiet"]
                                               + (names.contains("ndvi") ? ["--index", "ndvi"] : []))
        #expect(invert.status == 0, "\(invert.stderr)")
    }

    /// Focal means through a feature model's folder (MLR): recorded in `model.json`, streamed with
    /// their halo by `invert` in any tiling, and at each sample the map is the model applied to the
    /// sample set's row (the same features).
    @Test func anMLRWithFocalMeansRecordsThemAndMapsWhatItWasTrainedOn() throws {
        let dir = try TemporaryDirectory()
        try Self.calibratedSampleSet(in: dir, features: ["--focal-means", "9"])
        let header = try String(contentsOfFile: dir.file("set.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header == "id,x,y,column,row,pixel_x,pixel_y,b1,b2,b3,b4,b1_mean9,b2_mean9,b3_mean9,b4_mean9,re2o3,re2o3_sample")
        let train = try ChildProcess.regolith(["train", dir.file("set.csv"), "--arch", "mlr", "--out", dir.file("model"), "--focal-means", "9",
                                               "--folds", "3", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("model/model.json")))) as! [String: Any]
        let input = spec["input"] as! [String: Any]
        #expect(spec["kind"] as? String == "mlr" && (input["features"] as? [String: Any])?["focalMeans"] as? [Int] == [9], "\(input)")

        let refused = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("map.tif"), "--focal-means", "5"])
        #expect(refused.status == 1 && refused.stderr.contains("[9]") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("map.tif")))
        for (name, tile) in [("map-256.tif", "256"), ("map-512.tif", "512")] {
            let invert = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file(name), "--tile-size", tile,
                                                    "--everywhere", "--quiet"])
            #expect(invert.status == 0, "\(invert.stderr)")
        }
        let a = try Raster.open(dir.file("map-256.tif")), b = try Raster.open(dir.file("map-512.tif"))
        let map = try a.read(a.fullWindow, as: Float.self)
        #expect(map == (try b.read(b.fullWindow, as: Float.self)) && !map.contains(-9999))

        let linear = spec["linear"] as! [String: Any]
        let intercept = linear["intercept"] as! Double, coefficients = linear["coefficients"] as! [Double]
        let names = ["b1", "b2", "b3", "b4", "b1_mean9", "b2_mean9", "b3_mean9", "b4_mean9"]
        // The CSV keeps 7 significant digits of each feature (relative rounding ≤ 5e-7), and the
        // collinear bands and means get large coefficients of opposite signs (±2000 here): the
        // reference is good to Σ|cⱼxⱼ|·5e-7 (+ the map's Float32 rounding), which bounds the difference.
        var worst = 0.0, rows = 0
        for row in try Fixtures.csvFile(dir.file("set.csv")) {
            let terms = zip(coefficients, names).map { $0.0 * Double(row[$0.1]!)! }
            let expected = terms.reduce(intercept, +)
            let bound = terms.map(abs).reduce(0, +) * 5e-7 + abs(expected) * 1.2e-7
            let ours = Double(map[Int(row["row"]!)! * a.width + Int(row["column"]!)!])
            worst = max(worst, abs(ours - expected) / bound)
            rows += 1
        }
        // Measured: the largest difference is 0.48 of its bound.
        #expect(rows == 374 && worst <= 1, "the largest difference is \(worst) of its bound")
    }
}

/// A scene of six bands (standing in for a hyperspectral cube): samples, both CNN presets and the map.
@Suite("regolith with N-band scenes", .enabled(if: ChildProcess.which("gdal_translate") != nil, "needs gdal_translate"))
struct NBandSceneTests {
    /// The fixture scene calibrated, plus two bands GDAL derives from it (b3·b4 and 1/b1: not linear in the others).
    static func sixBands(_ dir: TemporaryDirectory) throws -> String {
        let calibrate = try ChildProcess.regolith(["calibrate", CovariateCommandTests.scene, "--out", dir.file("refl.tif"), "--dos", "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        let refl = try Raster.open(dir.file("refl.tif"))
        func source(_ band: Int) -> String {
            "<SimpleSource><SourceFilename relativeToVRT=\"1\">refl.tif</SourceFilename><SourceBand>\(band)</SourceBand></SimpleSource>"
        }
        let plain = (1...4).map { "<VRTRasterBand dataType=\"Float32\" band=\"\($0)\">\(source($0))</VRTRasterBand>" }
        let derived = [
            "<VRTRasterBand dataType=\"Float32\" band=\"5\" subClass=\"VRTDerivedRasterBand\"><PixelFunctionType>mul</PixelFunctionType>\(source(3))\(source(4))</VRTRasterBand>",
            "<VRTRasterBand dataType=\"Float32\" band=\"6\" subClass=\"VRTDerivedRasterBand\"><PixelFunctionType>inv</PixelFunctionType>\(source(1))</VRTRasterBand>",
        ]
        let transform = refl.geoTransform!.coefficients.map { "\($0)" }.joined(separator: ",")
        let vrt = "<VRTDataset rasterXSize=\"\(refl.width)\" rasterYSize=\"\(refl.height)\"><SRS>\(refl.spatialReference!.wkt.replacingOccurrences(of: "\"", with: "&quot;"))</SRS><GeoTransform>\(transform)</GeoTransform>"
            + (plain + derived).joined() + "</VRTDataset>"
        try vrt.write(toFile: dir.file("six.vrt"), atomically: true, encoding: .utf8)
        let translate = try ChildProcess.run(ChildProcess.which("gdal_translate")!, ["-q", dir.file("six.vrt"), dir.file("six.tif")])
        #expect(translate.status == 0, "\(translate.stderr)")
        return dir.file("six.tif")
    }

    @Test func bothPresetsTrainAndMapSixBands() throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.sixBands(dir)
        let samples = try ChildProcess.regolith(["samples", scene, CovariateCommandTests.samples, "--out", dir.file("set.csv"), "--input", "reflectance", "--quiet"])
        #expect(samples.status == 0, "\(samples.stderr)")
        #expect(try String(contentsOfFile: dir.file("set.csv"), encoding: .utf8).hasPrefix("id,x,y,column,row,pixel_x,pixel_y,b1,b2,b3,b4,b5,b6,re2o3"))
        for (arch, extra) in [("paper", [String]()), ("patch", ["--scene", scene, "--patch-size", "3"])] {
            let model = dir.file("model-\(arch)")
            let train = try ChildProcess.regolith(["train", dir.file("set.csv"), "--out", model, "--arch", arch, "--iterations", "60", "--folds", "3",
                                                   "--input", "reflectance", "--quiet"] + extra)
            #expect(train.status == 0, "\(arch): \(train.stderr)")
            let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/model.json"))) as! [String: Any]
            #expect(((spec["input"] as! [String: Any])["bands"] as! [[String: Any]]).count == 6)
            let invert = try ChildProcess.regolith(["invert", model, scene, "--out", dir.file("\(arch).tif"), "--input", "reflectance", "--everywhere", "--quiet"])
            #expect(invert.status == 0, "\(arch): \(invert.stderr)")
            let map = try Raster.open(dir.file("\(arch).tif"))
            let values = try map.read(map.fullWindow, as: Float.self)
            #expect(values.filter { $0 != -9999 && $0.isFinite }.count > 300_000, "\(arch)")
        }
    }
}
