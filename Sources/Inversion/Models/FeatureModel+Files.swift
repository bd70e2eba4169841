import Foundation
import NeuralNet

/// A feature model in a model folder: `model.json` (format version 2, with `kind`) holding the bands,
/// target, radiometry, feature stack and training run, and for MLR/PLS the coefficients (and PLS's standardisation),
/// for gradient-boosted trees the name of the XGBoost JSON model beside it (`xgboost.json`).
extension FeatureModel {
    public static let treesFile = "xgboost.json"
    static let formatVersion = 2

    struct Document: Codable {
        struct Input: Codable {
            var bands: [BandDescriptor]
            var radiometry: InputRadiometry
            /// The feature stack the bands come from (absent: scene bands only).
            var features: FeatureStack?
        }
        struct Linear: Codable {
            var intercept: Double
            var coefficients: [Double]
            /// PLS's standardisation of the bands (absent for MLR, whose coefficients apply to the bands as they are).
            var scaling: FeatureScaling?
        }
        struct Trees: Codable {
            /// The XGBoost model file in the folder.
            var model: String
            var hyperparameters: XGBoostRegression.Hyperparameters?
        }

        var format: String
        var formatVersion: Int
        var kind: ModelKind
        var input: Input
        var target: TargetDescriptor
        var run: String?
        var summary: String
        var linear: Linear?
        var xgboost: Trees?
    }

    /// Writes `model.json` (and `xgboost.json` for trees, marked with `trainingRun`) into `folder`.
    public func save(to folder: String) throws {
        var document = Document(format: "regolith-model", formatVersion: Self.formatVersion, kind: kind,
                                input: .init(bands: bands, radiometry: radiometry, features: features), target: target, run: trainingRun, summary: summary)
        switch predictor {
        case let .linear(intercept, coefficients, scaling):
            document.linear = .init(intercept: intercept, coefficients: coefficients, scaling: scaling)
        case let .trees(model, hyperparameters):
            document.xgboost = .init(model: Self.treesFile, hyperparameters: hyperparameters)
            try Data(try model.marked(run: trainingRun).json).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(Self.treesFile)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(document).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(Model.specificationFile)))
    }

    /// Reads the feature model of `folder` from its `model.json` (already read as `json`): every
    /// problem is one line naming the file.
    static func load(from folder: String, json: Data) throws -> FeatureModel {
        let path = (folder as NSString).appendingPathComponent(Model.specificationFile)
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: path, problem: problem) }
        let document: Document
        do { document = try JSONDecoder().decode(Document.self, from: json) } catch let error as DecodingError {
            throw fail(error.oneLine)
        }
        guard document.format == "regolith-model" else { throw fail("\"format\" is \"\(document.format)\", expected \"regolith-model\"") }
        guard (1...Self.formatVersion).contains(document.formatVersion) else {
            throw fail("format version \(document.formatVersion) is newer than this Regolith reads (\(Self.formatVersion)); update Regolith")
        }
        guard document.input.bands.allSatisfy({ $0.number >= 1 }) else { throw fail("band numbers must be 1 or more (the scene's first band is 1)") }
        let predictor: Predictor
        switch (document.kind, document.linear, document.xgboost) {
        case let (.mlr, linear?, nil), let (.pls, linear?, nil):
            guard (linear.coefficients + [linear.intercept] + (linear.scaling.map { $0.mean + $0.sd } ?? [])).allSatisfy(\.isFinite),
                  linear.scaling?.sd.allSatisfy({ $0 > 0 }) ?? true else {
                throw fail("the linear model's numbers must be finite and its standard deviations positive")
            }
            predictor = .linear(intercept: linear.intercept, coefficients: linear.coefficients, scaling: linear.scaling)
        case let (.xgboost, nil, trees?):
            guard !trees.model.contains("/") else { throw fail("xgboost.model must name a file in the model folder, not \"\(trees.model)\"") }
            let treesPath = (folder as NSString).appendingPathComponent(trees.model)
            guard let bytes = FileManager.default.contents(atPath: treesPath) else { throw ModelFileError(file: treesPath, problem: "cannot read the file") }
            let model: XGBoostModel
            do { model = try XGBoostModel(json: [UInt8](bytes), source: treesPath) } catch let error as InversionError {
                throw ModelFileError(file: treesPath, problem: "not an XGBoost JSON model (\(error.description.replacingOccurrences(of: "\(treesPath): ", with: "")))")
            }
            try Model.checkSameTraining(treesPath, run: model.trainingRun, modelRun: document.run)
            predictor = .trees(model, trees.hyperparameters)
        default:
            throw fail("a \(document.kind.rawValue) model needs \(document.kind == .xgboost ? "\"xgboost\"" : "\"linear\"") and nothing of another kind")
        }
        do {
            var model = try FeatureModel(kind: document.kind, bands: document.input.bands, target: document.target,
                                         radiometry: document.input.radiometry, predictor: predictor, summary: document.summary,
                                         features: document.input.features)
            model.trainingRun = document.run
            return model
        } catch let error as InversionError {
            throw fail(error.description)
        }
    }
}
