import ArgumentParser
import Foundation
import Geostatistics
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// One `regolith run`: the steps in order, each timed, their results gathered into the report.
struct PipelineRun {
    let configuration: RunConfiguration
    let configurationText: String
    let base: String
    let quiet: Bool

    private func resolve(_ path: String?) -> String? {
        guard let path else { return nil }
        return path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }

    private func log(_ message: String) {
        if !quiet { FileHandle.standardError.write(Data("regolith run: \(message)\n".utf8)) }
    }

    func run() throws {
        let c = configuration
        guard let scene = resolve(c.scene), let samples = resolve(c.samples) else {
            throw CommandFailure(message: "the configuration needs `scene` and `samples`")
        }
        let out = c.out
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(message: "\(out): cannot create the output folder (\(error.localizedDescription))")
        }
        func file(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
        var arguments: [String] = []
        if let memory = c.memory { arguments += ["--memory", memory] }
        if let threads = c.threads { arguments += ["--threads", "\(threads)"] }
        let engine = try EngineCommandOptions.parse(arguments)
        try engine.refuseSharding("run")
        let sourceCRS: SpatialReference
        do { sourceCRS = try SpatialReference(c.samplesCrs) } catch {
            throw CommandFailure(message: "samples_crs '\(c.samplesCrs)' is not a CRS GDAL knows")
        }

        var report = RunReport(title: "Regolith run: \(URL(fileURLWithPath: scene).lastPathComponent)",
                               software: "regolith \(Regolith.version), GDAL \(GDAL.version)",
                               started: ISO8601DateFormatter().string(from: Date()), configuration: configurationText)
        report.inputs = ["scene": scene, "samples": samples, "output folder": out]
        if let truth = resolve(c.truth.content) { report.inputs["true content"] = truth }
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            log(name)
            let start = Date()
            let value = try body()
            report.steps.append(.init(name: name, seconds: Date().timeIntervalSince(start)))
            return value
        }

