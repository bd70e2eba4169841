import Foundation
import Inversion
import NeuralNet
import RasterIO

/// A trained model as the tile kernel that maps content (`invert`, step 5 of `run`, `bench`).
public enum ContentMapping {
    /// Loads the model in `modelFolder` and checks that every scene has the bands it reads, and holds
    /// reflectances when the model was trained on them.
    public static func kernel(modelFolder: String, scenes: [String], mcDropout: Int = 0, seed: UInt64 = 1,
                              everywhere: Bool = false) throws -> ContentMapKernel {
        let model = try Model.load(from: modelFolder)
        let weights = (modelFolder as NSString).appendingPathComponent(Model.weightsFile)
        let digest = (try? FileManager.default.attributesOfItem(atPath: weights)[.size] as? Int).map { "\($0) bytes" } ?? "?"
        var width = 0
        for scene in scenes {
            let raster = try Raster.open(scene)
            width = max(width, raster.width)
            let needed = model.bands.map(\.number).max() ?? 0
            guard raster.bandCount >= needed else {
                throw InversionError("\(scene): has \(raster.bandCount) band(s), but the model in \(modelFolder) reads bands \(model.bands.map { String($0.number) }.joined(separator: ", "))")
            }
            // Integer pixels are DNs (hundreds); a reflectance model standardises them far outside
            // anything it saw, and the applicability domain then blanks the whole map.
            if isReflectanceModel(model), let band = model.bands.map({ raster.bands[$0.number - 1] }).first(where: { !$0.pixelType.isFloatingPoint }) {
                throw InversionError("\(scene): band \(band.number) is \(band.pixelType.name), raw DNs, but the model in \(modelFolder) was trained on reflectance; calibrate the scene first (regolith calibrate)")
            }
        }
        return try ContentMapKernel(model: model, modelSignature: "\(modelFolder) \(digest) \(model.preset?.rawValue ?? "custom")",
                                    sceneWidth: width, monteCarloPasses: mcDropout, seed: seed,
                                    domain: everywhere ? nil : try domain(for: model, in: modelFolder))
    }

    /// A model trained on reflectances: every input band's mean is below 1.5 (reflectances lie in
    /// 0…1, GF-2 DNs in the hundreds).
    static func isReflectanceModel(_ model: Model) -> Bool {
        model.standardisation.inputMeans.allSatisfy { $0 < 1.5 }
    }

    /// The files of a model folder that shape a map (those present).
    public static func modelFiles(in folder: String) -> [String] {
        [Model.specificationFile, Model.weightsFile, ApplicabilityDomain.fileName, "validation.json"]
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The domain `train` saved with the model, or one from the model's standardisation statistics.
    public static func domain(for model: Model, in folder: String) throws -> ApplicabilityDomain {
        if let saved = try ApplicabilityDomain.load(from: folder) { return saved }
        return ApplicabilityDomain(means: model.standardisation.inputMeans.map(Double.init),
                                   standardDeviations: model.standardisation.inputStandardDeviations.map(Double.init), limit: 5)
    }
}
