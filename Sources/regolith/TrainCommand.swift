import ArgumentParser
import Foundation
import Inversion
import NeuralNet

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the CNN on a sample set and compare it with MLR and PLS under random and spatial validation.",
        discussion: """
            The paper's CNN (--arch paper: the 4 bands replicated into a 4×4 input) or a k×k patch
            network (--arch patch, needs --scene for the windows), trained with MSE on the
            standardised kriged target and Adam (lr 0.001, 5000 iterations). The paper prints a
            softmax cross-entropy, a classification loss; for one-output regression MSE is right.
            Baselines: multiple linear regression and PLS (components by inner 5-fold CV).
            Validation: the paper's random 2:1 split, and spatial block cross-validation with blocks
            at least the variogram's practical range and targets re-kriged from each fold's training
            samples. Metrics R², RMSE and RPD at the kriged targets and at the measured contents.

            MODEL/ receives model.json + model.safetensors (PyTorch nn.Sequential names and layouts)
            of the CNN trained on the random split's training part, validation.json, and domain.json
            (the band values it was trained on: `invert` leaves pixels outside them nodata).

            Examples:
              regolith train sampleset.csv --out model/
              regolith train sampleset.csv --arch patch --scene refl.tif --patch-size 5 --out model-patch/
            """
    )

    enum Architecture: String, ExpressibleByArgument, CaseIterable { case paper, patch }

    @Argument(help: "Sample set CSV from `regolith samples`.") var sampleSet: String
    @Option(help: "Output model folder.") var out: String
    @Option(help: "Architecture: paper or patch.") var arch: Architecture = .paper
    @Option(help: "Window side of the patch network (odd).") var patchSize = 5
    @Option(help: "Reflectance scene the sample set came from (for --arch patch).") var scene: String?
    @Option(help: "Adam iterations.") var iterations = 5000
    @Option(help: "Learning rate.") var learningRate: Double = 0.001
    @Option(help: "Seed for initialisation, shuffling and splits.") var seed: UInt64 = 1
    @Option(help: "Training share of the random split.") var trainFraction = 2.0 / 3.0
    @Option(help: "Folds of the spatial block cross-validation.") var folds = 5
    @Option(help: "Block side in map units (default: the variogram's practical range).") var blockSize: Double?
    @Option(help: "Target column.") var target = "re2o3"
    @OptionGroup var kriging: KrigingOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard trainFraction > 0, trainFraction < 1 else { throw ValidationError("--train-fraction must be between 0 and 1") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        if arch == .patch {
            guard scene != nil else { throw ValidationError("--arch patch needs --scene for the pixel windows") }
            guard patchSize >= 3, patchSize % 2 == 1 else { throw ValidationError("--patch-size must be odd and at least 3") }
        }
    }

    func run() throws {
        global.apply()
        let set = try SampleSet(path: sampleSet, target: target)
        let step = TrainingStep(arch: arch == .paper ? .paper : .patch, patchSize: patchSize, scene: scene, iterations: iterations,
                                learningRate: learningRate, seed: seed, trainFraction: trainFraction, folds: folds, blockSize: blockSize,
                                kriging: kriging.settings)
        let result = try step.run(set: set, source: sampleSet, quiet: global.quiet)
        try step.save(result, to: out)
        print(TrainingStep.table(result.comparison.validations))
        print("wrote \(out)/\(Model.specificationFile) and \(Model.weightsFile)")
    }
}

/// The training step, shared by `train` and `run`.
struct TrainingStep {
    var arch: NetworkPreset
    var patchSize: Int
    var scene: String?
    var iterations: Int
    var learningRate: Double
    var seed: UInt64
    var trainFraction: Double
    var folds: Int
    var blockSize: Double?
    var kriging: KrigingSettings

    struct Result {
        let comparison: ModelComparison.Result
        let blockSize: Double
        /// Where the model applies: the pixel bands of the samples it was trained on.
        let domain: ApplicabilityDomain
    }

    func run(set: SampleSet, source: String, quiet: Bool) throws -> Result {
        // Every spatial fold needs test samples and the rest enough to train on.
        guard set.count >= folds * 2 else {
            throw CommandFailure(message: "\(source): \(set.count) sample(s) are too few to train and validate (at least \(folds * 2) for \(folds) folds)")
        }
        guard set.bandNames.count == BandDescriptor.gf2.count else {
            throw CommandFailure(message: "\(source): has \(set.bandNames.count) band column(s) (\(set.bandNames.joined(separator: ", "))); the model reads 4 (b1–b4)")
        }
        var features = set
        if arch == .patch, let scene {
            let windows = try PatchFeatures.extract(scene: scene, rows: set.rows, bands: [1, 2, 3, 4], size: patchSize)
            for i in features.rows.indices { features.rows[i].bands = windows[i] }
        }
        var options = TrainingOptions()
        options.iterations = iterations
        options.learningRate = Float(learningRate)
        options.seed = seed
        let block = try blockSize ?? SpatialBlockValidation.blockSize(for: set, kriging: kriging)
        let comparison = ModelComparison(
            cnn: CNNRegression(preset: arch, patchSize: patchSize, options: options),
            randomSplit: RandomSplitValidation(trainFraction: trainFraction, seed: seed),
            spatialBlocks: SpatialBlockValidation(blockSize: block, folds: folds, seed: seed, kriging: kriging))
        let log: (String) -> Void = { message in if !quiet { FileHandle.standardError.write(Data("regolith: \(message)\n".utf8)) } }
        let result = try comparison.run(set: features, pixelBands: set.features, log: log)
        let domain = try ApplicabilityDomain(features: result.trainingRows.map { set.rows[$0].bands })
        return Result(comparison: result, blockSize: block, domain: domain)
    }

    func save(_ result: Result, to folder: String) throws {
        do {
            try result.comparison.model.model.save(to: folder)
        } catch {
            throw CommandFailure(message: "\(folder): cannot save the model (\(error))")
        }
        try AtomicTextFile.writeJSON(result.comparison.validations, to: (folder as NSString).appendingPathComponent("validation.json"))
        try result.domain.save(to: folder)
    }

    static func table(_ validations: [ValidationResult]) -> String {
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
