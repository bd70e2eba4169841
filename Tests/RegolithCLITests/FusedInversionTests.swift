import Foundation
import Inversion
import NeuralNet
import RasterIO
import Testing
import TestSupport

/// Issue 15, items 5 and 6: `invert` on a DN scene with its product XML writes the map in one pass,
/// equal to calibrate-then-invert; the model records the radiometry it was trained on; a scene of
/// the wrong kind is refused; reflectance made elsewhere (integers × 10000, ENVI) goes in with
/// `--input reflectance`.
@Suite("Fused DN → map inversion and reflectance inputs")
struct FusedInversionTests {
    static let fixtureScene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")
    static let gdalTranslate = ChildProcess.which("gdal_translate")
    /// Window of the fixture scene the tests use: small, and its width not a multiple of the tile sizes.
    static let width = 320, height = 280

    /// `mlr` is a one-layer network; `linear` and `xgboost` are feature models (MLR and gradient-boosted trees).
    enum Method: String, CaseIterable { case paperCNN, patchCNN, mlr, linear, xgboost }

    /// A DN scene cut from the fixture world with its XML beside it (`dn.tif`, `dn.xml`), with zero DNs
    /// (its nodata) in a block across a 256-pixel tile edge in every band and in one pixel of band 3 alone.
    static func dnScene(in dir: TemporaryDirectory) throws -> String {
        let scene = dir.file("dn.tif")
        let cut = try ChildProcess.run(try #require(gdalTranslate), ["-q", "-srcwin", "40", "60", "\(width)", "\(height)", fixtureScene, scene])
        try #require(cut.status == 0, "\(cut.stderr)")
        let raster = try Raster.open(scene, mode: .update)
        try raster.write(Window(x: 240, y: 100, width: 30, height: 10), from: [UInt16](repeating: 0, count: 30 * 10 * 4))
        try raster.write(Window(x: 5, y: 5, width: 1, height: 1), bands: [3], from: [UInt16(0)])
        let xml = try String(contentsOfFile: URL(fileURLWithPath: fixtureScene).deletingPathExtension().path + ".xml", encoding: .utf8)
            .replacingOccurrences(of: "<WidthInPixels>600<", with: "<WidthInPixels>\(width)<")
            .replacingOccurrences(of: "<HeightInPixels>600<", with: "<HeightInPixels>\(height)<")
        try xml.write(toFile: dir.file("dn.xml"), atomically: true, encoding: .utf8)
        return scene
    }

    static func regolith(_ arguments: [String]) throws {
        let result = try ChildProcess.regolith(arguments + ["--quiet"])
        try #require(result.status == 0, "regolith \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    /// The band values of a reflectance scene's valid pixels, pixel by pixel.
    static func validPixels(_ path: String) throws -> [[Double]] {
        let raster = try Raster.open(path)
        let values = try raster.read(raster.fullWindow, as: Float.self)
        let n = raster.width * raster.height
        return (0..<n).compactMap { i in
            let pixel = (0..<4).map { Double(values[$0 * n + i]) }
            return pixel.contains(-9999) ? nil : pixel
        }
    }

    /// A model reading the reflectance in `reflectance` (standardised with its statistics) that records
    /// `radiometry`, with a domain from every 53rd pixel so that part of the scene falls outside it.
    static func model(_ method: Method, reflectance: String, radiometry: InputRadiometry?, folder: String) throws {
        let pixels = try validPixels(reflectance)
        var means = [Double](repeating: 0, count: 4), deviations = means
        for pixel in pixels { for b in 0..<4 { means[b] += pixel[b] / Double(pixels.count) } }
        for pixel in pixels { for b in 0..<4 { deviations[b] += (pixel[b] - means[b]) * (pixel[b] - means[b]) / Double(pixels.count) } }
        deviations = deviations.map { $0.squareRoot() }
        let standardisation = Standardisation(inputMeans: means.map(Float.init), inputStandardDeviations: deviations.map(Float.init),
                                              targetMean: 480, targetStandardDeviation: 150)
        let domain = try ApplicabilityDomain(features: stride(from: 0, to: pixels.count, by: 53).map { pixels[$0] })
        var model: Model
        switch method {
        case .linear, .xgboost:
            // Learnt from every 53rd pixel's bands and a content that depends on them non-linearly.
            let training = stride(from: 0, to: pixels.count, by: 53).map { pixels[$0] }
            let targets = training.map { p in 480 + 150 * ((p[3] - means[3]) / deviations[3]) - 60 * max(0, (p[2] - means[2]) / deviations[2]) }
            let fitted = method == .linear ? try LinearRegression().fit(features: training, targets: targets)
                : try XGBoostRegression(seed: 2, hyperparameters: .init(maxDepth: 4, eta: 0.1, rounds: 60, subsample: 0.8, minChildWeight: 1, lambda: 1))
                    .fit(features: training, targets: targets)
            let model = try MapModel(fitted: fitted, bands: BandDescriptor.gf2, target: TargetDescriptor(name: "treo", unit: "ppm"), radiometry: radiometry)
            try ModelFolder.save(model, validations: [], domain: domain, to: folder)
            return
        case .paperCNN:
            model = try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 5), inputLayout: .replicatedRows(rows: 4),
                              bands: BandDescriptor.gf2, standardisation: standardisation, target: TargetDescriptor(name: "treo", unit: "ppm"))
        case .patchCNN:
            // 5 × 5 windows: near nodata and the scene's edge they read the values the reflectance scene holds there.
            model = try Model(preset: .patch, network: try NetworkPreset.patch.network(size: 5, seed: 6), inputLayout: .patch(size: 5),
                              bands: BandDescriptor.gf2, standardisation: standardisation, target: TargetDescriptor(name: "treo", unit: "ppm"))
        case .mlr:
            // Multiple linear regression as a network: one dense layer over the standardised bands.
            let network = try Network(inputShape: TensorShape(channels: 1, height: 1, width: 4), layers: [.flatten, .dense(inFeatures: 4, outFeatures: 1)],
                                      weights: [[], [0.8, -0.5, 0.3, 1.1]], biases: [[], [0.2]])
            model = try Model(preset: nil, network: network, inputLayout: .replicatedRows(rows: 1), bands: BandDescriptor.gf2,
                              standardisation: standardisation, target: TargetDescriptor(name: "treo", unit: "ppm"))
        }
        model.radiometry = radiometry
        try model.save(to: folder)
        try domain.save(to: folder)
    }

