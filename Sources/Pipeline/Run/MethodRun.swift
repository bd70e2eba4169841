import Foundation
import Geostatistics
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// The whole method on one scene (`regolith run`): the steps in order, each timed, values passed
/// from one to the next, and the numbers gathered into a `RunReport` (`report.json` and
/// `report.html` in the output folder).
public struct MethodRun: Sendable {
    public var loaded: LoadedConfiguration
    /// Names the software in the report, e.g. "regolith 0.1.0, GDAL 3.6.2".
    public var software: String
    /// Progress lines (the step being run).
    public var log: @Sendable (String) -> Void
    /// Discard the partial rasters an interrupted run left in the folder instead of resuming them.
    public var restart = false
    /// A region run's second stage (`--stage region`): the mosaic reads the product views the first
    /// stage wrote (`ProductView`), refusing a missing or stale one instead of making it.
    public var readsProductViews = false
    /// Seconds every tile is slowed down by, so a test can cancel a task mid-way.
    public var tileDelay: Double = 0

    public init(_ loaded: LoadedConfiguration, software: String, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.loaded = loaded
        self.software = software
        self.log = log
    }

    var configuration: RunConfiguration { loaded.configuration }

    /// The engine options the configuration asks for (checked when it was loaded).
    var engine: EngineOptions {
        var options = EngineOptions()
        if let memory = configuration.memory, let bytes = ByteSize.parse(memory) { options.memoryBudget = bytes }
        if let threads = configuration.threads { options.threads = threads }
        options.compression = configuration.compress
        options.restart = restart
        options.tileDelay = tileDelay
        // A rerun picks up after the last raster finished from the same inputs (the Slurm region job resubmitted).
        options.keepsFinishedOutputs = true
        return options
    }

    public func run() throws -> RunReport {
        let c = configuration
        guard let samples = loaded.resolve(c.samples) else { throw ConfigurationError(key: "samples", "missing") }
        // A DEM path in the configuration file is relative to it, like the other inputs.
        let orthorectification = resolvedOrthorectification
        // A region's products (`scenes:`) are mosaicked first, and the method maps the mosaic as one
        // reflectance scene; their catalogue and the mosaic's plan are checked before anything is written.
        let region = try c.scenes.map { try regionInput($0, orthorectification: orthorectification ?? OrthorectificationSettings()) }
        let scene = region == nil ? loaded.resolve(c.scene) : nil
        if region == nil && scene == nil { throw ConfigurationError(key: "scene", "missing") }
        // Samples, kriging and anomaly areas need map coordinates: a scene in sensor geometry without
        // orthorectification (or one that cannot be orthorectified) is refused before anything is
        // written, not after its calibration.
        // The views built for the check are the ones the orthorectification step writes from.
        let image = try scene.map(GF2Product.sceneImage)
        var panchromatic: [String] = []
        var sensorGeometry: SceneOrthorectification?
        if let scene, let image {
            if c.pansharpen {
                do {
                    let fused = try ProductPansharpening(scene: scene, orthorectification: orthorectification ?? OrthorectificationSettings())
                    panchromatic = fused.product.pan.map { [$0.raster] } ?? []
                    sensorGeometry = SceneOrthorectification(fused)
                } catch let error as InversionError {
                    throw ConfigurationError(key: "pansharpen", error.description)
                }
            } else if let orthorectification {
                sensorGeometry = SceneOrthorectification(try orthorectification.orthorectification(of: image.raster))
            } else if try Raster.open(image.raster).geoTransform == nil {
                throw RasterError.needsMapCoordinates(image.raster, for: "regolith run (samples, kriging, anomaly areas)")
            }
        }
        let samplesCRS = try checkInputsAndOutputs(samples: samples, scene: scene, region: region, orthorectification: orthorectification,
                                                   panchromatic: panchromatic)
        let folder = RunFolder(path: c.out)
        let covariates = c.covariates.resolvingPaths { loaded.resolve($0) ?? $0 }
        try folder.create()
        // One run owns the folder; the engine's own locks cover each raster, this the rest.
        let lock = try OutputLock(lockFile: folder.file(".regolith-run.lock"), owner: c.out)
        defer { lock.release() }
        let subject = scene.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "a region of \(region?.catalogue.entries.count ?? 0) products"
        var report = RunReport(title: "Regolith run: \(subject)", software: software,
                               started: ISO8601DateFormatter().string(from: Date()), configuration: loaded.text)
        report.inputs = ["samples": samples, "output folder": c.out]
        if let scene { report.inputs["scene"] = scene }
        if let region { report.inputs["scenes"] = "\(region.catalogue.entries.count) products: " + region.catalogue.entries.map(\.name).joined(separator: ", ") }
        if let truth = loaded.resolve(c.truth.content) { report.inputs["true content"] = truth }
        for covariate in covariates.covariates { report.inputs["covariate \(covariate.name)"] = covariate.description }
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            log(name)
            let start = Date()
            let value = try body()
            report.steps.append(.init(name: name, seconds: Date().timeIntervalSince(start)))
            return value
        }

