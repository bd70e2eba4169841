import Foundation
import Inversion
import NeuralNet
import RasterIO

/// The models (`train`, and step 4 of `run`): the CNN against MLR, PLS and XGBoost under the random
/// split and spatial-block cross-validation, the map's model (`arch`), and its applicability domain.
/// With `arch: auto`, every candidate is scored by spatial validation and the best makes the map.
public struct ModelTraining: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The model the map is made with; the CNN compared with the others is `arch`'s preset, else the paper's.
        public var arch: ModelArchitecture = .paper
        public var patchSize = 5
        /// The reflectance scene the sample set came from: the patch network reads its windows.
        public var scene: String?
        public var iterations = 5000
        public var learningRate = 0.001
        public var seed: UInt64 = 1
        public var trainFraction = 2.0 / 3.0
        public var folds = 5
        /// nil: the variogram's practical range.
        public var blockSize: Double?
        public var kriging = KrigingSettings()
        /// What the model predicts: the sample set's target column and its unit, recorded in the model.
        public var target = TargetDescriptor(name: "re2o3")
        /// `scene`'s stored values → reflectance, per band (`SceneInput.storedToReflectance`); nil: as stored.
        public var sceneAffine: BandAffine?
        /// The radiometry of the sample set's band values, recorded in the model (nil: not known).
        public var radiometry: InputRadiometry?
        /// The features the sample set's columns hold besides scene bands (covariates, terrain,
        /// indices), recorded in the model; nil: scene bands `b<N>` only.
        public var features: FeatureStack?
        /// `arch: auto`: the CNN candidates' iterations by early stopping (`iterations` at most).
        public var earlyStopping = CNNRegression.InnerEarlyStopping()
        /// `arch: auto` with the scene: MLR, PLSR and XGBoost are also scored reading each band's
        /// mean over a window about this many metres across around the pixel besides its own values
        /// (`FeatureStack.focalMeans`: 9 × 9 pixels at 4 m, 37 × 37 at 1 m); nil: no spatial-context candidates.
        public var contextMetres: Double? = 36
        /// `model_scope: product`: each product's samples (by the mosaic's source) and the fewest
        /// that get a product its own model (`withProductModels`); nil: the region's model alone.
        public var productScope: ProductScope?
        public init() {}
    }

    /// What `arch: auto` chose: every candidate's figures, the winner, and the model the map is
    /// made with (the winner: `mappedCandidate`).
    public struct Selection: Sendable, Codable, Equatable {
        public var scores: [ModelSelection.Score]
        public var winner: String
        public var mapModel: String
        /// The spatial blocks' scheme the scores come from.
        public var scheme: String
        /// The map model's final fit on every sample (iterations kept, coefficients).
        public var mapModelSummary: String
        /// Seconds of the map model's final fit on every sample.
        public var finalFitSeconds: Double
    }

    public var settings: Settings

    public init(_ settings: Settings) { self.settings = settings }

    public struct Result: Sendable {
        public let comparison: ModelComparison.Result
        public let blockSize: Double
        /// Where the model applies: the pixel bands of the samples it was trained on.
        public let domain: ApplicabilityDomain
        /// The radiometry of those band values (`Settings.radiometry`).
        public var radiometry: InputRadiometry?
        /// The covariates, terrain derivatives and indices it read (nil: scene bands only).
        public var features: FeatureStack? = nil
        /// `arch: auto` only.
        public var selection: Selection?
        /// The architecture the map's model was chosen by.
        public var arch: ModelArchitecture = .paper
        /// What the models predict (`Settings.target`).
        public var target = TargetDescriptor(name: "re2o3")
        /// `arch: auto`: the winner fitted on every sample (nil: the map's model is `arch`'s fit in `comparison`).
        public var mapFit: (any FittedRegression)?
        /// `model_scope: product`: each product's own model and the scope's validation.
        public var productModels: ProductModels?
        /// The spatial-block validation of the model the map is made with (under `model_scope:
        /// product`, of the scope as a whole): its out-of-fold residuals calibrate the map's intervals.
        public var mapValidation: ValidationResult? {
            if let productModels, productModels.products.contains(where: { $0.fitted != nil }) { return productModels.validation }
            let method = selection?.mapModel ?? arch.regressionMethod ?? comparison.validations.first?.method
            return comparison.validations.first { $0.method == method && $0.scheme.hasPrefix("spatial") }
        }
    }

    /// Trains and validates every method on `set` (read from `source`, named in errors).
    public func run(set: SampleSet, source: String, log: @escaping (String) -> Void = { _ in }) throws -> Result {
        let s = settings
        // Every spatial fold needs test samples and the rest enough to train on.
        guard set.count >= s.folds * 2 else {
            throw InversionError("\(source): \(set.count) sample(s) are too few to train and validate (at least \(s.folds * 2) for \(s.folds) folds)")
        }
        let stack = try s.features ?? Self.sceneBandStack(set, source: source)
        guard set.bandNames == stack.featureNames else {
            throw InversionError("\(source): has the feature columns \(set.bandNames.joined(separator: ", ")); the model reads \(stack.featureNames.joined(separator: ", "))")
        }
        if s.arch == .paper && stack.featureNames.count < 4 {
            throw InversionError("\(source): has \(stack.featureNames.count) band or feature column(s) (\(stack.featureNames.joined(separator: ", "))); the paper network reads at least 4")
        }
        let region = s.arch == .auto ? try select(set: set, stack: stack, source: source, log: log)
                                     : try compare(set: set, stack: stack, source: source, log: log)
        guard let scope = s.productScope else { return region }
        return try withProductModels(region, scope: scope, stack: stack, set: set, log: log)
    }

    /// `arch`'s model against the others (not `auto`): the paper's comparison.
    private func compare(set: SampleSet, stack: FeatureStack, source: String, log: @escaping (String) -> Void) throws -> Result {
        let s = settings
        var features = set
        if s.arch == .patch {
            guard let scene = s.scene else { throw InversionError("\(source): the patch network needs the scene the sample set came from") }
            let windows = try patchWindows(stack, scene: scene, rows: set.rows)
            for i in features.rows.indices { features.rows[i].bands = windows[i] }
        }
        let options = trainingOptions
        let (spatialBlocks, block) = try spatialValidation(set: set, source: source)
        let comparison = ModelComparison(
            cnn: CNNRegression(preset: s.arch.preset ?? .paper, patchSize: s.patchSize, options: options, bands: stack.descriptors, target: s.target),
            randomSplit: RandomSplitValidation(trainFraction: s.trainFraction, seed: s.seed),
            spatialBlocks: spatialBlocks)
        let result = try comparison.run(set: features, pixelBands: set.features, log: log)
        let domain = try ApplicabilityDomain(features: result.trainingRows.map { set.rows[$0].bands })
        return Result(comparison: result, blockSize: block, domain: domain, radiometry: s.radiometry, features: stack.isPlain ? nil : stack,
                      arch: s.arch, target: s.target)
    }

    /// The patch network's windows (`patchSize`) around each row's pixel: of the scene's bands
    /// alone, or of every feature of the stack.
    func patchWindows(_ stack: FeatureStack, scene: String, rows: [SampleSet.Row]) throws -> [[Double]] {
        stack.isPlain
            ? try PatchFeatures.extract(scene: scene, rows: rows, bands: stack.sceneBands, size: s.patchSize, affine: s.sceneAffine)
            : try Self.featureWindows(stack, scene: scene, rows: rows, size: s.patchSize, affine: s.sceneAffine)
    }

    /// A patch model's windows of a feature stack's features around each row's pixel, from the
    /// scene and the covariates the stack records, as the map's tiles compute them.
    static func featureWindows(_ stack: FeatureStack, scene: String, rows: [SampleSet.Row], size: Int, affine: BandAffine?) throws -> [[Double]] {
        let raster = try RasterSource.file(scene).stacking(CovariateSettings.recorded(in: stack)).open()
        guard let transform = raster.geoTransform else { throw RasterError.needsMapCoordinates(scene, for: "covariates") }
        let extractor = try FeatureExtractor(stack: stack, affine: affine?.selecting(bands: stack.sceneBands),
                                             pixelWidth: transform.pixelWidth, pixelHeight: transform.pixelHeight)
        let sceneBandCount = raster.bandCount - (extractor.rawBandCount - stack.sceneBands.count)
        return try rows.map { row in
            try extractor.pixelFeatures(of: raster, column: row.column, row: row.row, sceneBandCount: sceneBandCount, radius: size / 2).map(Double.init)
        }
    }

    /// The scene bands a sample set's `b<N>` columns hold.
    static func sceneBandStack(_ set: SampleSet, source: String) throws -> FeatureStack {
        let numbers = set.bandNames.map { $0.first == "b" ? Int($0.dropFirst()) : nil }
        guard numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw InversionError("\(source): the columns \(set.bandNames.joined(separator: ", ")) are not all scene bands b<N>; give the covariates, terrain and indices they came from")
        }
        return FeatureStack(sceneBands: numbers.map { $0! })
    }

    /// MLR, PLSR and XGBoost, seeded: the regressions `arch` names and `auto` scores.
    var regressionMethods: [any RegressionMethod] {
        [LinearRegression(), PartialLeastSquares(seed: s.seed), XGBoostRegression(seed: s.seed)]
    }

    var trainingOptions: TrainingOptions {
        var options = TrainingOptions()
        options.iterations = s.iterations
        options.learningRate = Float(s.learningRate)
        options.seed = s.seed
        return options
    }

    private var s: Settings { settings }

    /// The spatial blocks and their side, the grid checked before hours of training, not after.
    private func spatialValidation(set: SampleSet, source: String) throws -> (SpatialBlockValidation, Double) {
        let block = try s.blockSize ?? SpatialBlockValidation.blockSize(for: set, kriging: s.kriging)
        let spatialBlocks = SpatialBlockValidation(blockSize: block, folds: s.folds, seed: s.seed, kriging: s.kriging)
        try spatialBlocks.checkBlockGrid(for: set, source: source)
        return (spatialBlocks, block)
    }

    /// The candidates of `arch: auto` for a sample set of `stack`'s features, simplest first (ties
    /// go to the simpler): MLR, PLSR and XGBoost, each followed, with the scene to read from, by
    /// itself on the stack with spatial context (`contextMetres`) and, when the stack has
    /// covariates, terrain or indices, by itself on the scene bands alone; the paper's CNN; with
    /// the scene, the patch CNN. The networks' iterations by early stopping.
    func candidates(stack: FeatureStack, set: SampleSet) throws -> [ModelSelection.Candidate] {
        var context: (name: String, stack: FeatureStack, rows: [[Double]])?
        if let scene = s.scene, let metres = s.contextMetres, stack.focalMeans.isEmpty {
            guard let transform = try Raster.open(scene).geoTransform else { throw RasterError.needsMapCoordinates(scene, for: "spatial context") }
            var wider = stack
            let side = FeatureStack.focalMeanSide(metres: metres, pixelSize: abs(transform.pixelWidth))
            wider.focalMeans = [side]
            context = ("+mean\(side)", wider, try Self.featureWindows(wider, scene: scene, rows: set.rows, size: 1, affine: s.sceneAffine))
        }
        // Scene bands come first in a stack's features.
        let bandsOnly = stack.isPlain ? nil : set.rows.map { Array($0.bands.prefix(stack.sceneBands.count)) }
        var list: [ModelSelection.Candidate] = []
        for method in regressionMethods {
            list.append(.init(method))
            if let context { list.append(.init(method, name: method.name + context.name, rows: context.rows, features: context.stack)) }
            if let bandsOnly {
                list.append(.init(method, name: method.name + " bands", rows: bandsOnly, features: FeatureStack(sceneBands: stack.sceneBands)))
            }
        }
        var cnn = CNNRegression(preset: .paper, patchSize: s.patchSize, options: trainingOptions, bands: stack.descriptors, target: s.target,
                                earlyStopping: s.earlyStopping)
        list.append(.init(cnn))
        if let scene = s.scene {
            cnn.preset = .patch
            let windows = try patchWindows(stack, scene: scene, rows: set.rows)
            list.append(.init(cnn, rows: windows))
        }
        return list
    }

    /// `arch: auto`: every candidate scored by spatial validation, the winner fitted on every sample for the map.
    private func select(set: SampleSet, stack: FeatureStack, source: String, log: @escaping (String) -> Void) throws -> Result {
        let (spatialBlocks, block) = try spatialValidation(set: set, source: source)
        let candidates = try self.candidates(stack: stack, set: set)
        let selection = ModelSelection(candidates: candidates, spatialBlocks: spatialBlocks,
                                       randomSplit: RandomSplitValidation(trainFraction: s.trainFraction, seed: s.seed))
        let outcome = try selection.run(set: set, log: log)
        let winner = candidates[outcome.winner]
        log("fitting \(winner.name) on every sample for the map")
        let start = Date()
        let fitted = try ModelSelection.fitOnAll(winner, set: set)
        let seconds = Date().timeIntervalSince(start)
        let comparison = ModelComparison.Result(validations: outcome.validations, model: fitted as? CNNRegression.Fitted, trainingRows: Array(set.rows.indices),
                                                summaries: [winner.name: fitted.summary])
        // A patch network's domain is its pixels' bands; any other model's, the features it reads.
        let domain = try ApplicabilityDomain(features: winner.method.window > 1 ? set.rows.map(\.bands) : try winner.featureSet(set).rows.map(\.bands))
        let read = winner.features ?? stack
        let features = read.isPlain ? nil : read
        var result = Result(comparison: comparison, blockSize: block, domain: domain, radiometry: s.radiometry, features: features,
                            arch: s.arch, target: s.target, mapFit: fitted)
        result.selection = Selection(scores: outcome.scores, winner: winner.name, mapModel: winner.name,
                                     scheme: spatialBlocks.scheme, mapModelSummary: fitted.summary, finalFitSeconds: seconds)
        return result
    }

    /// Writes the model folder of the model that makes the map (`Selection.mapModel` under `arch: auto`).
    public static func saveWinner(_ result: Result, to folder: String) throws {
        try save(result, to: folder)
    }

    /// Writes the model folder (`ModelFolder.save`): the map's model (`model.json` with
    /// `model.safetensors` or `xgboost.json`), `validation.json` and `domain.json`, all marked with
    /// one new training run identifier (a readable folder never mixes two trainings: `ModelFolder.load`
    /// checks the marks), into a temporary sibling that then replaces the folder (`AtomicFolder`).
    public static func save(_ result: Result, to folder: String) throws {
        try ModelFolder.save(try result.mapModel, validations: result.comparison.validations, domain: result.domain, to: folder)
    }
}

