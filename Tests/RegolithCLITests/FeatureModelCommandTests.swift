import Foundation
import Inversion
import NeuralNet
import RasterIO
import Testing
import TestSupport

/// `train --arch mlr|pls|xgboost` writes a model folder of that kind, and `invert` maps with it as
/// the library predicts (issue 17, item 2).
@Suite("Feature models: train --arch, invert")
struct FeatureModelCommandTests {
    /// Measured: every valid pixel of the map equals the loaded model's prediction from the pixel's
    /// reflectances exactly for XGBoost (the same float32 inputs and library), within 2.4e-7 relative
    /// for MLR and PLS (Float planes against Double rows); the bound is 10× that.
    @Test(arguments: ["xgboost", "mlr", "pls"])
    func invertMapsAsTheLibraryPredicts(arch: String) throws {
        let dir = try TemporaryDirectory()
        let train = try ChildProcess.regolith(["train", ModelCommandTests.sampleSet, "--arch", arch, "--out", dir.file("model"),
                                               "--iterations", "100", "--folds", "3", "--unit", "%", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("model.json") && train.stdout.contains("domain.json"))
        #expect(FileManager.default.fileExists(atPath: dir.file("model/xgboost.json")) == (arch == "xgboost"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("model/model.safetensors")))
        let calibrate = try ChildProcess.regolith(["calibrate", ModelCommandTests.scene, "--out", dir.file("refl.tif"), "--dos", "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        let invert = try ChildProcess.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("map.tif"), "--tile-size", "256", "--quiet"])
        #expect(invert.status == 0, "\(invert.stderr)")

        let (model, domain) = try ModelFolder.load(dir.file("model"))
        guard case let .features(features) = model else { Issue.record("loaded as a network"); return }
        #expect(features.kind.rawValue == arch && domain != nil)
        let map = try Raster.open(dir.file("map.tif")), reflectance = try Raster.open(dir.file("refl.tif"))
        #expect(map.bands[0].description == "re2o3 (%)" && map.bands[0].unitType == "%")
        let values = try map.read(map.fullWindow, as: Float.self), bands = try reflectance.read(reflectance.fullWindow, as: Float.self)
        let n = map.width * map.height
        let valid = (0..<n).filter { values[$0] != -9999 }
        #expect(valid.count > n / 4 && valid.count < n, "\(valid.count) valid of \(n)")
        let expected = try features.predict(valid.map { i in (0..<4).map { Double(bands[$0 * n + i]) } })
        let worst = zip(valid, expected).map { abs(Double(values[$0]) - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst <= (arch == "xgboost" ? 1e-7 : 2.4e-6), "worst relative difference \(worst)")
    }

    /// A damaged model folder is refused in one line naming the file, exit 1, and no map is written.
    @Test func aDamagedFeatureModelIsRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        let train = try ChildProcess.regolith(["train", ModelCommandTests.sampleSet, "--arch", "mlr", "--out", dir.file("model"),
                                               "--iterations", "50", "--folds", "3", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let spec = dir.file("model/model.json")
        let json = try String(contentsOfFile: spec, encoding: .utf8)
        try json.replacingOccurrences(of: "\"intercept\"", with: "\"offset\"").write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["invert", dir.file("model"), ModelCommandTests.scene, "--out", dir.file("map.tif")])
        let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(result.status == 1 && !line.contains("\n") && line.contains("\(spec): missing key \"intercept\""), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("map.tif")))
    }
}

/// `run` with `model: {arch: xgboost}` maps with the trees and says so.
@Suite("run with a feature model")
struct FeatureModelRunTests {
    @Test func runMapsWithTheChosenArchitecture() throws {
        let dir = try TemporaryDirectory()
        let world = Fixtures.path("world")
        try """
            scene: \(world)/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff
            samples: \(world)/samples.csv
            unit: "%"
            model: {arch: xgboost, iterations: 100}
            validation: {folds: 3}
            cog: false
            """.write(toFile: dir.file("run.yml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess.regolith(["run", dir.file("run.yml"), "--out", dir.file("out"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("XGBoost      test R²"), "\(run.stdout)")
        let (model, _) = try ModelFolder.load(dir.file("out/model"))
        #expect(model.kind == .xgboost)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/report.json")))) as! [String: Any]
        #expect(report["mapMethod"] as? String == "XGBoost")
        // The run's map is the folder's model applied to the scene (DNs calibrated as read, as in the run).
        let invert = try ChildProcess.regolith(["invert", dir.file("out/model"), "\(world)/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff",
                                                "--out", dir.file("map.tif"), "--quiet"])
        #expect(invert.status == 0, "\(invert.stderr)")
        let a = try Raster.open(dir.file("out/content.tif")), b = try Raster.open(dir.file("map.tif"))
        #expect(try a.read(a.fullWindow, as: Float.self) == b.read(b.fullWindow, as: Float.self))
    }
}