        // What every step reads: the scene's image (a product's MSS image) as it is, or, in sensor
        // geometry, orthorectified (and pan-sharpened) once into the folder, DNs kept as DNs.
        var pixels = image?.raster ?? folder.file(.mosaic)
        var orthorectified: SceneOrthorectification.Summary?
        if let sensorGeometry {
            orthorectified = try timed(c.pansharpen ? "orthorectify and pan-sharpen" : "orthorectify") {
                try sensorGeometry.run(out: folder.file(.orthorectifiedScene), engine: engine)
            }
            pixels = folder.file(.orthorectifiedScene)
        }
        if let region {
            let summary = try timed("mosaic \(region.catalogue.entries.count) products") {
                try region.mosaic.run(out: folder.file(.mosaic), sourceOut: folder.file(.mosaicSource), plan: region.plan, engine: engine)
            }
            report.region = RunReport.Region(catalogue: region.catalogue, summary: summary)
        }
        let metadata = loaded.resolve(c.xml) ?? image?.metadata
        // DNs are calibrated as they are read, reflectance made elsewhere scaled as it is read: no
        // reflectance scene is written, and every step sees the values `calibrate` would have written.
        // A region's mosaic holds each product's TOA reflectance already, read as it is stored.
        var input = c.input == .reflectance ? SceneInput(kind: .reflectance, scale: c.scale)
                  : region != nil ? SceneInput() : SceneInput(kind: .dn, metadata: metadata, dos: c.dos)
        let affine: BandAffine?
        if c.input == .reflectance {
            affine = try input.storedToReflectance(scene: pixels, threads: engine.threads)
        } else if region != nil {
            affine = nil
        } else {
            let (toa, haze) = try timed("calibrate") {
                try SceneCalibration(scene: pixels, metadata: metadata, darkObjectSubtraction: c.dos).calibration(threads: engine.threads)
            }
            report.calibration = SceneCalibration.summary(toa, haze)
            report.calibration?.orthorectification = orthorectified.map { "\($0.method); \($0.width) × \($0.height) pixels in \(RunFolder.Entry.orthorectifiedScene.rawValue)" }
            affine = BandAffine(calibration: toa, haze: haze?.haze)
            input.calibration = affine
        }
        let sampleSet = try timed("samples") {
            var construction = SampleSetConstruction(scene: pixels, samples: samples, column: c.column, samplesCRS: samplesCRS, kriging: c.kriging,
                                                     format: c.samplesFormat)
            construction.unit = c.unit
            construction.affine = affine
            construction.covariates = covariates
            return try construction.run()
        }
        report.samples = sampleSet.summary
        try sampleSet.sampleSet.write(to: folder.file(.sampleSet))
        report.screening = try timed("correlate") { try BandScreening.screen(sampleSet.sampleSet) }

        var settings = ModelTraining.Settings()
        (settings.arch, settings.patchSize, settings.scene, settings.sceneAffine) = (c.model.arch, c.model.patchSize, pixels, affine)
        (settings.iterations, settings.learningRate, settings.seed) = (c.model.iterations, c.model.learningRate, c.model.seed)
        (settings.trainFraction, settings.folds, settings.blockSize) = (c.validation.trainFraction, c.validation.folds, c.validation.blockSize)
        settings.kriging = c.kriging
        if !covariates.isEmpty {
            settings.features = try covariates.featureStack(sceneBands: sampleSet.sampleSet.bandNames.prefix { $0.first == "b" && Int($0.dropFirst()) != nil }.compactMap { Int($0.dropFirst()) })
        }
        settings.radiometry = region != nil ? InputRadiometry(kind: .toaReflectance, dos: c.dos) : input.radiometry(darkObjectSubtraction: c.dos)
        if region != nil && c.modelScope == .product {
            settings.productScope = ProductScope(products: try Self.sampleProducts(sampleSet.sampleSet, source: folder.file(.mosaicSource)),
                                                 minimumSamples: c.minProductSamples)
        }
        let value = TargetDescriptor(name: c.column, unit: c.unit)
        settings.target = value
        report.value = value.label
        let trained = try timed(c.model.arch == .auto ? "train and select (MLR, PLSR, XGBoost with and without spatial context, paper and patch CNN by spatial validation)"
                                                      : "train (CNN, MLR, PLSR, XGBoost; random and spatial validation)") {
            try ModelTraining(settings).run(set: sampleSet.sampleSet, source: folder.file(.sampleSet), log: log)
        }
        try ModelTraining.saveWinner(trained, to: folder.file(.model))
        try ModelTraining.saveProductModels(trained, names: Dictionary(uniqueKeysWithValues: (region?.catalogue.entries ?? []).enumerated().map { ($0 + 1, $1.name) }),
                                            to: folder.file(.productModels))
        report.validations = trained.comparison.validations
        report.modelSummaries = trained.comparison.summaries
        report.mapMethod = trained.arch.regressionMethod ?? trained.comparison.validations.first?.method
        report.selection = trained.selection
        report.figures = trained.comparison.validations.map { scatterFigure($0, value: value) }
        if let scope = trained.productModels {
            report.region?.describe(scope)
            report.figures.append(scatterFigure(scope.validation, value: value))
        }

