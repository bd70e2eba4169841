import Foundation
import Inversion
import NeuralNet
import RasterIO
import Testing
import TestSupport

/// `train`, `invert` and `run` as a user runs them, on the fixture world.
@Suite("regolith train, invert, run")
struct ModelCommandTests {
    static let sampleSet = Fixtures.path("reference/baselines/sampleset.csv")
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")

    /// A model trained briefly on the fixture sample set, and the fixture scene calibrated as that
    /// sample set was (with dark-object subtraction). The model records the target's unit, per cent.
    static func trained(_ dir: TemporaryDirectory) throws -> (model: String, reflectance: String) {
        let train = try ChildProcess.regolith(["train", sampleSet, "--out", dir.file("model"), "--iterations", "300", "--folds", "3",
                                               "--unit", "%", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let calibrate = try ChildProcess.regolith(["calibrate", scene, "--out", dir.file("refl.tif"), "--dos", "--quiet"])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        return (dir.file("model"), dir.file("refl.tif"))
    }

    @Test func trainComparesTheCNNWithTheBaselinesBothWays() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["train", Self.sampleSet, "--out", dir.file("model"), "--iterations", "300", "--folds", "3", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        for method in ["CNN paper", "MLR", "PLSR", "XGBoost"] {
            #expect(result.stdout.contains("\(method)") && result.stdout.components(separatedBy: "\n").filter { $0.hasPrefix(method) }.count == 4)
        }
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("model/validation.json")))) as! [String: Any]
        let validation = file["validations"] as! [[String: Any]]
        #expect(validation.count == 8)
        #expect(Set(validation.map { $0["scheme"] as! String }).count == 2)
        let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("model/model.json")))) as! [String: Any]
        #expect(spec["preset"] as? String == "paper" || (spec["architecture"] as? [String: Any])?["preset"] as? String == "paper", "\(spec.keys)")
        #expect(FileManager.default.fileExists(atPath: dir.file("model/model.safetensors")))
        // The scatter plots of the validation, one SVG per method and scheme.
        let plots = try ChildProcess.regolith(["render", "--validation", dir.file("model/validation.json"), "--out", dir.file("plots")])
        #expect(plots.status == 0, "\(plots.stderr)")
        let svgs = try FileManager.default.contentsOfDirectory(atPath: dir.file("plots")).filter { $0.hasSuffix(".svg") }
        #expect(svgs.count == 8)
        let svg = try String(contentsOfFile: dir.file("plots/mlr-spatial.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<circle").count - 1 == 374 && svg.contains("R²"))
    }

    /// `train --arch auto` without a scene: the four candidates that read pixels, each scored by
    /// the spatial blocks, the winner the lowest RMSE, and a model folder the map can be made with.
    @Test func trainAutoScoresTheCandidatesAndSavesTheMapModel() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["train", Self.sampleSet, "--arch", "auto", "--out", dir.file("model"), "--iterations", "200", "--folds", "3", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        let table = try #require(lines.firstIndex { $0.hasPrefix("candidate") })
        let rows = lines[(table + 1)...].prefix(4).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.map { $0[0] } == ["MLR", "PLSR", "XGBoost", "CNN"], "\(result.stdout)")
        let rmse = rows.map { Double($0[$0[0] == "CNN" ? 2 : 1])! }
        let winner = try #require(lines.first { $0.hasPrefix("winner") })
        let best = ["MLR", "PLSR", "XGBoost", "CNN paper"][rmse.firstIndex(of: rmse.min()!)!]
        #expect(winner.contains(best), "\(winner), RMSE \(rmse)")
        // The winner's own model folder, whatever its kind.
        let (model, _) = try ModelFolder.load(dir.file("model"))
        #expect(model.kind == [.mlr, .pls, .xgboost, .cnn][rmse.firstIndex(of: rmse.min()!)!], "\(model.kind)")
    }

    @Test func trainRefusesTooFewSamplesAndWrongBands() throws {
        let dir = try TemporaryDirectory()
        let lines = try String(contentsOfFile: Self.sampleSet, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(6).joined(separator: "\n") + "\n").write(toFile: dir.file("few.csv"), atomically: true, encoding: .utf8)
        let few = try ChildProcess.regolith(["train", dir.file("few.csv"), "--out", dir.file("model")])
        #expect(few.status == 1 && few.stderr.contains("few.csv") && few.stderr.contains("too few"), "\(few.stderr)")
        let threeBands = lines.map { line in line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 10 }.map(\.element).joined(separator: ",") }
        try (threeBands.joined(separator: "\n") + "\n").write(toFile: dir.file("three.csv"), atomically: true, encoding: .utf8)
        let three = try ChildProcess.regolith(["train", dir.file("three.csv"), "--out", dir.file("model")])
        #expect(three.status == 1 && three.stderr.contains("three.csv") && three.stderr.contains("band"), "\(three.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("model/model.safetensors")))
    }

    @Test func invertIsTheSameInAnyTilingAndMasksNodata() throws {
        let dir = try TemporaryDirectory()
        let (model, reflectance) = try Self.trained(dir)
        for (name, tile, threads) in [("a.tif", "256", "1"), ("b.tif", "512", "2")] {
            let result = try ChildProcess.regolith(["invert", model, reflectance, "--out", dir.file(name), "--tile-size", tile, "--threads", threads, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try Raster.open(dir.file("a.tif")), b = try Raster.open(dir.file("b.tif"))
        let va = try a.read(a.fullWindow, as: Float.self), vb = try b.read(b.fullWindow, as: Float.self)
        #expect(va == vb)
        // The target and the unit the model recorded at training.
        #expect(a.bands[0].nodata == -9999 && a.bands[0].description == "re2o3 (%)" && a.bands[0].unitType == "%", "\(a.bands[0])")
        // Pixels outside the applicability domain are nodata: nearly all the forest, little bare ground.
        let cover = try Raster.open(Fixtures.path("world/truth/landcover.tif")).read(a.fullWindow, as: UInt8.self)
        let forest = cover.indices.filter { cover[$0] == 2 }, bare = cover.indices.filter { cover[$0] == 1 }
        #expect(Double(forest.filter { va[$0] == -9999 }.count) > 0.9 * Double(forest.count))
        #expect(Double(bare.filter { va[$0] != -9999 }.count) > 0.8 * Double(bare.count))
        // Valid pixels are the model's own (scalar, layer-by-layer) prediction from the reflectances.
        let network = try Model.load(from: model)
        let refl = try Raster.open(reflectance)
        var checked = 0
        for index in stride(from: 7, to: va.count, by: 3_331) where va[index] != -9999 {
            let bands = try refl.read(Window(x: index % a.width, y: index / a.width, width: 1, height: 1), as: Float.self)
            let expected = network.referencePrediction(sample: bands)
            #expect(abs(Double(va[index]) - expected) <= 1e-4 * max(1, abs(expected)), "pixel \(index)")
            checked += 1
        }
        #expect(checked > 50)
        let everywhere = try ChildProcess.regolith(["invert", dir.file("model"), reflectance, "--out", dir.file("all.tif"), "--everywhere", "--quiet"])
        #expect(everywhere.status == 0, "\(everywhere.stderr)")
        let all = try Raster.open(dir.file("all.tif")).read(a.fullWindow, as: Float.self)
        #expect(!all.contains(-9999))
    }

    @Test func patchModelTrainsOnWindowsAndInvertsTheSameInAnyTiling() throws {
        let dir = try TemporaryDirectory()
        let (_, reflectance) = try Self.trained(dir)
        let train = try ChildProcess.regolith(["train", Self.sampleSet, "--arch", "patch", "--patch-size", "5", "--scene", reflectance,
                                               "--out", dir.file("patch"), "--iterations", "200", "--folds", "3", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("CNN patch"))
        for (name, tile) in [("p256.tif", "256"), ("p512.tif", "512")] {
            let result = try ChildProcess.regolith(["invert", dir.file("patch"), reflectance, "--out", dir.file(name), "--tile-size", tile, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        // A 5×5 window needs a 2-pixel halo: tiles of 256 and 512 must give the same pixels.
        let a = try Raster.open(dir.file("p256.tif")), b = try Raster.open(dir.file("p512.tif"))
        let va = try a.read(a.fullWindow, as: Float.self), vb = try b.read(b.fullWindow, as: Float.self)
        #expect(va == vb && va.contains { $0 != -9999 })
    }

    @Test func monteCarloDropoutAddsAStandardDeviationBand() throws {
        let dir = try TemporaryDirectory()
        let (model, reflectance) = try Self.trained(dir)
        let result = try ChildProcess.regolith(["invert", model, reflectance, "--out", dir.file("mc.tif"), "--mc-dropout", "8", "--tile-size", "256", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let mc = try Raster.open(dir.file("mc.tif"))
        #expect(mc.bandCount == 2 && mc.bands[1].description.contains("standard deviation"))
        let sd = try mc.read(mc.fullWindow, bands: [2], as: Float.self).filter { $0 != -9999 }
        #expect(sd.count > 100_000 && sd.allSatisfy { $0 >= 0 } && sd.contains { $0 > 0 })
    }

    @Test func invertRefusesAModelForOtherBands() throws {
        let dir = try TemporaryDirectory()
        let (model, _) = try Self.trained(dir)
        try TestRasters.write(dir.file("three.tif"), width: 64, height: 64, bands: 3)
        let result = try ChildProcess.regolith(["invert", model, dir.file("three.tif"), "--out", dir.file("c.tif")])
        #expect(result.status == 1 && result.stderr.contains("three.tif") && result.stderr.contains("band"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("c.tif")))
    }

    /// One `regolith run` on the fixture world, shared by the tests that read its outputs (it takes
    /// minutes). The folder lives as long as the test process.
    static let fixtureRun: Result<TemporaryDirectory, any Error> = Result {
        let dir = try TemporaryDirectory("regolith-fixture-run")
        let world = Fixtures.path("world")
        try """
            scene: \(world)/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff
            samples: \(world)/samples.csv
            unit: "%"
            truth: {content: \(world)/truth/re2o3.tif, zones: \(world)/truth/zones.tif}
            model: {iterations: 400}
            validation: {folds: 3}
            anomalies: {percentile: 95, min_area: 2000, mask_vegetation: 0.45}
            """.write(toFile: dir.file("run.yml"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", dir.file("run.yml"), "--out", dir.file("out"), "--quiet"])
        guard result.status == 0 else { throw TestSupportError("regolith run failed: \(result.stderr)") }
        // A static is never deinitialised: remove the folder when the test process ends.
        atexit { if case .success(let dir) = ModelCommandTests.fixtureRun { try? FileManager.default.removeItem(atPath: dir.path) } }
        return dir
    }

    @Test func runWritesTheWholeReport() throws {
        let dir = try Self.fixtureRun.get()
        let html = try String(contentsOfFile: dir.file("out/report.html"), encoding: .utf8)
        for section in ["Band screening", "CNN against the baselines", "spatial blocks", "random split", "Anomaly areas",
                        "Against the synthetic world", "Timings", "Configuration", "data:image/png;base64,", "<svg", "Semivariogram",
                        "Kriging variance", "Which model to trust", "longitude"] {
            #expect(html.contains(section), "report lacks \(section)")
        }
        for file in ["content.tif", "geochem.tif", "geochem-variance.tif", "anomalies.gpkg", "content.png", "geochem-variance.png",
                     "model/model.json", "model/domain.json", "report.json", "sampleset.csv"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("out/\(file)")), "no \(file)")
        }
        // The map's model folder holds the winner, of whatever kind.
        _ = try ModelFolder.load(dir.file("out/model"))
        try Self.expectTheMethodWorks(report: dir.file("out/report.json"))
        try RunOutputConventions.expectAll(folder: dir.file("out"))
        // Every area is in the table with its place, not only the first 20.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/report.json")))) as? [String: Any])
        let areas = try #require(report["anomalies"] as? [[String: Any]]), locations = try #require(report["anomalyLocations"] as? [[String: Any]])
        #expect(locations.count == areas.count && !areas.isEmpty)
        let lastRank = try #require(areas.compactMap { $0["rank"] as? Int }.max())
        #expect(html.contains("<tr><td>\(lastRank)</td>"), "the table lacks area \(lastRank)")
        // The fixture world lies near 107.2° E, 22.5° N (its file name).
        for location in locations {
            let longitude = try #require(location["longitude"] as? Double), latitude = try #require(location["latitude"] as? Double)
            #expect(abs(longitude - 107.2) < 0.5 && abs(latitude - 22.5) < 0.5, "\(location)")
        }
        let samples = try #require(report["samples"] as? [String: Any])
        #expect((samples["experimentalVariogram"] as? [[String: Any]])?.isEmpty == false)
        // The areas are valid polygons without holes below run's default min_hole (2000 m²).
        let polygons = try PolygonLayerCheck(dir.file("out/anomalies.gpkg"), layer: "anomalies")
        let validity = try polygons.validity()
        #expect(validity.features > 0 && validity.invalid == 0, "\(validity)")
        let holes = try polygons.holeAreas()
        #expect(holes.allSatisfy { $0 >= 2000 }, "holes below 2000 m²: \(holes.filter { $0 < 2000 })")
    }

    /// The fixture run's default `arch: auto`: every candidate in the table, the map made by the
    /// candidate the spatial validation put first, the verdict leading the page, and the interval calibrated.
    @Test func runChoosesItsModelBySpatialValidationAndCalibratesTheInterval() throws {
        let dir = try Self.fixtureRun.get()
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/report.json")))) as? [String: Any])
        let selection = try #require(report["selection"] as? [String: Any], "report.json has no selection")
        let scores = try #require(selection["scores"] as? [[String: Any]])
        #expect(scores.compactMap { $0["method"] as? String } == ["MLR", "MLR+mean9", "PLSR", "PLSR+mean9", "XGBoost", "XGBoost+mean9", "CNN paper", "CNN patch"])
        let rmse = Dictionary(uniqueKeysWithValues: scores.map { ($0["method"] as! String, $0["spatialRMSE"] as! Double) })
        let winner = try #require(selection["winner"] as? String), mapModel = try #require(selection["mapModel"] as? String)
        #expect(rmse[winner] == rmse.values.min(), "\(rmse), winner \(winner)")
        #expect(mapModel == winner, "\(mapModel)")
        // The networks stopped early within run's 400-step budget, in every fold.
        for score in scores where (score["method"] as! String).hasPrefix("CNN") {
            let iterations = try #require(score["foldIterations"] as? [Int])
            #expect(iterations.count == 3 && iterations.allSatisfy { $0 > 0 && $0 <= 400 }, "\(score)")
        }
        // The verdict comes first on the page and names the map's model; no per-cent signs but the unit's.
        let html = try String(contentsOfFile: dir.file("out/report.html"), encoding: .utf8)
        let verdict = try #require(html.range(of: "Which model to trust"))
        #expect(html.range(of: "Inputs")!.lowerBound > verdict.lowerBound && html.contains("Model selection by spatial validation"))
        let lead = html[verdict.upperBound...].prefix(3000)
        // …and gives the paper CNN's figures beside the winner's.
        #expect(lead.contains("map is made by") && lead.contains(mapModel) && (winner == "CNN paper" || lead.contains("The paper's CNN: RMSE")), "\(lead)")

        // The interval: the level asked for, weighted by the difficulty line of the map model's
        // held-out residuals, the quantile one of those residuals over its difficulty.
        let interval = try #require(report["interval"] as? [String: Any])
        #expect(interval["level"] as? Double == 0.9 && interval["method"] as? String == mapModel && interval["residuals"] as? Int == 374, "\(interval)")
        #expect(interval["weighting"] as? String == "content", "\(interval)")
        let quantile = try #require(interval["quantile"] as? Double)
        let line = try #require(interval["difficulty"] as? [String: Double])
        let (intercept, slope, floor) = (try #require(line["intercept"]), try #require(line["slope"]), try #require(line["floor"]))
        let (lowest, highest) = (try #require(line["lowest"]), try #require(line["highest"]))
        let difficulty = { (predicted: Double) in max(floor, intercept + slope * min(highest, max(lowest, predicted))) }
        let validation = try #require((report["validations"] as? [[String: Any]])?.first {
            $0["method"] as? String == mapModel && ($0["scheme"] as? String)?.hasPrefix("spatial") == true
        })
        let pairs = Array(zip(validation["testMeasured"] as! [Double], validation["testPredicted"] as! [Double]))
        let residuals = pairs.map { abs($0 - $1) / difficulty($1) }.sorted()
        // JSON keeps 16 significant digits.
        #expect(abs(quantile - residuals[(375 * 9 + 9) / 10 - 1]) <= 1e-12 * quantile)
        #expect(abs(floor - 0.1 * pairs.map { abs($0 - $1) }.reduce(0, +) / Double(pairs.count)) <= 1e-12 * floor)
        #expect(lowest == pairs.map(\.1).min() && highest == pairs.map(\.1).max())
        // Bounds are the map ± q × d(map), band 3 their distance, and they hold the true content at
        // about the level on the bare ground the map covers.
        let content = try Raster.open(dir.file("out/content.tif")), bounds = try Raster.open(dir.file("out/content-interval.tif"))
        #expect(bounds.bands.count == 3 && bounds.bands[2].description.contains("width"), "\(bounds.bands)")
        let map = try content.read(content.fullWindow, bands: [1], as: Float.self)
        let lower = try bounds.read(bounds.fullWindow, bands: [1], as: Float.self), upper = try bounds.read(bounds.fullWindow, bands: [2], as: Float.self)
        let width = try bounds.read(bounds.fullWindow, bands: [3], as: Float.self)
        let truth = try Raster.open(Fixtures.path("world/truth/re2o3.tif")).read(content.fullWindow, as: Float.self)
        var covered = 0, mapped = 0, wrong = 0
        for i in map.indices where map[i] != -9999 {
            mapped += 1
            let halfWidth = quantile * difficulty(Double(map[i]))
            if abs(Double(lower[i]) - (Double(map[i]) - halfWidth)) > 1e-5 || abs(Double(upper[i]) - (Double(map[i]) + halfWidth)) > 1e-5
                || abs(Double(width[i]) - 2 * halfWidth) > 1e-5 { wrong += 1 }
            if truth[i] >= lower[i] && truth[i] <= upper[i] { covered += 1 }
        }
        #expect(wrong == 0 && mapped > 100_000 && lower.filter { $0 == -9999 }.count == map.count - mapped)
        // The issue's 0.88–0.94 (measured 0.909 here; 0.951 with a constant width: the residuals
        // against measured contents and the ore's larger errors made it too wide on the background).
        let coverage = Double(covered) / Double(mapped)
        #expect(coverage >= 0.88 && coverage <= 0.94, "coverage of the true content \(coverage)")
        // The report measures it too, over the compared pixels (the support, vegetation masked).
        let reported = try #require((report["truth"] as? [String: Any])?["intervalCoverage"] as? Double)
        #expect(reported >= 0.88 && reported <= 0.94, "report.json's coverage \(reported)")
        // The width varies, so the report maps it.
        #expect(FileManager.default.fileExists(atPath: dir.file("out/content-interval-width.png")) && html.contains("Prediction interval width"))
        // Each anomaly area carries its probability of exceeding the threshold, in the table and the layer.
        let areas = try #require(report["anomalies"] as? [[String: Any]])
        #expect(areas.allSatisfy { ($0["exceedanceProbability"] as? Double).map { (0...1).contains($0) } == true }, "\(areas)")
        #expect(html.contains("P(content above threshold)"))
        let layer = try ChildProcess.run(try #require(ChildProcess.which("ogrinfo")), ["-q", "-al", dir.file("out/anomalies.gpkg")])
        #expect(layer.stdout.components(separatedBy: "p_exceed (Real)").count - 1 == areas.count, "\(layer.stdout.prefix(2000))")
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `report.html` alone in an empty folder, as a user gets it by mail, in headless Chromium at
    /// 800 px: every image is a data URI, nothing is requested, the page is drawn and does not
    /// overflow sideways.
    @Test(.enabled(if: chromium != nil, "needs chromium (tools/install-deps.sh installs it)"))
    func reportStandsAloneInABrowser() throws {
        let run = try Self.fixtureRun.get(), alone = try TemporaryDirectory("regolith-report-alone")
        let html = try String(contentsOfFile: run.file("out/report.html"), encoding: .utf8)
        try html.write(toFile: alone.file("report.html"), atomically: true, encoding: .utf8)
        for pattern in [#"<img[^>]*\ssrc="(?!data:)"#, #"<image[^>]*\shref="(?!data:)"#, #"url\((?!data:)"#] {
            #expect(html.range(of: pattern, options: .regularExpression) == nil, "the page refers to a file: \(pattern)")
        }
        #expect(html.contains(#"<meta name="viewport""#))
        let browser = try #require(Self.chromium)
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=800,2000", "--virtual-time-budget=10000"]

        let shot = try ChildProcess.run(browser, common + ["--enable-logging=stderr", "--v=0", "--screenshot=\(alone.file("shot.png"))",
                                                          "file://\(alone.file("report.html"))"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let failures = shot.stderr.split(separator: "\n").filter {
            $0.contains("Failed to load resource") || $0.contains("net::ERR_") || ($0.contains("CONSOLE") && $0.contains("rror"))
        }
        #expect(failures.isEmpty, "\(failures)")
        // Not blank: text, tables and the verdict box darken 23.5 % of the first 2000 px (measured on the
        // fixture world); a blank or unstyled-error page stays far below the floor of 5 %.
        let screenshot = try Raster.open(alone.file("shot.png"))
        let rgb = try screenshot.read(screenshot.fullWindow, bands: [1, 2, 3], as: UInt8.self)
        let pixels = screenshot.width * screenshot.height
        let coloured = (0..<pixels).filter { i in (0..<3).map { Int(rgb[$0 * pixels + i]) }.min()! < 200 }.count
        #expect(screenshot.width == 800 && Double(coloured) > 0.05 * Double(pixels), "\(coloured) of \(pixels) pixels are not near white")

        // The same page with a probe that writes what the browser measured into the DOM.
        // (Image events, not promises: --dump-dom does not wait for a promise such as decode().)
        let probe = """
            <script>window.addEventListener("load", () => {
              const hrefs = [...document.querySelectorAll("img")].map(i => i.src).concat([...document.querySelectorAll("image")].map(i => i.getAttribute("href")));
              const requests = performance.getEntriesByType("resource").filter(r => !r.name.startsWith("data:")).length;
              const p = document.createElement("pre"); p.id = "probe"; document.body.appendChild(p);
              let left = hrefs.length, broken = 0;
              const done = () => { if (--left === 0) p.textContent = `width=${document.documentElement.scrollWidth} body=${document.body.scrollWidth} images=${hrefs.length} broken=${broken} requests=${requests}`; };
              for (const href of hrefs) {
                const image = new Image();
                image.onload = () => { if (image.naturalWidth === 0) broken++; done(); };
                image.onerror = () => { broken++; done(); };
                image.src = href;
              }
            });</script>
            """
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(toFile: alone.file("probe.html"), atomically: true, encoding: .utf8)
        let dom = try ChildProcess.run(browser, common + ["--dump-dom", "file://\(alone.file("probe.html"))"])
        let line = try #require(dom.stdout.range(of: #"width=\d+ body=\d+ images=\d+ broken=\d+ requests=\d+"#, options: .regularExpression)
            .map { String(dom.stdout[$0]) }, "the probe did not run: \(dom.stderr.suffix(2000))")
        let measured = Dictionary(uniqueKeysWithValues: line.split(separator: " ").map { pair in
            let parts = pair.split(separator: "=")
            return (String(parts[0]), Int(parts[1])!)
        })
        #expect(measured["width"]! <= 800 && measured["body"]! <= 800, "the page overflows 800 px: \(line)")
        #expect(measured["images"]! >= 5 && measured["broken"] == 0 && measured["requests"] == 0, "\(line)")
    }

    /// The headline claims on the fixture world, as floors a broken method falls below but a
    /// regenerated world or another shuffle order does not. Measured with this test's configuration
    ///: truth R² 0.673, zone IoU 0.351 (0.288 before run smoothed and sieved its areas), every zone
    /// hit by the top 3 areas;
    /// CNN test R² 0.733 (measured) and 0.653 (kriged) with the random split, 0.721 and 0.660 with
    /// spatial blocks. Floors: R² ≥ 0.5 (~0.75 × measured), IoU ≥ 0.21 (~0.6 × measured), and the
    /// CNN beats the mean predictor (test R² > 0) under every scheme against both references.
    static func expectTheMethodWorks(report path: String) throws {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let truth = try #require(report["truth"] as? [String: Any], "report.json has no truth check")
        let truthR2 = try #require((truth["map"] as? [String: Any])?["r2"] as? Double, "no truth.map.r2")
        let zoneIoU = try #require((truth["zones"] as? [String: Any])?["iou"] as? Double, "no truth.zones.iou")
        #expect(truthR2 >= 0.5, "R² of the content map against the true content: \(truthR2)")
        #expect(zoneIoU >= 0.21, "IoU of the anomaly areas with the true zones: \(zoneIoU)")
        #expect(truth["hitsAllZones"] as? Bool == true, "the top-ranked areas miss a true zone: \(truth["zones"] ?? "")")

        let validations = try #require(report["validations"] as? [[String: Any]], "no validations")
        let cnn = validations.filter { ($0["method"] as? String)?.hasPrefix("CNN") == true }
        let schemes = Set(cnn.compactMap { $0["scheme"] as? String })
        #expect(schemes.contains { $0.hasPrefix("random split") } && schemes.contains { $0.hasPrefix("spatial blocks") },
                "the CNN is validated under both schemes: \(schemes)")
        for validation in cnn {
            let test = try #require(validation["test"] as? [String: Any])
            for reference in ["measured", "kriged"] {
                let r2 = try #require((test[reference] as? [String: Any])?["r2"] as? Double, "no test.\(reference).r2")
                #expect(r2 > 0, "CNN, \(validation["scheme"] ?? ""): test R² against \(reference) contents \(r2) is no better than their mean")
            }
        }
    }

    @Test func runRejectsABadConfiguration() throws {
        let dir = try TemporaryDirectory()
        try "model: {iterations: many}\n".write(toFile: dir.file("bad.yml"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", dir.file("bad.yml"), "--out", dir.file("out")])
        #expect(result.status == 1 && result.stderr.contains("bad.yml") && result.stderr.contains("iterations"), "\(result.stderr)")
    }
}

@Suite("regolith bench")
struct BenchCommandTests {
    @Test func benchReportsEveryThreadCountAsTableAndJSON() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["bench", "--width", "300", "--height", "260", "--threads", "1,2", "--inference-pixels", "20000",
                                                "--work", dir.file("work"), "--json", dir.file("bench.json"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("end to end Mpixel/s") && result.stdout.contains("inference only Mpixel/s"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("bench.json")))) as! [String: Any]
        let rows = report["rows"] as! [[String: Any]]
        #expect(rows.map { $0["threads"] as! Int } == [1, 2])
        for row in rows {
            #expect((row["endToEndMpixelPerSecond"] as! Double) > 0 && (row["inferenceMpixelPerSecond"] as! Double) > 0)
            #expect((row["peakResidentMiB"] as! Double) > 10)
        }
        #expect(report["pixels"] as? Int == 300 * 260)
    }
}
