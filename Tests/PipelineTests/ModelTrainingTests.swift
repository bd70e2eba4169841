import Foundation
import Inversion
import NeuralNet
import Pipeline
import Testing
import TestSupport

@Suite struct ModelTrainingTests {
    static let sampleSetPath = Fixtures.path("reference/baselines/sampleset.csv")

    /// YAML `validation.block_size: 1e-300` passes the positive-number rule but made a grid of 1e303
    /// blocks, whose indices trapped converting to Int: `run` and `train` share this refusal, made
    /// before any model is trained.
    @Test func aBlockGridOfMoreThanAMillionBlocksPerSideIsRefusedBeforeTraining() throws {
        let configuration = try RunConfiguration.decode("scene: s.tiff\nsamples: s.csv\nvalidation: {block_size: 1e-300}\n", file: "c.yml")
        var settings = ModelTraining.Settings()
        settings.blockSize = configuration.validation.blockSize
        settings.iterations = 10_000_000  // were the check after training, the test would not end
        let set = try SampleSet(path: Self.sampleSetPath)
        let error = #expect(throws: InversionError.self) { try ModelTraining(settings).run(set: set, source: Self.sampleSetPath) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("\(Self.sampleSetPath): a spatial block size of 1e-300 m gives") && !message.contains("\n"), "\(message)")

        // The smallest block the message names is accepted by the grid.
        let extent = 1883.0  // the fixture samples' larger side, as the message reports it
        let smallest = SpatialBlockValidation(blockSize: extent / SpatialBlockValidation.largestBlocksPerSide * 1.01, folds: 5)
        #expect(throws: Never.self) { try smallest.foldAssignment(for: set) }
    }

    /// `arch: paper` is the paper's comparison as it was: the same validations, figure for figure,
    /// as `ModelComparison` run directly with the same settings, and no selection.
    @Test func paperArchitectureIsThePaperComparisonUnchanged() throws {
        var settings = ModelTraining.Settings()
        #expect(settings.arch == .paper)
        (settings.iterations, settings.folds) = (200, 3)
        let set = try SampleSet(path: Self.sampleSetPath)
        let result = try ModelTraining(settings).run(set: set, source: Self.sampleSetPath)
        #expect(result.selection == nil && result.mapValidation?.method == "CNN paper")
        var options = TrainingOptions()
        (options.iterations, options.learningRate, options.seed) = (200, 0.001, 1)
        let block = try SpatialBlockValidation.blockSize(for: set, kriging: settings.kriging)
        let direct = try ModelComparison(cnn: CNNRegression(preset: .paper, options: options, target: settings.target),
                                         randomSplit: RandomSplitValidation(trainFraction: 2.0 / 3.0, seed: 1),
                                         spatialBlocks: SpatialBlockValidation(blockSize: block, folds: 3, seed: 1, kriging: settings.kriging))
            .run(set: set, pixelBands: set.features)
        #expect(result.comparison.validations == direct.validations)
        #expect(result.comparison.validations.map(\.method) == ["CNN paper", "MLR", "PLSR", "XGBoost", "CNN paper", "MLR", "PLSR", "XGBoost"])
    }
}