        let content = folder.file(.content)
        let kernel: ContentMapKernel
        let inverted: SceneRunResult
        // The model may read more than the scene's bands: the covariates, or a spatial context that `arch: auto` chose.
        // (`arch: auto` may choose a model of the scene bands alone, which needs none of the covariates.)
        let (mapKernel, stackedCovariates) = try ContentMapping.mapKernel(modelFolder: folder.file(.model), scenes: [pixels],
                                                                          covariates: trained.features == nil ? CovariateSettings() : covariates,
                                                                          mcDropout: c.model.mcDropout, seed: c.model.seed, input: input, threads: engine.threads)
        let regionMapping = (mapKernel as? FeatureStackKernel)?.mapping ?? (mapKernel as? ContentMapKernel)
        guard let regionMapping else { throw InversionError("\(folder.file(.model)): no map kernel for a \(type(of: mapKernel))") }
        kernel = regionMapping
        let productKernels = try productModelKernels(trained, folder: folder, region: region, scene: pixels,
                                                     covariates: trained.features == nil ? CovariateSettings() : covariates, input: input)
        if !productKernels.isEmpty {
            // The mosaic's source band after the bands the models read: it picks each pixel's model.
            let stacked = RasterSource.file(pixels).stacking(stackedCovariates)
            let scoped = try ProductScopedMapKernel(region: mapKernel, products: productKernels, sourceBand: try stacked.open().bandCount + 1)
            inverted = try timed("invert (each product's own model, the region's elsewhere)") {
                try TilePipeline.run(scoped, source: stacked.stacking(bandsOf: [folder.file(.mosaicSource)]), outputs: [content], options: engine)
            }
        } else if let stacked = mapKernel as? FeatureStackKernel {
            inverted = try timed("invert") {
                try TilePipeline.run(stacked, source: RasterSource.file(pixels).stacking(stackedCovariates), outputs: [content], options: engine)
            }
        } else {
            inverted = try timed("invert") { try TilePipeline.run(regionMapping, input: pixels, output: content, options: engine) }
        }
        report.inversion = .init(tiles: inverted.tiles, megapixelsPerSecond: inverted.megapixelsPerSecond, domain: kernel.domain?.description)
        // The pixels predicted outside the training targets' range, flagged beside the map and counted
        // from the flags (which also gives the map's valid pixels).
        let trainingTargets = trained.comparison.trainingRows.map { sampleSet.sampleSet.rows[$0].kriged }
        let (lowest, highest) = (trainingTargets.min() ?? .nan, trainingTargets.max() ?? .nan)
        let rangeFlags = folder.file(.contentRange)
        _ = try timed("flag predictions outside the training range") {
            try TilePipeline.run(TargetRangeKernel(lower: lowest, upper: highest, value: value.label), input: content, output: rangeFlags, options: engine)
        }
        // The map's calibrated interval, from the held-out residuals of the model that made it.
        var interval: ConformalInterval?
        if let validation = trained.mapValidation {
            let calibrated = try ConformalInterval(measured: validation.testMeasured, predicted: validation.testPredicted, level: c.interval,
                                                   weighting: c.intervalWeighting)
            _ = try timed("prediction interval") {
                try TilePipeline.run(ContentIntervalKernel(interval: calibrated, value: value.label, unit: value.unit), input: content,
                                     output: folder.file(.contentInterval), options: engine)
            }
            report.interval = .init(calibrated, method: validation.method, file: RunFolder.Entry.contentInterval.rawValue)
            interval = calibrated
        }
        let rangeCheck = try TargetRangeCheck.count(flags: rangeFlags, lower: lowest, upper: highest)
        report.inversion?.outsideTargetRange = rangeCheck
        if kernel.domain != nil {
            report.inversion?.outsideDomainFraction = 1 - Double(rangeCheck.validPixels) / Double(max(1, inverted.outputPixels))
        }

