@testable import NeuralNet
import TestSupport
import Testing

@Suite struct TrainerTests {
    /// Bands around GF-2-like digital numbers with a target that depends on two of them nonlinearly.
    func data(count: Int, seed: UInt64, noise: Float = 0.05) -> TrainingData {
        var generator = SeededGenerator(seed: seed)
        var samples: [[Float]] = [], targets: [Float] = []
        for _ in 0..<count {
            let bands = (0..<4).map { Float(300 + 40 * $0) + Float.random(in: -50...50, using: &generator) }
            let a = (bands[1] - 340) / 50, b = (bands[3] - 420) / 50
            samples.append(bands)
            targets.append(3 + 0.8 * a - 0.5 * b * b + noise * Float.random(in: -1...1, using: &generator))
        }
        return TrainingData(samples: samples, targets: targets)
    }

    let small: [Layer] = [.flatten, .dense(inFeatures: 4, outFeatures: 12), .relu, .dense(inFeatures: 12, outFeatures: 1)]

    func train(_ network: Network, _ data: TrainingData, _ split: DataSplit, _ options: TrainingOptions, layout: InputLayout = .replicatedRows(rows: 1)) throws -> (Model, TrainingReport) {
        try Trainer.train(network: network, preset: nil, inputLayout: layout, bands: BandDescriptor.gf2, target: .re2o3,
                          data: data, split: split, options: options)
    }

    @Test func learnsANonlinearRelation() throws {
        let data = data(count: 150, seed: 1)
        let split = DataSplit.random(count: 150, validationFraction: 1.0 / 3, seed: 2)
        var options = TrainingOptions()
        options.iterations = 1500
        options.learningRate = 0.01
        let network = try Network(inputShape: .init(channels: 1, height: 1, width: 4), layers: small, seed: 3)
        let (model, report) = try train(network, data, split, options)
        #expect(report.trainingLoss.count == 1500 && report.iterationsRun == 1500)
        let validation = try #require(report.validationLoss.last).loss
        #expect(report.trainingLoss[0] > 0.5)
        #expect(validation < 0.1, "validation MSE \(validation) of the standardised target")
        // Predictions in target units agree with the loss the trainer reports.
        let errors = split.validation.map { Double(data.targets[$0]) - model.referencePrediction(sample: data.samples[$0]) }
        let mse = errors.map { $0 * $0 }.reduce(0, +) / Double(errors.count) / Double(model.standardisation.targetStandardDeviation * model.standardisation.targetStandardDeviation)
        #expect(abs(mse - Double(validation)) <= 1e-3 * max(1, mse))
        #expect(model.training?.iterationsRun == 1500)
        #expect((model.training?.lossCurveSummary.count ?? 0) <= 52)
    }

    @Test func standardisesWithTheTrainingPartOnly() throws {
        let data = data(count: 30, seed: 4)
        let split = DataSplit(training: Array(0..<20), validation: Array(20..<30))
        var options = TrainingOptions()
        options.iterations = 1
        let (model, _) = try train(try Network(inputShape: .init(channels: 1, height: 1, width: 4), layers: small, seed: 5), data, split, options)
        #expect(model.standardisation == Standardisation.fitted(samples: Array(data.samples[0..<20]), targets: Array(data.targets[0..<20]), bands: 4))
    }

    @Test func firstAdamStepMovesEachParameterByTheLearningRate() throws {
        // Adam's first step is −lr · g/(|g| + ε): every parameter with a nonzero gradient moves by lr.
        let data = data(count: 10, seed: 6)
        var options = TrainingOptions()
        options.iterations = 1
        options.learningRate = 0.002
        let network = try Network(inputShape: .init(channels: 1, height: 1, width: 4), layers: small, seed: 7)
        let (model, _) = try train(network, data, DataSplit(training: Array(0..<10), validation: []), options)
        let moves = zip(network.weights.joined(), model.network.weights.joined()).map { abs($0 - $1) }
        #expect(moves.filter { $0 > 0 }.count > moves.count / 2)
        #expect(moves.allSatisfy { $0 == 0 || abs($0 - 0.002) < 2e-5 })
    }

    @Test func seedsMakeRunsReproducibleAndMiniBatchesDiffer() throws {
        let data = data(count: 40, seed: 8)
        let split = DataSplit.random(count: 40, validationFraction: 0.25, seed: 9)
        var options = TrainingOptions()
        options.iterations = 6
        options.seed = 10
        let network = try NetworkPreset.paper.network(seed: 11)
        let layout = InputLayout.replicatedRows(rows: 4)
        let first = try train(network, data, split, options, layout: layout)
        let second = try train(network, data, split, options, layout: layout)
        #expect(first.0.network == second.0.network)
        #expect(first.1.trainingLoss == second.1.trainingLoss)
        options.batchSize = 8
        let batched = try train(network, data, split, options, layout: layout)
        #expect(batched.0.network != first.0.network)
        options.seed = 12
        #expect(try train(network, data, split, options, layout: layout).0.network != batched.0.network)
    }

    @Test func earlyStoppingKeepsTheBestValidatedParameters() throws {
        // Pure-noise targets: validation loss stops improving quickly.
        var data = data(count: 60, seed: 13)
        var generator = SeededGenerator(seed: 14)
        data.targets = data.targets.map { _ in Float.random(in: 0...5, using: &generator) }
        var options = TrainingOptions()
        options.iterations = 3000
        options.learningRate = 0.01
        options.earlyStopping = EarlyStopping(patience: 3, evaluationInterval: 20)
        let network = try Network(inputShape: .init(channels: 1, height: 1, width: 4), layers: small, seed: 15)
        let (model, report) = try train(network, data, DataSplit.random(count: 60, validationFraction: 0.5, seed: 16), options)
        #expect(report.stoppedEarly && report.iterationsRun < 3000)
        let best = try #require(report.validationLoss.min { $0.loss < $1.loss })
        #expect(report.keptIteration == best.iteration)
        #expect(model.training?.keptIteration == best.iteration)
    }

    @Test func randomSplitIsSeededAndDisjoint() {
        let split = DataSplit.random(count: 374, validationFraction: 1.0 / 3, seed: 17)
        #expect(split.validation.count == 125 && split.training.count == 249)
        #expect(Set(split.training).isDisjoint(with: split.validation))
        #expect(Set(split.training + split.validation) == Set(0..<374))
        #expect(split == DataSplit.random(count: 374, validationFraction: 1.0 / 3, seed: 17))
        #expect(split != DataSplit.random(count: 374, validationFraction: 1.0 / 3, seed: 18))
    }

    @Test func badDataIsRejected() throws {
        let network = try Network(inputShape: .init(channels: 1, height: 1, width: 4), layers: small, seed: 19)
        let data = TrainingData(samples: [[1, 2, 3]], targets: [1])
        #expect(throws: NetworkError.invalidInput("sample 0 has 3 values, the layout needs 4")) {
            try train(network, data, DataSplit(training: [0], validation: []), TrainingOptions())
        }
    }
}
