import Foundation
import SeededRandom

/// Raw training samples: each `bands × window × window` values (see `InputLayout`) with its target.
public struct TrainingData: Sendable {
    public var samples: [[Float]]
    public var targets: [Float]
    public init(samples: [[Float]], targets: [Float]) { self.samples = samples; self.targets = targets }
}

/// Which samples train and which validate; the pipeline passes its own (e.g. spatial blocks).
public struct DataSplit: Sendable, Hashable {
    public var training: [Int]
    public var validation: [Int]
    public init(training: [Int], validation: [Int]) { self.training = training; self.validation = validation }

    /// A seeded random split holding out `validationFraction` of `count` samples (the paper: 1/3).
    public static func random(count: Int, validationFraction: Double, seed: UInt64) -> DataSplit {
        var generator = SplitMix64(seed: seed)
        let order = Array(0..<count).seededShuffled(using: &generator)
        let validationCount = Int((Double(count) * validationFraction).rounded())
        return DataSplit(training: Array(order[validationCount...]).sorted(), validation: Array(order[..<validationCount]).sorted())
    }
}

/// Stop when the validation loss has not improved for `patience` evaluations and keep the best parameters.
public struct EarlyStopping: Sendable, Hashable {
    public var patience: Int
    public var evaluationInterval: Int
    public var minimumImprovement: Float
    public init(patience: Int = 10, evaluationInterval: Int = 50, minimumImprovement: Float = 0) {
        self.patience = patience; self.evaluationInterval = evaluationInterval; self.minimumImprovement = minimumImprovement
    }
}

