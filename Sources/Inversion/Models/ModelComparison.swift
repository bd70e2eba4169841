import Dispatch
import Foundation
import NeuralNet
import Synchronization

/// The paper's CNN against multiple linear regression, PLS and gradient-boosted trees, each
/// validated both ways (the paper's random split and spatial blocks), on one sample set. Each
/// method's fit on the random split's training part is kept: the map is made with one of them (the
/// CNN in the paper).
public struct ModelComparison: Sendable {
    public var cnn: CNNRegression
    public var randomSplit: RandomSplitValidation
    public var spatialBlocks: SpatialBlockValidation

    public init(cnn: CNNRegression, randomSplit: RandomSplitValidation, spatialBlocks: SpatialBlockValidation) {
        self.cnn = cnn
        self.randomSplit = randomSplit
        self.spatialBlocks = spatialBlocks
    }

    /// The regressions the CNN is compared with, read from each sample pixel's own bands; XGBoost
    /// tunes itself by inner spatial blocks as wide as the outer ones.
    public var baselines: [any RegressionMethod] {
        [LinearRegression(), PartialLeastSquares(seed: randomSplit.seed),
         XGBoostRegression(seed: randomSplit.seed, innerBlockSize: spatialBlocks.blockSize)]
    }

    public struct Result: Sendable {
        public let validations: [ValidationResult]
        /// The CNN fitted on the random split's training part (nil under `arch: auto` when a regression won).
        public let model: CNNRegression.Fitted?
        /// The samples `model` was trained on (the random split's training part).
        public let trainingRows: [Int]
        /// What each method learnt on the random split's training part.
        public let summaries: [String: String]
        /// Each baseline (by `RegressionMethod.name`) as fitted on the random split's training part.
        public let baselineModels: [String: any FittedRegression]

        public init(validations: [ValidationResult], model: CNNRegression.Fitted?, trainingRows: [Int], summaries: [String: String],
                    baselineModels: [String: any FittedRegression] = [:]) {
            self.validations = validations
            self.model = model
            self.trainingRows = trainingRows
            self.summaries = summaries
            self.baselineModels = baselineModels
        }
    }

    /// `set`'s rows hold each sample's features (for a patch CNN, the windows: see `PatchFeatures`).
    /// Baselines always read the sample pixel's own bands, `pixelBands`.
    public func run(set: SampleSet, pixelBands: [[Double]], log: (String) -> Void = { _ in }) throws -> Result {
        var baselineSet = set
        for i in baselineSet.rows.indices { baselineSet.rows[i].bands = pixelBands[i] }
        var validations: [ValidationResult] = []
        var summaries: [String: String] = [:]
        log("training \(cnn.name) on the random split and in \(spatialBlocks.folds) spatial folds (\(spatialBlocks.scheme)), \(cnn.options.iterations) iterations each")
        // The random-split network and the spatial folds' networks train side by side.
        let random = Mutex<Swift.Result<(result: ValidationResult, model: any FittedRegression), any Error>?>(nil)
        let spatial = Mutex<Swift.Result<ValidationResult, any Error>?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { job in
            if job == 0 {
                let outcome = Swift.Result { try randomSplit.fitAndValidate(cnn, on: set) }
                random.withLock { $0 = outcome }
            } else {
                let outcome = Swift.Result { try spatialBlocks.run(cnn, on: set) }
                spatial.withLock { $0 = outcome }
            }
        }
        let (cnnRandom, fitted) = try random.withLock { $0 }!.get()
        let cnnSpatial = try spatial.withLock { $0 }!.get()
        guard let model = fitted as? CNNRegression.Fitted else { throw InversionError("the CNN did not produce a network") }
        validations.append(cnnRandom)
        summaries[cnn.name] = model.summary
        var baselineModels: [String: any FittedRegression] = [:]
        var spatialResults: [ValidationResult] = []
        for method in baselines {
            let start = Date()
            let (result, baseline) = try randomSplit.fitAndValidate(method, on: baselineSet)
            validations.append(result)
            summaries[method.name] = baseline.summary
            baselineModels[method.name] = baseline
            spatialResults.append(try spatialBlocks.run(method, on: baselineSet))
            log(String(format: "trained and validated %@ in %.2f s: %@", method.name, Date().timeIntervalSince(start), baseline.summary))
        }
        validations.append(cnnSpatial)
        validations += spatialResults
        return Result(validations: validations, model: model, trainingRows: randomSplit.split(count: set.count).train, summaries: summaries,
                      baselineModels: baselineModels)
    }
}
