import Foundation
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// A trained model as the tile kernel that maps content (`invert`, step 5 of `run`, `bench`).
public enum ContentMapping {
    /// Loads the model in `modelFolder`, checks that every scene has the bands it reads, and brings
    /// them to the radiometry it was trained on (`input`: a DN scene is calibrated tile by tile).
    public static func kernel(modelFolder: String, scenes: [String], mcDropout: Int = 0, seed: UInt64 = 1,
                              everywhere: Bool = false, orthorectification: OrthorectificationSettings? = nil, input: SceneInput = SceneInput(),
                              threads: Int = EngineOptions().threads) throws -> ContentMapKernel {
        try kernel(modelFolder: modelFolder, scenes: scenes, mcDropout: mcDropout, seed: seed, everywhere: everywhere,
                   orthorectification: orthorectification, input: input, threads: threads, applyInput: true)
    }

    /// `applyInput` false: the kernel reads the model's features as they are (a feature stack's extractor made them).
    static func kernel(modelFolder: String, scenes: [String], mcDropout: Int, seed: UInt64, everywhere: Bool,
                       orthorectification: OrthorectificationSettings?, input: SceneInput, threads: Int, applyInput: Bool) throws -> ContentMapKernel {
        // A `train` killed while swapping the folder in left the previous model aside: put it back.
        try AtomicFolder(modelFolder).recover()
        let (model, saved) = try ModelFolder.load(modelFolder)
        if mcDropout > 1, model.kind != .cnn {
            throw InversionError("\(modelFolder): Monte-Carlo dropout runs on networks; this model is \(model.kind.rawValue)")
        }
        var width = 0
        for scene in scenes {
            // Orthorectified scenes are read (and their map's width counted) on the map grid.
            let raster = try orthorectification?.orthorectification(of: scene).open() ?? Raster.open(scene)
            width = max(width, raster.width)
            let needed = model.sceneBands.max() ?? 0
            guard raster.bandCount >= needed else {
                throw InversionError("\(scene): has \(raster.bandCount) band(s), but the model in \(modelFolder) reads bands \(model.sceneBands.map(String.init).joined(separator: ", "))")
            }
        }
        let affine = applyInput ? try sharedAffine(scenes: scenes, model: model, modelFolder: modelFolder, input: input, threads: threads) : nil
        // The model by its content, its training run's identifier masked: a run killed after training
        // trains the same model again (seeded) and keeps or resumes its map; another model is refused.
        let content = ContentInput(role: "model", source: modelFolder, digest: try ContentDigest.of(files: modelFiles(in: modelFolder),
                                                                                                     masking: model.trainingRun.flatMap { UUID(uuidString: $0) == nil ? nil : $0 }))
        return try ContentMapKernel(model: model, modelContent: content, sceneWidth: width, monteCarloPasses: mcDropout, seed: seed,
                                    domain: everywhere ? nil : saved ?? fallbackDomain(for: model), inputAffine: affine)
    }

    /// The stored values → reflectance map of `scenes` for `model`: one kernel maps every scene, so
    /// they must share one calibration (DN scenes each have their own).
    static func sharedAffine(scenes: [String], model: MapModel, modelFolder: String, input: SceneInput, threads: Int) throws -> BandAffine? {
        let affines = try scenes.map { try input.affine(scene: $0, model: model, modelFolder: modelFolder, threads: threads) }
        if let (scene, _) = zip(scenes, affines).first(where: { $0.1 != affines[0] }) {
            throw InversionError("\(scene): its calibration differs from \(scenes[0])'s; map DN scenes one at a time, or calibrate them first")
        }
        return affines.first ?? nil
    }

    /// The map kernel of the model in `modelFolder`, whatever it reads: `kernel` for scene bands,
    /// `featureKernel` for a model that reads covariates, terrain derivatives, indices or focal means.
    public static func mapKernel(modelFolder: String, scenes: [String], covariates: CovariateSettings, mcDropout: Int = 0, seed: UInt64 = 1,
                                 everywhere: Bool = false, orthorectification: OrthorectificationSettings? = nil, input: SceneInput = SceneInput(),
                                 threads: Int = EngineOptions().threads) throws -> (kernel: any TileKernel, covariates: [Covariate]) {
        try AtomicFolder(modelFolder).recover()
        let model = try ModelFolder.load(modelFolder).model
        guard let stack = model.features, !stack.isPlain else {
            if let first = covariates.covariates.first {
                throw InversionError("\(modelFolder): the model reads scene bands only, not the covariate '\(first.name)'")
            }
            if !covariates.isEmpty { throw InversionError("\(modelFolder): the model reads scene bands only, no terrain derivatives or indices") }
            return (try kernel(modelFolder: modelFolder, scenes: scenes, mcDropout: mcDropout, seed: seed, everywhere: everywhere,
                               orthorectification: orthorectification, input: input, threads: threads), [])
        }
        let resolved = try covariates.resolve(for: stack, modelFolder: modelFolder)
        return (try featureKernel(modelFolder: modelFolder, scenes: scenes, mcDropout: mcDropout, seed: seed,
                                  everywhere: everywhere, orthorectification: orthorectification, input: input, threads: threads), resolved)
    }

    /// The map kernel of a model that reads a feature stack; the caller stacks the covariates
    /// (resolved by `CovariateSettings.resolve`) onto each scene (`RasterSource.stacking`).
    public static func featureKernel(modelFolder: String, scenes: [String], mcDropout: Int = 0, seed: UInt64 = 1,
                                     everywhere: Bool = false, orthorectification: OrthorectificationSettings? = nil, input: SceneInput = SceneInput(),
                                     threads: Int = EngineOptions().threads) throws -> FeatureStackKernel {
        // The mapping reads the features as they are; the extractor brings the scene bands to reflectance.
        let mapping = try kernel(modelFolder: modelFolder, scenes: scenes, mcDropout: mcDropout, seed: seed, everywhere: everywhere,
                                 orthorectification: orthorectification, input: input, threads: threads, applyInput: false)
        guard let stack = mapping.model.features else { throw InversionError("\(modelFolder): the model reads no feature stack") }
        let affine = try sharedAffine(scenes: scenes, model: mapping.model, modelFolder: modelFolder, input: input, threads: threads)
        let scene = try orthorectification?.orthorectification(of: scenes[0]).open() ?? Raster.open(scenes[0])
        guard let transform = scene.geoTransform else { throw RasterError.needsMapCoordinates(scenes[0], for: "covariates") }
        let extractor = try FeatureExtractor(stack: stack, affine: affine, pixelWidth: transform.pixelWidth, pixelHeight: transform.pixelHeight)
        return try FeatureStackKernel(mapping: mapping, extractor: extractor, sceneBandCount: scene.bandCount)
    }

    /// The files of a model folder (those present): what a map depends on, and the record of its training.
    public static func modelFiles(in folder: String) -> [String] {
        ModelFolder.files(in: folder)
    }

    /// For networks trained elsewhere, which come without a domain: each band within 5 standard
    /// deviations of the training mean. Feature models are only written by `train`, with their domain.
    private static func fallbackDomain(for model: MapModel) -> ApplicabilityDomain? {
        guard case let .network(network) = model else { return nil }
        return ApplicabilityDomain(means: network.standardisation.inputMeans.map(Double.init),
                                   standardDeviations: network.standardisation.inputStandardDeviations.map(Double.init), limit: 5)
    }
}