    /// Every pixel of two maps: nodata in both, or values within `relative` of each other.
    static func expectSameMap(_ a: String, _ b: String, relative: Float, _ comment: String) throws {
        let first = try Raster.open(a), second = try Raster.open(b)
        #expect(first.width == second.width && first.height == second.height)
        let x = try first.read(first.fullWindow, bands: [1], as: Float.self), y = try second.read(second.fullWindow, bands: [1], as: Float.self)
        var differing = 0, valid = 0, worst: Float = 0
        for (p, q) in zip(x, y) {
            if p == -9999 || q == -9999 {
                if p != q { differing += 1 }
                continue
            }
            valid += 1
            let error = abs(p - q) / max(abs(p), abs(q))
            worst = max(worst, error.isNaN ? 0 : error)
            if error > relative { differing += 1 }
        }
        #expect(differing == 0, "\(comment): \(differing) pixel(s) differ (nodata in one map only, or beyond \(relative) relative; worst \(worst))")
        // The maps must have something to compare: most pixels valid, some outside the domain.
        #expect(valid > x.count / 2 && valid < x.count - 300, "\(comment): \(valid) valid of \(x.count)")
    }

    /// Measured: the fused map is bit-identical to calibrate-then-invert (the tile is calibrated with
    /// the arithmetic `calibrate` uses, and nodata set as the reflectance scene holds it), worst 0,
    /// for the networks and the feature models (trees included) alike; the bound is the issue's 1e-5.
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"),
          arguments: Method.allCases, [false, true])
    func dnSceneToMapEqualsCalibrateThenInvert(method: Method, dos: Bool) throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.dnScene(in: dir)
        try Self.regolith(["calibrate", scene, "--out", dir.file("refl.tif")] + (dos ? ["--dos"] : []))
        // GIS programs draw `calibrate`'s scene in true colour.
        let colours = try Raster.open(dir.file("refl.tif")).bands.map(\.colorInterpretation)
        #expect(colours == [.blue, .green, .red, .undefined], "\(colours)")
        try Self.model(method, reflectance: dir.file("refl.tif"), radiometry: InputRadiometry(kind: .toaReflectance, dos: dos), folder: dir.file("model"))
        try Self.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("two-pass.tif")])
        for tileSize in [256, 512] {
            let map = dir.file("fused-\(tileSize).tif")
            try Self.regolith(["invert", dir.file("model"), scene, "--out", map, "--tile-size", "\(tileSize)"])
            try Self.expectSameMap(dir.file("two-pass.tif"), map, relative: 1e-5, "\(method) dos \(dos) tile \(tileSize)")
        }
        // One pass: nothing but the maps beside the inputs.
        let rasters = Set(dir.contents().filter { $0.hasSuffix(".tif") })
        #expect(rasters == ["dn.tif", "refl.tif", "two-pass.tif", "fused-256.tif", "fused-512.tif"], "\(rasters)")
    }

    /// Several DN products in one `invert` (a list, as Slurm arrays and province runs give them),
    /// each with its own calibration (another year's gains, another sun): each map equals that
    /// product's own calibrate-then-invert, and the VRT mosaic holds them all.
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"))
    func dnProductsWithTheirOwnCalibrationsMapInOneCall() throws {
        let dir = try TemporaryDirectory()
        let first = try Self.dnScene(in: dir)
        // The same pixels acquired another day: the 2016 calibration table and a lower sun.
        let second = dir.file("dn-2016.tif")
        try FileManager.default.copyItem(atPath: first, toPath: second)
        let xml = try String(contentsOfFile: dir.file("dn.xml"), encoding: .utf8)
            .replacingOccurrences(of: "<ReceiveTime>2020-11-12 03:15:42<", with: "<ReceiveTime>2016-01-20 03:15:42<")
            .replacingOccurrences(of: "<SolarZenith>44.704479<", with: "<SolarZenith>52.5<")
        try #require(xml.contains("2016-01-20") && xml.contains("52.5<"))
        try xml.write(toFile: dir.file("dn-2016.xml"), atomically: true, encoding: .utf8)
        try Self.regolith(["calibrate", first, "--out", dir.file("refl.tif")])
        try Self.regolith(["calibrate", second, "--out", dir.file("refl-2016.tif")])
        try Self.model(.linear, reflectance: dir.file("refl.tif"), radiometry: InputRadiometry(kind: .toaReflectance, dos: false), folder: dir.file("model"))
        try Self.regolith(["invert", dir.file("model"), first, second, "--out", dir.file("maps")])
        for (scene, reflectance) in [("dn", "refl"), ("dn-2016", "refl-2016")] {
            try Self.regolith(["invert", dir.file("model"), dir.file("\(reflectance).tif"), "--out", dir.file("\(reflectance)-map.tif")])
            try Self.expectSameMap(dir.file("\(reflectance)-map.tif"), dir.file("maps/\(scene).content.tif"), relative: 1e-5, scene)
        }
        // The two calibrations differ, so the maps do too.
        let a = try Raster.open(dir.file("maps/dn.content.tif")), b = try Raster.open(dir.file("maps/dn-2016.content.tif"))
        #expect(try a.read(a.fullWindow, as: Float.self) != (try b.read(b.fullWindow, as: Float.self)))
        #expect(FileManager.default.fileExists(atPath: dir.file("maps/mosaic.content.vrt")))
    }

    /// A model without the record (written before it existed) reads its DOS setting from --dos.
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"))
    func aModelWithoutTheRecordTakesDOSFromTheOption() throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.dnScene(in: dir)
        try Self.regolith(["calibrate", scene, "--out", dir.file("refl.tif"), "--dos"])
        try Self.model(.mlr, reflectance: dir.file("refl.tif"), radiometry: nil, folder: dir.file("model"))
        let json = try String(contentsOfFile: dir.file("model/model.json"), encoding: .utf8)
        #expect(!json.contains("radiometry"))
        try Self.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--out", dir.file("two-pass.tif")])
        try Self.regolith(["invert", dir.file("model"), scene, "--dos", "--out", dir.file("fused.tif")])
        try Self.expectSameMap(dir.file("two-pass.tif"), dir.file("fused.tif"), relative: 1e-5, "--dos")
    }

    /// One line each, exit 1, nothing at the output path.
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"))
    func aSceneOfTheWrongKindIsRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.dnScene(in: dir)
        try Self.regolith(["calibrate", scene, "--out", dir.file("refl.tif"), "--dos"])
        try Self.model(.mlr, reflectance: dir.file("refl.tif"), radiometry: InputRadiometry(kind: .toaReflectance, dos: true), folder: dir.file("model"))
        try FileManager.default.createDirectory(atPath: dir.file("bare"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: scene, toPath: dir.file("bare/dn.tif"))
        let cases: [(arguments: [String], message: String)] = [
            ([dir.file("bare/dn.tif")], "\(dir.file("bare/dn.tif")): DN scene (UInt16) but no product metadata XML; give --xml or calibrate first"),
            ([dir.file("refl.tif"), "--xml", dir.file("dn.xml")], "\(dir.file("refl.tif")): reflectance scene (Float32) given as DN"),
            ([dir.file("refl.tif"), "--input", "dn"], "\(dir.file("refl.tif")): reflectance scene (Float32) given as DN"),
            ([scene, "--no-dos"], "\(dir.file("model")): the model was trained on TOA reflectance with dark-object subtraction, but --no-dos"),
        ]
        for (arguments, message) in cases {
            let result = try ChildProcess.regolith(["invert", dir.file("model")] + arguments + ["--out", dir.file("map.tif")])
            let line = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(result.status == 1 && !line.contains("\n") && line.contains(message), "\(arguments): \(result.status) \(line)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("map.tif")))
        }
    }

    /// `run` calibrates the DNs as it reads them (samples, masks, map) and writes no reflectance; the
    /// same configuration on the reflectance `calibrate` writes, given with `input: reflectance`,
    /// gives the same sample set, map and anomaly ranks (measured: identical bytes and pixels).
    @Test func runOnDNsEqualsRunOnTheCalibratedReflectance() throws {
        let dnRun = try ModelCommandTests.fixtureRun.get()
        let dir = try TemporaryDirectory()
        try Self.regolith(["calibrate", Self.fixtureScene, "--out", dir.file("refl.tif")])
        let world = Fixtures.path("world")
        // ModelCommandTests.fixtureRun's configuration, on the reflectance.
        try """
            scene: \(dir.file("refl.tif"))
            input: reflectance
            samples: \(world)/samples.csv
            unit: "%"
            truth: {content: \(world)/truth/re2o3.tif, zones: \(world)/truth/zones.tif}
            model: {iterations: 400}
            validation: {folds: 3}
            anomalies: {percentile: 95, min_area: 2000, mask_vegetation: 0.45}
            cog: false
            """.write(toFile: dir.file("run.yml"), atomically: true, encoding: .utf8)
        try Self.regolith(["run", dir.file("run.yml"), "--out", dir.file("out")])
        #expect(!FileManager.default.fileExists(atPath: dnRun.file("out/reflectance.tif")))
        #expect(try String(contentsOfFile: dnRun.file("out/sampleset.csv"), encoding: .utf8)
                == String(contentsOfFile: dir.file("out/sampleset.csv"), encoding: .utf8))
        for map in ["content.tif", "anomaly-ranks.tif"] {
            let a = try Raster.open(dnRun.file("out/\(map)")), b = try Raster.open(dir.file("out/\(map)"))
            let differing = zip(try a.read(a.fullWindow, bands: [1], as: Float.self), try b.read(b.fullWindow, bands: [1], as: Float.self))
                .filter { $0 != $1 }.count
            #expect(differing == 0, "\(map): \(differing) pixel(s) differ")
        }
    }

    /// Options that contradict each other are usage errors (exit 2), before any file is read.
    @Test(arguments: [
        (["invert", "model", "x.tif", "--scale", "0.0001", "--out", "y.tif"], "--scale: applies to reflectance inputs only"),
        (["invert", "model", "x.tif", "--input", "reflectance", "--xml", "x.xml", "--out", "y.tif"], "--xml and --dos calibrate DNs"),
        (["samples", "x.tif", "s.csv", "--input", "dn", "--out", "y.csv"], "--input dn: samples reads reflectance"),
        (["train", "s.csv", "--input", "reflectance", "--scale", "0", "--out", "m"], "--scale: 0.0 is not a positive number"),
    ])
    func contradictoryInputOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let result = try ChildProcess.regolith(arguments)
        #expect(result.status == 2 && result.stderr.contains(message), "\(result.status) \(result.stderr)")
    }

    /// Reflectance × 10000 in Int16 with --scale 0.0001 maps like the same reflectance as Float32 (the
    /// Int16 values × 0.0001, by gdal_translate). Measured: worst 6.0e-7 relative (Float32 rounding of
    /// the scaled values, GDAL's in Double, ours in Float). Not for trees: their splits are step
    /// functions at the training pixels' own values, so inputs one Float32 rounding apart fall on
    /// either side of a threshold (measured: 714 of 89,600 pixels changed).
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"),
          arguments: Method.allCases.filter { $0 != .xgboost })
    func integerReflectanceWithAScaleMapsLikeFloatReflectance(method: Method) throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.dnScene(in: dir)
        let translate = try #require(Self.gdalTranslate)
        try Self.regolith(["calibrate", scene, "--out", dir.file("refl.tif")])
        for (arguments, output) in [(["-ot", "Int16", "-scale", "0", "1", "0", "10000", dir.file("refl.tif")], "int16.tif"),
                                    (["-ot", "Float32", "-scale", "0", "10000", "0", "1", dir.file("int16.tif")], "float32.tif")] {
            let result = try ChildProcess.run(translate, ["-q"] + arguments + [dir.file(output)])
            try #require(result.status == 0, "\(result.stderr)")
        }
        try Self.model(method, reflectance: dir.file("float32.tif"), radiometry: InputRadiometry(kind: .reflectance), folder: dir.file("model"))
        try Self.regolith(["invert", dir.file("model"), dir.file("float32.tif"), "--input", "reflectance", "--out", dir.file("float.map.tif")])
        try Self.regolith(["invert", dir.file("model"), dir.file("int16.tif"), "--input", "reflectance", "--scale", "0.0001", "--out", dir.file("int.map.tif")])
        try Self.expectSameMap(dir.file("float.map.tif"), dir.file("int.map.tif"), relative: 1e-5, "Int16 × 0.0001")
        // The sample set of the Int16 scene with --scale holds the Float32 scene's band values (printed to 7 digits).
        let samples = Fixtures.path("world/samples.csv")
        try Self.regolith(["samples", dir.file("float32.tif"), samples, "--out", dir.file("float.set.csv")])
        try Self.regolith(["samples", dir.file("int16.tif"), samples, "--input", "reflectance", "--scale", "0.0001", "--out", dir.file("int.set.csv")])
        let floatRows = try Fixtures.csvFile(dir.file("float.set.csv")), intRows = try Fixtures.csvFile(dir.file("int.set.csv"))
        #expect(floatRows.count == intRows.count && floatRows.count > 20)
        for (a, b) in zip(floatRows, intRows) {
            for band in ["b1", "b2", "b3", "b4"] {
                let x = Double(a[band]!)!, y = Double(b[band]!)!
                #expect(abs(x - y) <= 1e-6 * abs(x), "sample \(a["id"]!) \(band): \(x) and \(y)")
            }
        }
        // A model trained on reflectance made elsewhere records it, and does not take DNs.
        if method == .mlr {
            try Self.regolith(["train", dir.file("int.set.csv"), "--input", "reflectance", "--iterations", "20", "--folds", "2", "--out", dir.file("trained")])
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("trained/model.json")))) as! [String: Any]
            #expect(((json["input"] as? [String: Any])?["radiometry"] as? [String: Any])?["kind"] as? String == "reflectance", "\(json["input"] ?? "")")
        }
        let refused = try ChildProcess.regolith(["invert", dir.file("model"), scene, "--out", dir.file("dn.map.tif")])
        #expect(refused.status == 1 && refused.stderr.contains("DN scene (UInt16), but the model") && refused.stderr.contains("--input reflectance"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("dn.map.tif")))
    }

    /// An ENVI .dat/.hdr reflectance scene maps exactly like the GeoTIFF it was made from.
    @Test(.enabled(if: gdalTranslate != nil, "gdal_translate (gdal-bin) is installed by tools/install-deps.sh"))
    func anENVIReflectanceSceneMapsLikeItsGeoTIFF() throws {
        let dir = try TemporaryDirectory()
        let scene = try Self.dnScene(in: dir)
        try Self.regolith(["calibrate", scene, "--out", dir.file("refl.tif")])
        let envi = try ChildProcess.run(try #require(Self.gdalTranslate), ["-q", "-of", "ENVI", dir.file("refl.tif"), dir.file("refl.dat")])
        try #require(envi.status == 0 && FileManager.default.fileExists(atPath: dir.file("refl.hdr")), "\(envi.stderr)")
        try Self.model(.paperCNN, reflectance: dir.file("refl.tif"), radiometry: InputRadiometry(kind: .reflectance), folder: dir.file("model"))
        try Self.regolith(["invert", dir.file("model"), dir.file("refl.tif"), "--input", "reflectance", "--out", dir.file("tiff.map.tif")])
        try Self.regolith(["invert", dir.file("model"), dir.file("refl.dat"), "--input", "reflectance", "--out", dir.file("envi.map.tif")])
        try Self.expectSameMap(dir.file("tiff.map.tif"), dir.file("envi.map.tif"), relative: 0, "ENVI")
    }
}
