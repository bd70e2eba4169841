import Foundation
import NeuralNet

/// The paper's CNN (or the `patch` network) as a regression method: trained with MSE on the
/// standardised target and Adam, so validation treats it like the baselines.
public struct CNNRegression: RegressionMethod {
    public var preset: NetworkPreset
    /// Window side of the `patch` preset.
    public var patchSize: Int
    public var options: TrainingOptions
    public var bands: [BandDescriptor]
    public var target: TargetDescriptor
    /// nil: `options.iterations` steps on every training sample (the paper). Otherwise the
    /// iterations are chosen by early stopping on an inner split, `options.iterations` at most.
    public var earlyStopping: InnerEarlyStopping?

    public init(preset: NetworkPreset = .paper, patchSize: Int = 5, options: TrainingOptions = TrainingOptions(),
                bands: [BandDescriptor] = BandDescriptor.gf2, target: TargetDescriptor = TargetDescriptor(name: "re2o3"),
                earlyStopping: InnerEarlyStopping? = nil) {
        self.preset = preset
        self.patchSize = patchSize
        self.options = options
        self.bands = bands
        self.target = target
        self.earlyStopping = earlyStopping
    }

    /// Early stopping inside one fit: the training samples are split again at random (seeded by
    /// the training seed), the network learns from the larger part, and training stops once the
    /// smaller part's loss has not improved for `patience` evaluations, one every
    /// `evaluationInterval` steps; the parameters of the best evaluation are kept. The inner split
    /// is random, not spatial: it only has to notice overfitting to individual samples, which is
    /// what 5000 steps on a few hundred samples does.
    public struct InnerEarlyStopping: Sendable, Equatable {
        public var validationFraction: Double
        public var patience: Int
        public var evaluationInterval: Int
        public init(validationFraction: Double = 0.2, patience: Int = 6, evaluationInterval: Int = 50) {
            self.validationFraction = validationFraction
            self.patience = patience
            self.evaluationInterval = evaluationInterval
        }
    }

    public var name: String { "CNN \(preset.rawValue)" }

    public var window: Int { preset == .paper ? 1 : patchSize }

    public struct Fitted: FittedRegression {
        public let model: Model
        public let report: TrainingReport

        public func predict(_ features: [[Double]]) -> [Double] {
            let engine = InferenceEngine(model: model)
            let workspace = engine.makeWorkspace()
            let count = features.count
            guard count > 0 else { return [] }
            // Samples hold bands × window × window values, band-sequential within each sample: lay
            // them out as a row of windows side by side per band for the engine.
            let window = model.inputLayout.window, bandCount = model.bands.count
            var output = [Float](repeating: 0, count: count)
            if window == 1 {
                var planes = [Float](repeating: 0, count: bandCount * count)
                for (i, sample) in features.enumerated() { for b in 0..<bandCount { planes[b * count + i] = Float(sample[b]) } }
                planes.withUnsafeBufferPointer { p in output.withUnsafeMutableBufferPointer { o in
                    engine.predict(bandSequential: p.baseAddress!, pixelCount: count, into: o.baseAddress!, workspace: workspace)
                } }
            } else {
                var values = [Float](repeating: 0, count: bandCount * window * window)
                for (i, sample) in features.enumerated() {
                    for k in values.indices { values[k] = Float(sample[k]) }
                    values.withUnsafeBufferPointer { p in output.withUnsafeMutableBufferPointer { o in
                        engine.predictWindows(bandSequential: p.baseAddress!, windowWidth: window, windowHeight: window,
                                              into: o.baseAddress! + i, workspace: workspace)
                    } }
                }
            }
            return output.map(Double.init)
        }

        public var summary: String {
            let loss = report.trainingLoss.last.map { String(format: "%.4f", $0) } ?? "n/a"
            guard report.keptIteration != report.iterationsRun || !report.validationLoss.isEmpty else {
                return "\(report.iterationsRun) Adam iterations, final training MSE (standardised) \(loss)"
            }
            let validation = report.validationLoss.first { $0.iteration == report.keptIteration }.map { String(format: "%.4f", $0.loss) } ?? "n/a"
            return "\(report.keptIteration) Adam iterations kept by early stopping (\(report.iterationsRun) run), inner validation MSE (standardised) \(validation)"
        }

        public var chosenIterations: Int? { report.keptIteration }
    }

    public func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression {
        try fitCNN(features: features, targets: targets)
    }

    public func fitCNN(features: [[Double]], targets: [Double]) throws -> Fitted {
        let window = preset == .paper ? 1 : patchSize
        guard features.count >= 2 else {
            throw InversionError("the CNN needs at least 2 training samples, got \(features.count)")
        }
        guard features.allSatisfy({ $0.count == bands.count * window * window }) else {
            throw InversionError("the \(preset.rawValue) CNN reads \(bands.count) band(s) × \(window)×\(window) pixels per sample; the sample set has \(features.first?.count ?? 0) values per sample")
        }
        do {
            let network = try preset.network(bands: bands.count, size: patchSize, seed: options.seed)
            let data = TrainingData(samples: features.map { $0.map(Float.init) }, targets: targets.map(Float.init))
            var options = options
            var split = DataSplit(training: Array(features.indices), validation: [])
            if let earlyStopping {
                split = DataSplit.random(count: features.count, validationFraction: earlyStopping.validationFraction, seed: options.seed)
                guard split.training.count >= 2, !split.validation.isEmpty else {
                    throw InversionError("early stopping needs at least 2 training and 1 validation sample, the inner split of \(features.count) gives \(split.training.count) and \(split.validation.count)")
                }
                options.earlyStopping = EarlyStopping(patience: earlyStopping.patience, evaluationInterval: earlyStopping.evaluationInterval)
            }
            let (model, report) = try Trainer.train(network: network, preset: preset, inputLayout: preset.inputLayout(size: patchSize),
                                                    bands: bands, target: target, data: data, split: split, options: options)
            return Fitted(model: model, report: report)
        } catch {
            throw InversionError("training the \(preset.rawValue) CNN failed: \(error)")
        }
    }
}