        // The geochemical map: the sample set's kriging (same samples, same variogram) on the scene's grid.
        let geochem = folder.file(.geochemicalMap), geochemVariance = folder.file(.geochemicalVariance)
        try timed("krige geochemical map") {
            let raster = try Raster.open(pixels)
            // The sample set's samples and variogram; the map's own neighbourhood (global by default: no seams).
            let targets = sampleSet.built.kriging
            let mapKriging = try OrdinaryKriging(samples: targets.samples, model: targets.model,
                                                 neighbourhood: c.mapNearestSamples.map { .nearest($0) } ?? .global, support: targets.support)
            let krigingKernel = KrigingKernel(kriging: mapKriging, geoTransform: raster.geoTransform!, withVariance: true, value: value,
                                              mask: c.support, samplesSource: samples)
            _ = try TilePipeline.run(krigingKernel, input: pixels, outputs: [geochem, geochemVariance], options: engine)
            report.support = .init(mask: c.support?.summary(sampleSet.built.kriging), supportedPixels: try StatisticsPass.run(path: geochem, bands: [1])[0].count,
                                   scenePixels: raster.width * raster.height)
        }
        var masks = AnomalyDelineation.Masks(scene: (c.anomalies.maskVegetation ?? c.anomalies.maskWater) != nil ? pixels : nil,
                                             vegetationNDVI: c.anomalies.maskVegetation, waterNDWI: c.anomalies.maskWater)
        masks.affine = affine
        if masks.isActive { report.masks = .init(vegetationNDVI: masks.vegetationNDVI, waterNDWI: masks.waterNDWI) }
        report.comparison = try timed("compare") { try MapComparison.compare(map: content, reference: geochem, mask: masks) }

        let labels = folder.file(.anomalyRanks)
        let limit: AnomalySearch.Limit = c.anomalies.threshold.map { .threshold($0) } ?? .percentile(c.anomalies.percentile)
        var search = AnomalySearch(limit: limit, masks: masks, minimumArea: c.anomalies.minArea)
        (search.minimumHoleArea, search.smoothing, search.simplify) = (c.anomalies.minHole, c.anomalies.smooth, c.anomalies.simplify)
        search.smoothingStatistic = c.anomalies.smoothStatistic
        search.engine = engine
        search.interval = interval
        let kriged = sampleSet.built.kriging
        // The same distance the geochemical map's support mask uses, so `within_support` agrees with it.
        search.support = SampleSupport(samples: zip(kriged.samples.x, kriged.samples.y).map { VectorGeometry.Point(x: $0, y: $1) },
                                       range: c.support?.distanceLimit(kriged.model) ?? kriged.model.practicalRange)
        let anomalies = try timed("anomalies") {
            try search.run(map: content, out: folder.file(.anomalyAreas), labels: labels)
        }
        report.anomalyThreshold = anomalies.threshold
        // Delineated on the region's map, an area straddling two products is one area; its pixels' products from the source band.
        try report.region?.attribute(labels: labels, source: folder.file(.mosaicSource))
        report.anomalies = anomalies.areas
        let map = try Raster.open(content)
        report.mapCRS = map.spatialReference?.name
        report.anomalyLocations = Self.locate(anomalies.areas)
        report.sampleLocations = sampleSet.sampleSet.rows.map { RunReport.MapPoint(x: $0.x, y: $0.y) }
        if let region, var described = report.region {
            let samples = report.sampleLocations
            try timed("products' figures and footprint map") {
                try described.describeProducts(plan: region.plan, source: folder.file(.mosaicSource), content: content, samples: samples)
            }
            report.region = described
        }

