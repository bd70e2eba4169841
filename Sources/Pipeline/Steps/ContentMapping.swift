import Foundation
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// A trained model as the tile kernel that maps content (`invert`, step 5 of `run`, `bench`).
public enum ContentMapping {
    /// Loads the model in `modelFolder` and checks that every scene has the bands it reads, and holds
    /// reflectances when the model was trained on them.
    public static func kernel(modelFolder: String, scenes: [String], mcDropout: Int = 0, seed: UInt64 = 1,
                              everywhere: Bool = false, orthorectification: OrthorectificationSettings? = nil) throws -> ContentMapKernel {
        // A `train` killed while swapping the folder in left the previous model aside: put it back.
        try AtomicFolder(modelFolder).recover()
        let model = try Model.load(from: modelFolder)
        let saved = try ApplicabilityDomain.load(from: modelFolder)
        if let saved {
            try Model.checkSameTraining((modelFolder as NSString).appendingPathComponent(ApplicabilityDomain.fileName),
                                        run: saved.run, modelRun: model.trainingRun)
        }
        var width = 0
        for scene in scenes {
            // Orthorectified scenes are read (and their map's width counted) on the map grid.
            let raster = try orthorectification?.orthorectification(of: scene).open() ?? Raster.open(scene)
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
        let content = ContentInput(role: "model", source: modelFolder, digest: try ContentDigest.of(files: modelFiles(in: modelFolder)))
        return try ContentMapKernel(model: model, modelContent: content, sceneWidth: width, monteCarloPasses: mcDropout, seed: seed,
                                    domain: everywhere ? nil : saved ?? fallbackDomain(for: model))
    }

    /// A model trained on reflectances: every input band's mean is below 1.5 (reflectances lie in
    /// 0…1, GF-2 DNs in the hundreds).
    static func isReflectanceModel(_ model: Model) -> Bool {
        model.standardisation.inputMeans.allSatisfy { $0 < 1.5 }
    }

    /// The files of a model folder (those present): what a map depends on, and the record of its training.
    public static func modelFiles(in folder: String) -> [String] {
        [Model.specificationFile, Model.weightsFile, ApplicabilityDomain.fileName, ValidationFile.fileName]
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// For models trained elsewhere, which come without a domain: each band within 5 standard
    /// deviations of the training mean.
    private static func fallbackDomain(for model: Model) -> ApplicabilityDomain {
        ApplicabilityDomain(means: model.standardisation.inputMeans.map(Double.init),
                            standardDeviations: model.standardisation.inputStandardDeviations.map(Double.init), limit: 5)
    }
}