public struct TrainingOptions: Sendable, Hashable {
    /// Optimiser steps (the paper: 5000).
    public var iterations = 5000
    /// Adam, PyTorch defaults.
    public var learningRate: Float = 0.001
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Samples per step; nil = the whole training part every step (the paper's setting).
    public var batchSize: Int?
    /// Seeds the mini-batch shuffling and the dropout masks (initialisation is the network's own seed).
    public var seed: UInt64 = 0
    /// Validation loss is also recorded without early stopping, every `validationInterval` steps.
    public var earlyStopping: EarlyStopping?
    public var validationInterval = 50
    public init() {}
}

/// Losses are mean squared errors of the standardised target.
public struct TrainingReport: Sendable {
    /// Training loss of every step's batch (with dropout active), in order.
    public var trainingLoss: [Float]
    /// (step, loss) of the validation part, dropout inactive; empty without validation samples.
    public var validationLoss: [(iteration: Int, loss: Float)]
    public var iterationsRun: Int
    public var stoppedEarly: Bool
    /// The step whose parameters were kept (the last, or the best validated with early stopping).
    public var keptIteration: Int
}

/// Trains networks with mean squared error on the standardised target and Adam.
public enum Trainer {
    /// Fits `network` (already initialised) to `data[split.training]`, standardising inputs and
    /// target with statistics of the training part only, and returns the model and its loss curves.
    public static func train(network: Network, preset: NetworkPreset?, inputLayout: InputLayout,
                             bands: [BandDescriptor], target: TargetDescriptor, data: TrainingData,
                             split: DataSplit, options: TrainingOptions = TrainingOptions()) throws(NetworkError) -> (Model, TrainingReport) {
        let started = Date()
        let sampleLength = bands.count * inputLayout.window * inputLayout.window
        guard data.samples.count == data.targets.count else {
            throw .invalidInput("\(data.samples.count) samples but \(data.targets.count) targets")
        }
        guard !split.training.isEmpty else { throw .invalidInput("no training samples") }
        for index in split.training + split.validation {
            guard data.samples.indices.contains(index) else { throw .invalidInput("split index \(index) outside the \(data.samples.count) samples") }
            guard data.samples[index].count == sampleLength else {
                throw .invalidInput("sample \(index) has \(data.samples[index].count) values, the layout needs \(sampleLength)")
            }
        }
        guard options.iterations >= 0, options.learningRate > 0 else { throw .invalidInput("iterations must be ≥ 0 and the learning rate > 0") }
        let standardisation = Standardisation.fitted(samples: split.training.map { data.samples[$0] },
                                                     targets: split.training.map { data.targets[$0] }, bands: bands.count)
        var model = try Model(preset: preset, network: network, inputLayout: inputLayout, bands: bands,
                              standardisation: standardisation, target: target)

        let batchSize = min(options.batchSize ?? split.training.count, split.training.count)
        guard batchSize > 0 else { throw .invalidInput("batch size must be positive") }
        let propagation = BatchPropagation(network: network, capacity: max(batchSize, split.validation.count))
        let sources = inputLayout.featureSources(bands: bands.count).map { source in
            (offset: (source.band * inputLayout.window + source.row) * inputLayout.window + source.column, band: source.band)
        }
        let standardisedTargets = data.targets.map { ($0 - standardisation.targetMean) / standardisation.targetStandardDeviation }
        func load(_ indices: ArraySlice<Int>) {
            for (lane, index) in indices.enumerated() {
                let sample = data.samples[index]
                for (feature, source) in sources.enumerated() {
                    propagation.setInput(feature: feature, lane: lane, (sample[source.offset] - standardisation.inputMeans[source.band])
                                         / standardisation.inputStandardDeviations[source.band])
                }
            }
        }
        /// Mean squared error of the loaded batch; fills the output gradient when asked.
        func loss(_ indices: ArraySlice<Int>, gradient: Bool) -> Float {
            let outputGradient = propagation.gradients[network.layers.count]
            if gradient { outputGradient.update(repeating: 0, count: propagation.laneStride) }
            var sum: Float = 0
            for (lane, index) in indices.enumerated() {
                let error = propagation.output(0, lane: lane) - standardisedTargets[index]
                sum += error * error
                if gradient { outputGradient[lane] = 2 * error / Float(indices.count) }
            }
            return sum / Float(indices.count)
        }
        func validationLoss() -> Float {
            load(split.validation[...])
            propagation.forward(sampleCount: split.validation.count, dropoutStream: nil)
            return loss(split.validation[...], gradient: false)
        }

        var optimiser = AdamOptimiser(network: model.network, options: options)
        var generator = SplitMix64(seed: options.seed)
        var order = split.training
        var cursor = order.count
        var report = TrainingReport(trainingLoss: [], validationLoss: [], iterationsRun: 0, stoppedEarly: false, keptIteration: 0)
        report.trainingLoss.reserveCapacity(options.iterations)
        var best: (loss: Float, network: Network, iteration: Int)?
        var evaluationsWithoutImprovement = 0
        for iteration in 0..<options.iterations {
            if batchSize == order.count {
                cursor = 0
            } else if cursor + batchSize > order.count {
                order.seededShuffle(using: &generator)
                cursor = 0
            }
            let batch = order[cursor..<cursor + batchSize]
            cursor += batchSize
            load(batch)
            let seed = options.seed
            propagation.forward(sampleCount: batchSize) { lane in
                DropoutMask.streamKey(seed: seed, index: UInt64(batch[batch.startIndex + lane]), pass: UInt64(iteration))
            }
            report.trainingLoss.append(loss(batch, gradient: true))
            propagation.clearParameterGradients()
            propagation.backward(sampleCount: batchSize, inputGradient: false)
            optimiser.step(&model.network, propagation: propagation)
            propagation.setParameters(model.network)
            report.iterationsRun = iteration + 1

            let step = iteration + 1
            if !split.validation.isEmpty, step % max(1, options.earlyStopping?.evaluationInterval ?? options.validationInterval) == 0 || step == options.iterations {
                let current = validationLoss()
                report.validationLoss.append((step, current))
                if let stopping = options.earlyStopping {
                    if best == nil || current < best!.loss - stopping.minimumImprovement {
                        best = (current, model.network, step)
                        evaluationsWithoutImprovement = 0
                    } else {
                        evaluationsWithoutImprovement += 1
                        if evaluationsWithoutImprovement >= stopping.patience { report.stoppedEarly = true; break }
                    }
                }
            }
        }
        report.keptIteration = report.iterationsRun
        if let best { model.network = best.network; report.keptIteration = best.iteration }
        model.training = TrainingMetadata(options: options, report: report, trainingSamples: split.training.count,
                                          validationSamples: split.validation.count, started: started, finished: Date())
        return (model, report)
    }
}

/// Adam with PyTorch's update: p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε).
struct AdamOptimiser {
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]
    private var biasFirst: [[Float]]
    private var biasSecond: [[Float]]
    private var step = 0
    private let options: TrainingOptions

    init(network: Network, options: TrainingOptions) {
        firstMoments = network.weights.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = firstMoments
        biasFirst = network.biases.map { [Float](repeating: 0, count: $0.count) }
        biasSecond = biasFirst
        self.options = options
    }

    mutating func step(_ network: inout Network, propagation: BatchPropagation) {
        step += 1
        let correction1 = 1 - Float(pow(Double(options.beta1), Double(step)))
        let correction2Root = Float((1 - pow(Double(options.beta2), Double(step))).squareRoot())
        let stepSize = options.learningRate / correction1
        func update(_ values: inout [Float], _ first: inout [Float], _ second: inout [Float], _ gradient: UnsafeMutablePointer<Float>) {
            for index in values.indices {
                let g = gradient[index]
                first[index] = options.beta1 * first[index] + (1 - options.beta1) * g
                second[index] = options.beta2 * second[index] + (1 - options.beta2) * g * g
                values[index] -= stepSize * first[index] / (second[index].squareRoot() / correction2Root + options.epsilon)
            }
        }
        for index in network.layers.indices {
            guard let weightGradient = propagation.weightGradients[index], let biasGradient = propagation.biasGradients[index] else { continue }
            update(&network.weights[index], &firstMoments[index], &secondMoments[index], weightGradient)
            update(&network.biases[index], &biasFirst[index], &biasSecond[index], biasGradient)
        }
    }
}