        // 1. Calibration.
        let reflectance = file("reflectance.tif")
        report.calibration = try timed("calibrate") {
            try Calibration.run(scene: scene, xml: resolve(c.xml), out: reflectance, dos: c.dos, engine: engine, quiet: true)
        }
        // 2. Sample set.
        let sampleSetPath = file("sampleset.csv")
        let sampleStep = try timed("samples") { try SampleSetStep.run(scene: reflectance, samples: samples, out: sampleSetPath, settings: c.kriging,
                                                                                 column: c.column, sourceCRS: sourceCRS) }
        report.sampleSummary = sampleStep.summary
        report.variogram = "kriged targets: \(sampleStep.result.fit.model.summary)"
        report.droppedSamples = sampleStep.dropped.map { "\($0.id) (line \($0.line)): \($0.reason)" }
        let set = sampleStep.result.sampleSet
        // 3. Band screening.
        report.screening = try timed("correlate") { try BandScreening.screen(CSVTable(path: sampleSetPath), target: c.column) }
        // 4. Models.
        guard let arch = NetworkPreset(rawValue: c.model.arch) else {
            throw CommandFailure(message: "model.arch '\(c.model.arch)' is not paper or patch")
        }
        let training = TrainingStep(arch: arch, patchSize: 5, scene: reflectance, iterations: c.model.iterations,
                                    learningRate: c.model.learningRate, seed: c.model.seed, trainFraction: c.validation.trainFraction,
                                    folds: c.validation.folds, blockSize: c.validation.blockSize, kriging: c.kriging)
        let trained = try timed("train (CNN, MLR, PLSR; random and spatial validation)") { try training.run(set: set, source: sampleSetPath, quiet: true) }
        let modelFolder = file("model")
        try training.save(trained, to: modelFolder)
        report.validations = trained.comparison.validations
        report.modelSummaries = trained.comparison.summaries
        for v in trained.comparison.validations {
            let plot = ScatterPlot(title: "\(v.method), \(v.scheme)", xLabel: "measured \(c.column)", yLabel: "predicted \(c.column)")
            report.figures.append(.init(title: "\(v.method) — \(v.scheme), test part", svg: plot.svg(observed: v.testMeasured, predicted: v.testPredicted),
                                        caption: "Predicted against measured content at the test samples (the paper's Figure 9); dashed: 1 : 1."))
        }
        // 5. Inversion.
        let content = file("content.tif")
        let kernel = try InversionStep.kernel(modelFolder: modelFolder, scenes: [reflectance], mcDropout: c.model.mcDropout, seed: c.model.seed)
        let inverted = try timed("invert") {
            try TilePipeline.run(kernel, input: reflectance, output: content, options: engine.engineOptions)
        }
        report.notes.append(String(format: "invert: %d tiles, %.1f Mpixel/s", inverted.tiles, Double(inverted.pixels) / max(inverted.seconds, 1e-9) / 1e6))
        if let domain = kernel.domain {
            let valid = try StatisticsPass.run(path: content, bands: [1])[0].count
            report.notes.append(String(format: "Applicability domain (%@): %.1f %% of the scene's pixels lie outside and are nodata in the map.",
                                       domain.description, 100 * (1 - Double(valid) / Double(max(1, inverted.pixels)))))
        }
        // 6. Geochemical map on the same grid, and the comparison.
        let geochem = file("geochem.tif")
        try timed("krige geochemical map") {
            let raster = try Raster.open(reflectance)
            let table = try GeochemicalSamples(path: samples, valueColumn: c.column, sourceCRS: sourceCRS, targetCRS: raster.spatialReference)
            let points = try table.spatialSamples(mergeDuplicates: true)
            let (ordinaryKriging, fit, _) = try c.kriging.kriging(points)
            report.variogram += "\ngeochemical map: \(fit.model.summary)"
            let krigingKernel = KrigingKernel(kriging: ordinaryKriging, geoTransform: raster.geoTransform!, withVariance: false, valueName: c.column)
            _ = try TilePipeline.run(krigingKernel, input: reflectance, output: geochem, options: engine.engineOptions)
        }
        let masks = AnomalyDelineation.Masks(scene: (c.anomalies.maskVegetation ?? c.anomalies.maskWater) != nil ? reflectance : nil,
                                             vegetationNDVI: c.anomalies.maskVegetation, waterNDWI: c.anomalies.maskWater)
        if masks.isActive {
            report.notes.append("Comparisons and anomaly areas leave out pixels outside \(masks.summary): the samples lie on bare ground, and the model does not apply to vegetation or water.")
        }
        report.comparison = try timed("compare") { try MapComparison.compare(map: content, reference: geochem, mask: masks) }
        // 7. Anomalies.
        let areas = file("anomalies.gpkg"), labels = file("anomaly-ranks.tif")
        let anomalies = try timed("anomalies") {
            try AnomalyStep.run(map: content, threshold: c.anomalies.threshold, percentile: c.anomalies.threshold == nil ? c.anomalies.percentile : nil,
                                masks: masks,
                                minArea: c.anomalies.minArea, out: areas, labels: labels)
        }
        report.anomalyThreshold = anomalies.threshold
        report.anomalies = anomalies.areas
        // 8. Against the truth, when known.
        if let truthContent = resolve(c.truth.content), let zones = resolve(c.truth.zones) {
            report.truth = try timed("score against the truth") {
                let map = try MapComparison.compare(map: content, reference: truthContent, mask: masks)
                let agreement = try ZoneAgreement.measure(labels: labels, zones: zones)
                let top = 3
                let hits = agreement.ranksByZone.values.allSatisfy { ($0.first ?? .max) <= top }
                let zoneCount = try Self.zoneCount(zones)
                return RunReport.TruthCheck(map: map, zones: agreement, topRanks: top,
                                            hitsAllZones: hits && agreement.ranksByZone.count == zoneCount)
            }
        }
        // 9. Quick-looks.
        try timed("render") {
            let unit = kernel.engine.model.target.unit
            var maps: [(name: String, path: String, title: String, caption: String)] = [
                ("content.png", content, "Inverted content", "CNN prediction for every pixel (\(c.column), \(unit)); white: nodata, outside the model's applicability domain."),
                ("geochem.png", geochem, "Kriged geochemical map", "Ordinary kriging of the sample contents on the same grid."),
            ]
            if let truthContent = resolve(c.truth.content) {
                maps.append(("truth.png", truthContent, "True content (synthetic world)", "What the map should show."))
            }
            for map in maps { try QuickLook(unit: unit).render(map: map.path, to: file(map.name)) }
            try QuickLook(unit: unit).render(map: content, outlines: labels, to: file("anomalies.png"))
            maps.insert(("anomalies.png", content, "Anomaly areas", "The delineated areas (red outlines) over the inverted content; ranks in the table below."), at: 1)
            // Maps first, then the scatter plots.
            report.figures.insert(contentsOf: maps.map { RunReport.Figure(title: $0.title, file: $0.name, caption: $0.caption) }, at: 0)
        }
        report.outputs = ["reflectance": "reflectance.tif", "sample set": "sampleset.csv", "model": "model/model.json",
                          "content map": "content.tif", "geochemical map": "geochem.tif", "anomaly areas": "anomalies.gpkg",
                          "anomaly ranks": "anomaly-ranks.tif", "report data": "report.json"]
        try AtomicTextFile.writeJSON(report, to: file("report.json"))
        try AtomicTextFile.write(report.html, to: file("report.html"))
        print(summary(report, folder: out))
    }

    static func zoneCount(_ path: String) throws -> Int {
        let histogram = try StatisticsPass.histograms(paths: [path], bands: [1], bins: 256)[0]
        return Int(histogram.statistics.maximum.rounded())
    }

    private func summary(_ report: RunReport, folder: String) -> String {
        var lines = ["report       \((folder as NSString).appendingPathComponent("report.html"))"]
        if let cnn = report.validations.first {
            lines.append(String(format: "CNN          test R² %.3f (random split), %.3f (spatial blocks) against measured contents",
                                cnn.test.measured.r2, report.validations.first { $0.method == cnn.method && $0.scheme.hasPrefix("spatial") }?.test.measured.r2 ?? .nan))
        }
        if let comparison = report.comparison {
            lines.append(String(format: "map vs krige Pearson r %.3f, high-area IoU %.3f", comparison.pearson, comparison.highIoU))
        }
        if let truth = report.truth {
            lines.append(String(format: "vs truth     R² %.3f, RMSE %.3f; anomaly areas vs true zones IoU %.3f; top %d areas %@",
                                truth.map.r2, truth.map.rmse, truth.zones.iou, truth.topRanks, truth.hitsAllZones ? "hit every zone" : "miss a zone"))
        }
        lines.append(String(format: "anomalies    %d area(s) above %.3f", report.anomalies.count, report.anomalyThreshold))
        lines.append(String(format: "time         %.1f s", report.steps.map(\.seconds).reduce(0, +)))
        return lines.joined(separator: "\n")
    }
}
