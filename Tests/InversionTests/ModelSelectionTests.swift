import Foundation
import NeuralNet
import Testing
import TestSupport
@testable import Inversion

/// `arch: auto`'s pieces: the selection by spatial validation and the networks' early stopping
/// (the map's conformal interval: `ConformalIntervalTests`).
@Suite("Model selection, early stopping")
struct ModelSelectionTests {
    static let set = try! SampleSet(path: Fixtures.path("reference/baselines/sampleset.csv"))

    /// The fixture sample set with contents exactly linear in its bands (measured and kriged alike):
    /// no model can beat the linear one away from the samples.
    static var linearSet: SampleSet {
        var set = set
        for i in set.rows.indices {
            let b = set.rows[i].bands
            let content = 3 + 40 * b[0] - 25 * b[1] + 10 * b[2] + 15 * b[3]
            (set.rows[i].measured, set.rows[i].kriged) = (content, content)
        }
        return set
    }

    /// Predicts the training targets' mean everywhere: a candidate that must lose.
    struct MeanPredictor: RegressionMethod {
        var name: String { "mean" }
        struct Fitted: FittedRegression {
            let mean: Double
            func predict(_ features: [[Double]]) -> [Double] { features.map { _ in mean } }
            var summary: String { "mean \(mean)" }
        }
        func fit(features: [[Double]], targets: [Double]) throws -> any FittedRegression {
            Fitted(mean: targets.reduce(0, +) / Double(targets.count))
        }
    }

    static func briefCNN(iterations: Int = 150) -> CNNRegression {
        var options = TrainingOptions()
        options.iterations = iterations
        options.seed = 1
        return CNNRegression(preset: .paper, options: options, earlyStopping: .init(patience: 2, evaluationInterval: 25))
    }

    @Test func selectionPicksTheLowestSpatialValidationRMSE() throws {
        let set = Self.linearSet
        let blocks = SpatialBlockValidation(blockSize: 500, folds: 3, seed: 1)
        let candidates: [any RegressionMethod] = [MeanPredictor(), Self.briefCNN(), LinearRegression(), PartialLeastSquares(seed: 1)]
        let result = try ModelSelection(candidates: candidates.map { .init($0) }, spatialBlocks: blocks).run(set: set)
        // Each score is the candidate's own spatial-block validation, recomputed here.
        for (method, score) in zip(candidates, result.scores) {
            let rmse = try blocks.run(method, on: set).test.measured.rmse
            #expect(score.method == method.name && score.spatialRMSE == rmse, "\(score.method): \(score.spatialRMSE) vs \(rmse)")
        }
        let lowest = result.scores.map(\.spatialRMSE).min()!
        #expect(result.scores[result.winner].spatialRMSE == lowest)
        // Contents linear in the bands: the linear model wins (PLS with every component is the same
        // model, equal to rounding, so it may take the lead by rounding alone).
        #expect(["MLR", "PLSR"].contains(result.scores[result.winner].method), "\(result.scores)")
        let mlr = result.scores.first { $0.method == "MLR" }!
        #expect(mlr.spatialRMSE <= lowest * (1 + 1e-9), "\(result.scores)")
        // Measured: MLR 0.203, the mean 0.403 (the fold's re-kriged targets smooth the linear contents).
        #expect(mlr.spatialRMSE < 0.75 * result.scores.first { $0.method == "mean" }!.spatialRMSE, "\(result.scores)")
        #expect(result.scores.first { $0.method == "CNN paper" }!.foldIterations?.count == 3)
        #expect(result.spatial(result.winner)?.method == result.scores[result.winner].method)
    }

    @Test func tiesGoToTheEarlierCandidateAndNaNNeverWins() {
        #expect(ModelSelection.best(rmse: [2, 1, 1]) == 1)
        #expect(ModelSelection.best(rmse: [.nan, 3, 2]) == 2)
        #expect(ModelSelection.best(rmse: [.nan]) == nil)
    }

    /// Noise targets: the inner validation loss stops improving soon, so training stops long before
    /// the 5000-step budget, keeps its best evaluation, and does the same again with the same seed.
    @Test func earlyStoppingStopsKeepsTheBestAndIsReproducible() throws {
        var generator = SeededGenerator(seed: 7)
        let features = (0..<80).map { _ in (0..<4).map { _ in Double(generator.nextUnitFloat()) } }
        let targets = features.map { _ in Double(generator.nextUnitFloat()) }
        let cnn = Self.briefCNN(iterations: 5000)
        let first = try cnn.fitCNN(features: features, targets: targets)
        let report = first.report
        #expect(report.stoppedEarly && report.iterationsRun < 5000, "ran \(report.iterationsRun)")
        let best = report.validationLoss.min { $0.loss < $1.loss }!
        #expect(report.keptIteration == best.iteration && first.chosenIterations == best.iteration)
        // Stopped after `patience` evaluations without improvement.
        #expect(report.iterationsRun == report.validationLoss.last!.iteration)
        #expect(report.validationLoss.filter { $0.iteration > best.iteration }.count == 2)
        let second = try cnn.fitCNN(features: features, targets: targets)
        #expect(second.report.keptIteration == report.keptIteration && second.predict(features) == first.predict(features))
        var other = cnn
        other.options.seed = 2
        #expect(try other.fitCNN(features: features, targets: targets).predict(features) != first.predict(features))
    }
}