extension ModelTraining.Result {
    /// The model the map is made with: `arch: auto`'s winner fitted on every sample, or `arch`'s fit
    /// on the random split's training part, recording the radiometry of its band values (a feature
    /// model without that record: what the training bands' means imply, as for a network).
    public var mapModel: MapModel {
        get throws {
            try model(try mapFitted)
        }
    }

    /// The fit the map is made with (before `model_scope: product`'s own models).
    var mapFitted: any FittedRegression {
        get throws {
            let fitted: any FittedRegression
            if let mapFit {
                fitted = mapFit
            } else if let method = arch.regressionMethod {
                guard let baseline = comparison.baselineModels[method] else { throw InversionError("no \(method) model was trained") }
                fitted = baseline
            } else {
                guard let network = comparison.model else { throw InversionError("no network was trained") }
                fitted = network
            }
            return fitted
        }
    }

    /// `fitted` as a map model of this training's bands, target, radiometry and features.
    func model(_ fitted: any FittedRegression) throws -> MapModel {
        if fitted is CNNRegression.Fitted {
            return try MapModel(fitted: fitted, bands: BandDescriptor.gf2, target: target, radiometry: radiometry, features: features)
        }
        // Without a record, the radiometry the scene bands' training values imply (they come first).
        let sceneBandMeans = domain.mean.prefix(features?.sceneBands.count ?? domain.mean.count)
        let inferred = comparison.model?.model.expectedRadiometry
            ?? InputRadiometry(kind: sceneBandMeans.allSatisfy { $0 < 1.5 } ? .toaReflectance : .dn)
        return try MapModel(fitted: fitted, bands: BandDescriptor.gf2, target: target, radiometry: radiometry ?? inferred, features: features)
    }
}

extension ValidationResult {
    /// The validations as the console table `train` prints.
    public static func table(_ validations: [ValidationResult]) -> String {
        var lines = ["method         validation                                part    R² kriged  RMSE kriged  RPD   R² measured  RMSE measured"]
        for v in validations {
            for (part, m) in [("train", v.train), ("test", v.test)] {
                lines.append(String(format: "%@ %@ %@ %9.3f %12.3f %5.2f %12.3f %14.3f",
                                    v.method.padding(toLength: 14, withPad: " ", startingAt: 0),
                                    v.scheme.padding(toLength: 41, withPad: " ", startingAt: 0), part.padding(toLength: 6, withPad: " ", startingAt: 0),
                                    m.kriged.r2, m.kriged.rmse, m.kriged.rpd, m.measured.r2, m.measured.rmse))
            }
        }
        return lines.joined(separator: "\n")
    }
}
