import Foundation
import NeuralNet
import RasterIO

/// A model folder of any kind: `model.json` (+ `model.safetensors` for a network, `xgboost.json`
/// for trees), `validation.json` and `domain.json`, all marked with one training run identifier,
/// written as a whole or not at all (`AtomicFolder`). A folder whose files come from two
/// trainings is refused.
public enum ModelFolder {
    /// Writes `model` with the `validations` that chose it and its applicability `domain` into
    /// `folder`, under a new training run identifier, replacing any folder there only once all is written.
    public static func save(_ model: MapModel, validations: [ValidationResult], domain: ApplicabilityDomain, to folder: String) throws {
        let run = UUID().uuidString.lowercased()
        var model = model
        model.trainingRun = run
        var domain = domain
        domain.run = run
        try AtomicFolder.write(folder) { temporary in
            do {
                switch model {
                case let .network(network): try network.save(to: temporary)
                case let .features(features): try features.save(to: temporary)
                }
            } catch let error as InversionError {
                throw InversionError("\(folder): cannot save the model (\(error))")
            } catch {
                // Foundation wraps the system's reason (e.g. "No space left on device") in a long text.
                let reason = (error as? CocoaError)?.underlying?.localizedDescription ?? "\(error)"
                throw InversionError("\(folder): cannot save the model (\(reason))")
            }
            try ValidationFile(run: run, validations: validations).save(to: temporary)
            try domain.save(to: temporary)
        }
    }

    /// The model in `folder`, of whatever kind its `model.json` states, and its applicability domain
    /// (nil when the folder has none: models made elsewhere), checked to come from the same training.
    public static func load(_ folder: String) throws -> (model: MapModel, domain: ApplicabilityDomain?) {
        let model = try loadModel(folder)
        let domain = try ApplicabilityDomain.load(from: folder)
        if let domain {
            try Model.checkSameTraining((folder as NSString).appendingPathComponent(ApplicabilityDomain.fileName),
                                        run: domain.run, modelRun: model.trainingRun)
            guard domain.mean.count == model.bands.count else {
                throw ModelFileError(file: (folder as NSString).appendingPathComponent(ApplicabilityDomain.fileName),
                                     problem: "has \(domain.mean.count) bands, the model \(model.bands.count)")
            }
        }
        return (model, domain)
    }

    private struct KindField: Decodable {
        var kind: String?
    }

    private static func loadModel(_ folder: String) throws -> MapModel {
        let path = (folder as NSString).appendingPathComponent(Model.specificationFile)
        // Unreadable or invalid JSON: the network loader says so as it always has.
        guard let json = FileManager.default.contents(atPath: path), let field = try? JSONDecoder().decode(KindField.self, from: json) else {
            return .network(try Model.load(from: folder))
        }
        guard let name = field.kind, name != ModelKind.cnn.rawValue else { return .network(try Model.load(from: folder)) }
        guard ModelKind(rawValue: name) != nil else {
            throw ModelFileError(file: path, problem: "\"kind\" is \"\(name)\", expected one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return .features(try FeatureModel.load(from: folder, json: json))
    }

    /// The files of a model folder (those present): what a map depends on, and the record of its training.
    public static func files(in folder: String) -> [String] {
        [Model.specificationFile, Model.weightsFile, FeatureModel.treesFile, ApplicabilityDomain.fileName, ValidationFile.fileName]
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }
}
