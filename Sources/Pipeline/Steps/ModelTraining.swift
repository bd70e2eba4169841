import Foundation
import Inversion
import NeuralNet
import RasterIO

/// The models (`train`, and step 4 of `run`): the CNN against MLR, PLS and XGBoost under the random
/// split and spatial-block cross-validation, the map's model (`arch`), and its applicability domain.
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
        public init() {}
    }

    public var settings: Settings

    public init(_ settings: Settings) { self.settings = settings }

    public struct Result: Sendable {
        public let arch: ModelArchitecture
        public let comparison: ModelComparison.Result
        public let blockSize: Double
        /// Where the model applies: the pixel bands of the samples it was trained on.
        public let domain: ApplicabilityDomain
        /// The radiometry of those band values (`Settings.radiometry`).
        public var radiometry: InputRadiometry?
    }

    /// Trains and validates every method on `set` (read from `source`, named in errors).
    public func run(set: SampleSet, source: String, log: @escaping (String) -> Void = { _ in }) throws -> Result {
        let s = settings
        // Every spatial fold needs test samples and the rest enough to train on.
        guard set.count >= s.folds * 2 else {
            throw InversionError("\(source): \(set.count) sample(s) are too few to train and validate (at least \(s.folds * 2) for \(s.folds) folds)")
        }
        guard set.bandNames.count == BandDescriptor.gf2.count else {
            throw InversionError("\(source): has \(set.bandNames.count) band column(s) (\(set.bandNames.joined(separator: ", "))); the model reads 4 (b1–b4)")
        }
        var features = set
        if s.arch == .patch {
            guard let scene = s.scene else { throw InversionError("\(source): the patch network needs the scene the sample set came from") }
            let windows = try PatchFeatures.extract(scene: scene, rows: set.rows, bands: [1, 2, 3, 4], size: s.patchSize, affine: s.sceneAffine)
            for i in features.rows.indices { features.rows[i].bands = windows[i] }
        }
        var options = TrainingOptions()
        options.iterations = s.iterations
        options.learningRate = Float(s.learningRate)
        options.seed = s.seed
        let block = try s.blockSize ?? SpatialBlockValidation.blockSize(for: set, kriging: s.kriging)
        let spatialBlocks = SpatialBlockValidation(blockSize: block, folds: s.folds, seed: s.seed, kriging: s.kriging)
        // Before hours of training, not after the random split's.
        try spatialBlocks.checkBlockGrid(for: set, source: source)
        let comparison = ModelComparison(
            cnn: CNNRegression(preset: s.arch.networkPreset ?? .paper, patchSize: s.patchSize, options: options, target: s.target),
            randomSplit: RandomSplitValidation(trainFraction: s.trainFraction, seed: s.seed),
            spatialBlocks: spatialBlocks)
        let result = try comparison.run(set: features, pixelBands: set.features, log: log)
        let domain = try ApplicabilityDomain(features: result.trainingRows.map { set.rows[$0].bands })
        return Result(arch: s.arch, comparison: result, blockSize: block, domain: domain, radiometry: s.radiometry)
    }

}

extension ModelTraining.Result {
    /// The model the map is made with: `arch`'s fit on the random split's training part, recording
    /// the radiometry of its band values (when not known: what the CNN's standardisation implies).
    public var mapModel: MapModel {
        get throws {
            let network = comparison.model.model
            guard let method = arch.regressionMethod else {
                return try MapModel(fitted: comparison.model, bands: network.bands, target: network.target, radiometry: radiometry)
            }
            guard let fitted = comparison.baselineModels[method] else { throw InversionError("no \(method) model was trained") }
            return try MapModel(fitted: fitted, bands: network.bands, target: network.target, radiometry: radiometry ?? network.expectedRadiometry)
        }
    }
}

extension ModelTraining {
    /// Writes the model folder (`ModelFolder.save`): the map's model (`model.json` with
    /// `model.safetensors` or `xgboost.json`), `validation.json` and `domain.json`, all marked with
    /// one new training run identifier (a readable folder never mixes two trainings: `ModelFolder.load`
    /// checks the marks), into a temporary sibling that then replaces the folder (`AtomicFolder`).
    public static func save(_ result: Result, to folder: String) throws {
        try ModelFolder.save(try result.mapModel, validations: result.comparison.validations, domain: result.domain, to: folder)
    }
}

extension ValidationResult {
    /// The validations as the console table `train` prints.
    public static func table(_ validations: [ValidationResult]) -> String {
        var lines = ["method      validation                                part    R² kriged  RMSE kriged  RPD   R² measured  RMSE measured"]
        for v in validations {
            for (part, m) in [("train", v.train), ("test", v.test)] {
                lines.append(String(format: "%@ %@ %@ %9.3f %12.3f %5.2f %12.3f %14.3f",
                                    v.method.padding(toLength: 11, withPad: " ", startingAt: 0),
                                    v.scheme.padding(toLength: 41, withPad: " ", startingAt: 0), part.padding(toLength: 6, withPad: " ", startingAt: 0),
                                    m.kriged.r2, m.kriged.rmse, m.kriged.rpd, m.measured.r2, m.measured.rmse))
            }
        }
        return lines.joined(separator: "\n")
    }
}
