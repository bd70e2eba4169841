import ArgumentParser
import Foundation
import Inversion
import NeuralNet
import Pipeline
import RasterIO

extension ModelArchitecture: ExpressibleByArgument {}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a sample set and compare the CNN with MLR, PLS and gradient-boosted trees under random and spatial validation.",
        discussion: """
            The paper's CNN (--arch paper: the 4 bands replicated into a 4×4 input) or a k×k patch network (--arch patch, needs --scene for the windows), trained with MSE on the standardised kriged target and Adam (lr 0.001, 5000 iterations). The paper prints a softmax cross-entropy, a classification loss; for one-output regression MSE is right. Baselines: multiple linear regression, PLS (components by inner 5-fold CV) and gradient-boosted trees (XGBoost; max_depth, min_child_weight and rounds chosen by inner 3-fold spatial-block CV from 8 combinations, see the README). --arch mlr, pls or xgboost makes that baseline the folder's model; the CNN (paper) is still trained and validated beside it. Validation: the paper's random 2:1 split, and spatial block cross-validation with blocks at least the variogram's practical range and targets re-kriged from each fold's training samples. Metrics R², RMSE and RPD at the kriged targets and at the measured contents.

            MODEL/ receives the model trained on the random split's training part: for the CNN model.json + model.safetensors (PyTorch nn.Sequential names and layouts), for MLR and PLS model.json with the coefficients, for XGBoost model.json + xgboost.json (XGBoost's JSON model format, which Python's xgboost.Booster(model_file=...) loads); then validation.json, and domain.json (the band values it was trained on: `invert` leaves pixels outside them nodata). The folder is written beside MODEL/ and then swapped in, so a `train` that fails or is killed leaves the previous model whole; its files carry one training run id, and `invert` refuses a folder whose files come from two trainings.

            Models of any number of features: a sample set from `samples --covariate … --terrain … --index …` is trained with the same options, which the model records (model.json: input.features) so that `invert` rebuilds the features and refuses a call without them. The paper network reads N ≥ 4 features (its first dense layer grows with N), the patch network any number (its windows of every feature come from --scene and the covariates).

            Examples:
              regolith train sampleset.csv --out model/
              regolith train sampleset.csv --covariate dem=srtm.tif \\
                  --terrain slope,tpi --out model-dem/
              regolith train sampleset.csv --arch patch --scene refl.tif \\
                  --patch-size 5 --out model-patch/
              regolith train sampleset.csv --arch xgboost --out model-xgb/
            """
    )

    @Argument(help: "Sample set CSV from `regolith samples`.") var sampleSet: String
    @Option(help: "Output model folder.") var out: String
    @Option(help: "The folder's model: paper, patch, mlr, pls, xgboost, or auto (MLR, PLSR, XGBoost, the paper CNN and, with --scene, the patch CNN and MLR, PLSR and XGBoost reading the bands' 36 m focal means too, and on the scene bands alone when covariates, terrain or indices are given, all scored by spatial-block cross-validation, network iterations by early stopping; the best is saved).") var arch: ModelArchitecture = .paper
    @Option(help: "Window side of the patch network (odd).") var patchSize = 5
    @Option(help: "Reflectance scene the sample set came from: the patch network's windows (--arch patch), and the radiometry recorded in the model (a scene from `calibrate` states whether it had dark-object subtraction, which `invert` then applies to DN scenes).") var scene: String?
    @Option(help: "Adam iterations.") var iterations = 5000
    @Option(help: "Learning rate.") var learningRate: Double = 0.001
    @Option(help: "Seed for initialisation, shuffling and splits.") var seed: UInt64 = 1
    @Option(help: "Training share of the random split.") var trainFraction = 2.0 / 3.0
    @Option(help: "Folds of the spatial block cross-validation.") var folds = 5
    @Option(help: "Block side in map units (default: the variogram's practical range).") var blockSize: Double?
    @Option(help: "Target column.") var target = "re2o3"
    @Option(help: "Unit of the target column, recorded in the model and labelling its maps (default: none).") var unit = ""
    @OptionGroup var sceneInput: SceneInputOptions
    @OptionGroup var kriging: KrigingOptions
    @OptionGroup(title: "Covariates (as given to samples)") var covariates: CovariateOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let problems: [(String, String?)] = [
            ("--iterations", SettingRules.iterations(iterations)),
            ("--learning-rate", SettingRules.learningRate(learningRate)),
            ("--train-fraction", SettingRules.openFraction(trainFraction)),
            ("--folds", SettingRules.folds(folds)),
            ("--block-size", blockSize.flatMap(SettingRules.positive)),
            ("--patch-size", arch != .paper ? SettingRules.patchSize(patchSize) : nil),
        ]
        if let (option, problem) = problems.first(where: { $0.1 != nil }) { throw ValidationError("\(option): \(problem!)") }
        if arch == .patch && scene == nil { throw ValidationError("--arch patch needs --scene for the pixel windows") }
        try sceneInput.refuseDN("train")
    }

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: [(out, .folder)], inputs: [sampleSet] + (scene.map { [$0] } ?? []))
        let covariateSettings = try covariates.settings()
        var set = try SampleSet(path: sampleSet, target: target)
        var settings = ModelTraining.Settings()
        if !covariateSettings.isEmpty {
            let columns = try SampleSet.featureColumns(path: sampleSet, target: target)
            let stack = try covariateSettings.featureStack(sceneBands: set.bandNames.compactMap { Int($0.dropFirst()) })
            guard columns == stack.featureNames else {
                throw InversionError("\(sampleSet): has the feature columns \(columns.joined(separator: ", ")); the covariate options make \(stack.featureNames.joined(separator: ", ")) (give the options `samples` had)")
            }
            set = try SampleSet(path: sampleSet, target: target, bands: stack.featureNames)
            settings.features = stack
        }
        (settings.arch, settings.patchSize, settings.scene) = (arch, patchSize, scene)
        (settings.iterations, settings.learningRate, settings.seed) = (iterations, learningRate, seed)
        (settings.trainFraction, settings.folds, settings.blockSize, settings.kriging) = (trainFraction, folds, blockSize, kriging.settings)
        settings.target = TargetDescriptor(name: target, unit: unit)
        settings.sceneAffine = try scene.flatMap { try sceneInput.sceneInput.storedToReflectance(scene: $0, threads: ProcessInfo.processInfo.activeProcessorCount) }
        settings.radiometry = sceneInput.input == .reflectance ? InputRadiometry(kind: .reflectance) : try scene.flatMap(SceneInput.calibratedRadiometry)
        let quiet = global.quiet
        let result = try ModelTraining(settings).run(set: set, source: sampleSet) { message in
            if !quiet { FileHandle.standardError.write(Data("regolith: \(message)\n".utf8)) }
        }
        try ModelTraining.saveWinner(result, to: out)
        print(ValidationResult.table(result.comparison.validations))
        if let selection = result.selection { print(selection.table) }
        print("wrote \(ModelFolder.files(in: out).joined(separator: ", "))")
    }
}
