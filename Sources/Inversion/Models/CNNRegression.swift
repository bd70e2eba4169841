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

    public init(preset: NetworkPreset = .paper, patchSize: Int = 5, options: TrainingOptions = TrainingOptions(),
                bands: [BandDescriptor] = BandDescriptor.gf2, target: TargetDescriptor = TargetDescriptor(name: "re2o3")) {
        self.preset = preset
        self.patchSize = patchSize
        self.options = options
        self.bands = bands
        self.target = target
    }

    public var name: String { "CNN \(preset.rawValue)" }

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
            return "\(report.iterationsRun) Adam iterations, final training MSE (standardised) \(loss)"
        }
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
            let (model, report) = try Trainer.train(network: network, preset: preset, inputLayout: preset.inputLayout(size: patchSize),
                                                    bands: bands, target: target, data: data,
                                                    split: DataSplit(training: Array(features.indices), validation: []), options: options)
            return Fitted(model: model, report: report)
        } catch {
            throw InversionError("training the \(preset.rawValue) CNN failed: \(error)")
        }
    }
}