        if let truthContent = loaded.resolve(c.truth.content), let zones = loaded.resolve(c.truth.zones) {
            report.truth = try timed("score against the truth") {
                try TruthScore(content: truthContent, zones: zones).score(map: content, labels: labels, masks: masks, support: geochem,
                                                                         interval: interval.map { _ in folder.file(.contentInterval) }, threshold: anomalies.threshold)
            }
        }
        try timed("render") {
            let maps = try QuickLooks(folder: folder, value: kernel.model.target, truth: loaded.resolve(c.truth.content),
                                      contentHasDeviation: c.model.mcDropout > 0)
                .render(content: content, geochemicalMap: geochem, variance: geochemVariance, labels: labels,
                        intervalWidth: interval?.weighting == .content ? folder.file(.contentInterval) : nil)
            let plots = report.samples.map { samples in
                [RunReport.Figure(title: "Semivariogram", svg: VariogramPlot(title: "Semivariogram of \(c.column)").svg(bins: samples.experimentalVariogram, model: samples.variogram.model),
                                  caption: "Experimental semivariances of the samples (gstat's defaults; dot size: pairs) and the fitted model the sample set and the geochemical map are kriged with."),
                 RunReport.Figure(title: "Sample contents", svg: HistogramPlot(title: "Histogram of \(c.column)", xLabel: "measured \(value.label)").svg(values: samples.measured),
                                  caption: "Measured contents of the sample set's samples.")]
            } ?? []
            report.figures.insert(contentsOf: maps + plots, at: 0)
        }
        if c.cog {
            try timed("cloud-optimise the rasters (overviews)") { try cloudOptimise(folder) }
        }
        report.outputs = folder.outputs
        try AtomicTextFile.writeJSON(report, to: folder.file(.reportData))
        try AtomicTextFile.write(report.html(embeddingFrom: folder.path), to: folder.file(.reportPage))
        return report
    }

    /// What every run checks before writing anything: the samples' CRS, and that no output (the
    /// folder, its entries, `extraOutputs`) is one of the run's inputs. Returns the samples' CRS.
    func checkInputsAndOutputs(samples: String, scene: String?, region: RegionInput?, orthorectification: OrthorectificationSettings?,
                               panchromatic: [String], extraOutputs: [(path: String, kind: OutputPaths.Kind)] = []) throws -> SpatialReference {
        let c = configuration
        let samplesCRS: SpatialReference
        do { samplesCRS = try SpatialReference(c.samplesCrs) } catch {
            throw ConfigurationError(key: "samples_crs", "'\(c.samplesCrs)' is not a CRS GDAL knows")
        }
        let folder = RunFolder(path: c.out)
        let covariates = c.covariates.resolvingPaths { loaded.resolve($0) ?? $0 }
        let inputs = covariates.covariates.map(\.path) + (scene.map { [$0] } ?? []) + (region?.inputs ?? []) + [samples] + [c.xml, c.truth.content, c.truth.zones].compactMap { loaded.resolve($0) } + (loaded.file.map { [$0] } ?? [])
            + (orthorectification?.inputs ?? []) + panchromatic
        let views = region.map { productViews($0.plan).map { ($0.path, OutputPaths.Kind.file) } } ?? []
        try OutputPaths.check(outputs: [(c.out, .folder)] + RunFolder.Entry.allCases.map { (folder.file($0), [.model, .productModels].contains($0) ? .folder : .file) } + views + extraOutputs,
                              inputs: inputs)
        return samplesCRS
    }

    /// Each area's place: its polygon's centroid in the map CRS and in WGS 84 longitude/latitude
    /// (the polygons give every area one).
    static func locate(_ areas: [AnomalyDelineation.Area]) -> [RunReport.AreaLocation] {
        areas.compactMap { area in
            guard let x = area.centroidX, let y = area.centroidY else { return nil }
            return RunReport.AreaLocation(rank: area.rank, x: x, y: y, longitude: area.longitude, latitude: area.latitude)
        }
    }

    /// Rewrites each raster output as a COG in place: same pixels, bands and labels, plus overviews
    /// (averaged for values, nearest for ranks, so no rank is invented).
    private func cloudOptimise(_ folder: RunFolder) throws {
        let rasters: [(RunFolder.Entry, String)] = [(.content, "AVERAGE"), (.contentInterval, "AVERAGE"), (.contentRange, "NEAREST"), (.geochemicalMap, "AVERAGE"),
                                                    (.geochemicalVariance, "AVERAGE"), (.anomalyRanks, "NEAREST")]
        for (entry, resampling) in rasters {
            var options = COGOptions()
            (options.compression, options.overviewResampling, options.threads) = (engine.compression, resampling, engine.threads)
            try RasterCopies.writeCOG(from: folder.file(entry), to: folder.file(entry), options: options)
        }
    }

    private func scatterFigure(_ v: ValidationResult, value: TargetDescriptor) -> RunReport.Figure {
        let plot = ScatterPlot(title: "\(v.method), \(v.scheme)", xLabel: "measured \(value.label)", yLabel: "predicted \(value.label)")
        return RunReport.Figure(title: "\(v.method) — \(v.scheme), test part", svg: plot.svg(observed: v.testMeasured, predicted: v.testPredicted),
                                caption: "Predicted against measured content at the test samples (the paper's Figure 9); dashed: 1 : 1.")
    }
}
